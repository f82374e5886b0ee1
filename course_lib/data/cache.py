"""On-disk cache for generated data sets, as plain ``.npz`` files.

The cache lives in ``$MEDL_CACHE_DIR`` when that variable is set, else in
``~/.cache/medl``. Files are written atomically (write a temporary file in the same
folder, then ``os.replace``) so that two notebooks generating the same set at once, or a
kernel killed half-way through a write, never leave a truncated file that a later load
would trust. Files are read with ``allow_pickle=False``: the cache holds numbers only,
and a cache folder is not a place from which to run arbitrary pickled code.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

ENV_VAR = "MEDL_CACHE_DIR"
"""Environment variable that overrides the cache folder."""

DEFAULT_DIR = Path("~/.cache/medl")
"""Cache folder used when ``MEDL_CACHE_DIR`` is unset or empty (``~`` is expanded)."""


def cache_dir() -> Path:
    """Return the cache folder, without creating it.

    Returns:
        ``Path($MEDL_CACHE_DIR)`` if the variable is set and non-empty, else
        ``~/.cache/medl``, with ``~`` expanded. The variable is read on every call so a
        test can point it at a temporary folder with ``monkeypatch.setenv``.
    """
    raw = os.environ.get(ENV_VAR, "").strip()
    return (Path(raw) if raw else DEFAULT_DIR).expanduser()


def cache_path(key: str) -> Path:
    """Return the file path for a cache key.

    Args:
        key: a file stem such as ``"mnist1d-0.0.2-3f2a9c1e"``; it must not contain a path
            separator, so a key can never point outside the cache folder.

    Returns:
        ``cache_dir() / f"{key}.npz"``.

    Raises:
        ValueError: if ``key`` is empty or contains a path separator.
    """
    if not key or "/" in key or "\\" in key or key in {".", ".."}:
        raise ValueError(f"cache key must be a plain file stem; got {key!r}")
    return cache_dir() / f"{key}.npz"


def save_arrays(key: str, arrays: dict[str, np.ndarray]) -> Path:
    """Write arrays to ``<cache_dir>/<key>.npz`` atomically.

    Args:
        key: the cache key (see :func:`cache_path`).
        arrays: name -> array. Arrays of Python objects are refused, since they could
            only be read back with pickling turned on.

    Returns:
        The path of the written file.

    Raises:
        ValueError: if an array has ``dtype=object`` or the key is invalid.
    """
    for name, value in arrays.items():
        if np.asarray(value).dtype == object:
            raise ValueError(f"array {name!r} has dtype object; the cache holds numbers only")
    path = cache_path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    # The temporary file must be in the same folder: os.replace is atomic only within
    # one file system.
    fd, tmp_name = tempfile.mkstemp(prefix=f".{key}.", suffix=".tmp", dir=path.parent)
    try:
        # Writing through a file object stops np.savez from appending its own ".npz".
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, **arrays)
        # mkstemp creates the file 0600; widen it to what a normal write would give so
        # a cache folder shared between users (a JupyterHub) stays readable.
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return path


def load_arrays(key: str) -> dict[str, np.ndarray] | None:
    """Read ``<cache_dir>/<key>.npz`` back, or return None when there is nothing usable.

    Args:
        key: the cache key (see :func:`cache_path`).

    Returns:
        name -> array (fully read into memory, so the file is closed on return), or None
        if the file is missing or unreadable. An unreadable file (truncated by a full disk,
        written by an incompatible tool) is treated as a miss so the caller regenerates
        and overwrites it, rather than failing a student's notebook.
    """
    path = cache_path(key)
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile):
        return None


def clear(key: str) -> bool:
    """Delete one cache entry.

    Args:
        key: the cache key (see :func:`cache_path`).

    Returns:
        True if a file was removed, False if there was none.
    """
    path = cache_path(key)
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True
