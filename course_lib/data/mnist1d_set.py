"""MNIST-1D (Greydanus, 2020), generated offline with the ``mnist1d`` package.

We never call ``mnist1d.data.get_dataset``: with its defaults it downloads a pickle from
GitHub (and unpickling a downloaded file runs whatever code it holds). Instead we call
``make_dataset`` with the published default arguments of ``get_dataset_args`` --
5000 samples, 80/20 split, seed 42, signals of length 40 -- which rebuilds the data set
locally in a second or two, then keep the result in the ``.npz`` cache.
"""

from __future__ import annotations

import hashlib
import json
import random
from importlib import metadata

import numpy as np

from course_lib.data import cache
from course_lib.data.registry import DatasetInfo, Splits, register

_FIELDS = ("x_train", "y_train", "x_test", "y_test")


def published_args() -> dict:
    """Return ``mnist1d.data.get_dataset_args()`` as a dict (the published defaults)."""
    from mnist1d.data import get_dataset_args

    return dict(get_dataset_args(as_dict=True))


def cache_key(args: dict | None = None) -> str:
    """Return the cache file stem for a set of generation arguments.

    Args:
        args: a ``get_dataset_args``-style dict, or None for the published defaults.

    Returns:
        ``"mnist1d-<package version>-default"`` for the defaults, else
        ``"mnist1d-<package version>-<hash of args>"``. The package version is in the key
        because the generator's code, not only its arguments, decides the samples: a new
        ``mnist1d`` release gets a fresh entry instead of stale arrays. A pinned version
        also pins its defaults, so the default key needs no call to ``get_dataset_args``
        and a cache hit never imports ``mnist1d`` (which pulls in SciPy and Matplotlib,
        about a second).
    """
    version = metadata.version("mnist1d")
    if args is None:
        return f"mnist1d-{version}-default"
    # The download URL does not change the generated samples, so it stays out of the hash.
    relevant = {key: value for key, value in args.items() if key != "url"}
    digest = hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()[:12]
    return f"mnist1d-{version}-{digest}"


def generate(args: dict | None = None) -> Splits:
    """Generate MNIST-1D with ``mnist1d.data.make_dataset`` (no cache, no download).

    Args:
        args: generation arguments as a dict; None means the published defaults
            (``get_dataset_args()``).

    Returns:
        Train and test splits: x float32 ``(n, 40)``, y int64 ``(n,)``; with the defaults
        ``n`` is 4000 and 1000.
    """
    from mnist1d.data import make_dataset
    from mnist1d.utils import ObjectView

    args = published_args() if args is None else dict(args)
    # make_dataset seeds the *global* NumPy and Python generators. Restore them afterwards
    # so that loading data (which may or may not hit the cache) never changes the random
    # numbers a student's notebook draws next.
    np_state, py_state = np.random.get_state(), random.getstate()
    try:
        raw = make_dataset(ObjectView(args))
    finally:
        np.random.set_state(np_state)
        random.setstate(py_state)
    return Splits(
        np.asarray(raw["x"], dtype=np.float32),
        np.asarray(raw["y"], dtype=np.int64),
        np.asarray(raw["x_test"], dtype=np.float32),
        np.asarray(raw["y_test"], dtype=np.int64),
    )


def _from_cache(key: str) -> Splits | None:
    stored = cache.load_arrays(key)
    if stored is None or set(stored) != set(_FIELDS):
        return None
    x_train, y_train, x_test, y_test = (stored[field] for field in _FIELDS)
    consistent = (
        x_train.ndim == x_test.ndim == 2
        and x_train.shape[1] == x_test.shape[1]
        and y_train.shape == (len(x_train),)
        and y_test.shape == (len(x_test),)
    )
    if not consistent:
        return None  # foreign or damaged file: regenerate and overwrite it
    # Exact sizes are checked against DatasetInfo by the registry on every build.
    return Splits(
        x_train.astype(np.float32, copy=False),
        y_train.astype(np.int64, copy=False),
        x_test.astype(np.float32, copy=False),
        y_test.astype(np.int64, copy=False),
    )


def load_or_generate(args: dict | None = None) -> Splits:
    """Return MNIST-1D from the cache, generating and caching it on a miss.

    Args:
        args: generation arguments; None means the published defaults.

    Returns:
        The splits as in :func:`generate`.
    """
    key = cache_key(args)
    cached = _from_cache(key)
    if cached is not None:
        return cached
    result = generate(args)
    try:
        cache.save_arrays(key, result._asdict())
    except OSError:
        # A read-only or full home folder (exam machines) must not stop the notebook:
        # the data is correct, it just will not be reused next session.
        pass
    return result


@register(
    DatasetInfo(
        name="mnist1d",
        n_classes=10,
        input_shape=(40,),
        n_train=4000,
        n_test=1000,
        description=(
            "MNIST-1D (Greydanus 2020): ten 1-D digit templates padded, scaled, "
            "translated, sheared and noised into length-40 signals, standardised to mean "
            "0 and std 1. Generated offline with mnist1d.data.make_dataset and the "
            "published defaults (5000 samples, seed 42); the first 4000 are train."
        ),
    )
)
def _mnist1d(seed: int) -> Splits:
    # The published set is fixed (seed 42); the registry's seed does not apply.
    return load_or_generate()
