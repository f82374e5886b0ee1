"""Name -> loader registry behind ``course_lib.data.load``.

Each data set module registers a *builder*: a function that takes a seed and returns the
full train/test split as NumPy arrays. This module validates names, splits and seeds,
memoises what builders return (so a notebook that calls ``load`` in every cell pays once),
checks the arrays against the declared :class:`DatasetInfo`, and hands out copies.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

SPLITS: tuple[str, ...] = ("train", "test", "all")
"""Valid ``split`` values. ``"all"`` is the training rows followed by the test rows."""

X_DTYPE = np.float32
Y_DTYPE = np.int64


@dataclass(frozen=True)
class DatasetInfo:
    """What a data set looks like, known without loading it.

    Attributes:
        name: the registry name, e.g. ``"mnist1d"``.
        n_classes: number of labels; labels are ``0 .. n_classes - 1``.
        input_shape: shape of one input, e.g. ``(40,)``; ``x`` has shape
            ``(n, *input_shape)``.
        n_train: rows in the ``"train"`` split.
        n_test: rows in the ``"test"`` split.
        description: one or two sentences: source, preprocessing, how the split is made.
    """

    name: str
    n_classes: int
    input_shape: tuple[int, ...]
    n_train: int
    n_test: int
    description: str


class Splits(NamedTuple):
    """A builder's result: float32 inputs and int64 labels for both splits."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


Builder = Callable[[int], Splits]
"""Takes a seed (ignored by fixed data sets) and returns the whole data set."""


@dataclass(frozen=True)
class _Entry:
    info: DatasetInfo
    build: Builder
    default_seed: int | None  # None marks a fixed set: the seed argument is ignored.


_REGISTRY: dict[str, _Entry] = {}


def register(info: DatasetInfo, *, default_seed: int | None = None) -> Callable[[Builder], Builder]:
    """Decorator that registers a builder under ``info.name``.

    Args:
        info: the data set's metadata; ``load`` checks every result against it.
        default_seed: for generated sets, the seed used when ``load`` gets
            ``seed=None``. Leave as None for fixed sets, which then ignore ``seed``.

    Returns:
        A decorator that registers the builder and returns it unchanged.

    Raises:
        ValueError: if the name is already registered.
    """

    def decorator(build: Builder) -> Builder:
        if info.name in _REGISTRY:
            raise ValueError(f"dataset {info.name!r} is already registered")
        _REGISTRY[info.name] = _Entry(info=info, build=build, default_seed=default_seed)
        return build

    return decorator


def names() -> list[str]:
    """Return the registered data set names, sorted alphabetically."""
    return sorted(_REGISTRY)


def _entry(name: str) -> _Entry:
    if not isinstance(name, str) or name not in _REGISTRY:
        raise ValueError(
            f"unknown dataset {name!r}; choose one of: {', '.join(names())}; got {name!r}"
        )
    return _REGISTRY[name]


def info(name: str) -> DatasetInfo:
    """Return the :class:`DatasetInfo` for ``name`` without loading any data.

    Raises:
        ValueError: if ``name`` is not registered.
    """
    return _entry(name).info


def is_generated(name: str) -> bool:
    """Return True if ``name`` is a generated set whose content depends on ``seed``."""
    return _entry(name).default_seed is not None


def _check(result: Splits, meta: DatasetInfo) -> None:
    # A builder that drifts from its declared info (a new sklearn release, a changed
    # generator) should fail loudly here, not as a shape error deep inside a model.
    expected = {
        "train": (meta.n_train, *meta.input_shape),
        "test": (meta.n_test, *meta.input_shape),
    }
    pairs = (("train", result.x_train, result.y_train), ("test", result.x_test, result.y_test))
    for split, x, y in pairs:
        if x.dtype != X_DTYPE or y.dtype != Y_DTYPE:
            raise RuntimeError(f"{meta.name}/{split}: got dtypes {x.dtype}, {y.dtype}")
        if x.shape != expected[split] or y.shape != (expected[split][0],):
            raise RuntimeError(
                f"{meta.name}/{split}: expected x {expected[split]}, got {x.shape} and y {y.shape}"
            )
        if y.size and (y.min() < 0 or y.max() >= meta.n_classes):
            raise RuntimeError(f"{meta.name}/{split}: labels outside 0..{meta.n_classes - 1}")


@functools.lru_cache(maxsize=16)
def _splits(name: str, seed: int) -> Splits:
    entry = _REGISTRY[name]
    result = Splits(*(np.ascontiguousarray(a) for a in entry.build(seed)))
    _check(result, entry.info)
    for array in result:
        # The memoised arrays are shared by every later call; freezing them turns an
        # accidental in-place edit into an error instead of silently corrupted data.
        array.flags.writeable = False
    return result


def load(
    name: str, split: str = "train", *, seed: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Load a data set split as NumPy arrays.

    Args:
        name: a registered name; see :func:`names`.
        split: ``"train"``, ``"test"`` or ``"all"`` (train rows then test rows).
            Default ``"train"``.
        seed: only used by generated sets (``"rings"``); None means the set's fixed
            default seed, so the default result is the same on every call and machine.
            Fixed sets ignore it. Default None.

    Returns:
        ``(x, y)``: ``x`` float32 of shape ``(n, *info(name).input_shape)`` and ``y``
        int64 of shape ``(n,)``. Both are fresh, writable copies that the caller may
        modify.

    Raises:
        ValueError: for an unknown name or split.
        TypeError: if ``seed`` is not an int or None.
    """
    entry = _entry(name)
    if not isinstance(split, str) or split not in SPLITS:
        raise ValueError(
            f"unknown split {split!r}; choose one of: {', '.join(SPLITS)}; got {split!r}"
        )
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
        raise TypeError(f"seed must be an int or None, got {type(seed).__name__}: {seed!r}")
    if entry.default_seed is None:
        seed = 0  # fixed set: one memo entry whatever the caller passed
    elif seed is None:
        seed = entry.default_seed
    result = _splits(name, int(seed))
    if split == "train":
        return result.x_train.copy(), result.y_train.copy()
    if split == "test":
        return result.x_test.copy(), result.y_test.copy()
    # np.concatenate always allocates, so these are copies too.
    return (
        np.concatenate([result.x_train, result.x_test]),
        np.concatenate([result.y_train, result.y_test]),
    )


def clear_memory_cache() -> None:
    """Forget the in-process memo (the on-disk cache is untouched); used by tests."""
    _splits.cache_clear()
