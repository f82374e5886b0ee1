"""Small tabular and image sets bundled with scikit-learn: no download ever happens.

``digits`` (8x8 handwritten digits, flattened to 64 values and scaled to [0, 1]),
``breast_cancer``, ``iris`` and ``wine`` (raw, unscaled features: scaling is part of
what students do). Each is split once into 80% train / 20% test, stratified by class, with
a fixed seed, so every call on every machine returns the same arrays.
"""

from __future__ import annotations

import numpy as np

from course_lib.data.registry import DatasetInfo, Splits, register

TEST_FRACTION = 0.2
"""Share of each class that goes to the test split (rounded half up per class)."""

SPLIT_SEED = 0
"""Seed of the fixed train/test split."""


def stratified_split(
    y: np.ndarray, *, test_fraction: float = TEST_FRACTION, seed: int = SPLIT_SEED
) -> tuple[np.ndarray, np.ndarray]:
    """Split row indices into train and test, keeping each class's share.

    Each class contributes ``floor(test_fraction * n_class + 0.5)`` rows to the test
    split, picked at random. Both index arrays are then shuffled so that a split is never
    ordered by class (a model fitted without shuffling would otherwise see one class at a
    time).

    We split by hand rather than with ``sklearn.model_selection.train_test_split``: the
    legacy ``np.random.RandomState`` stream is frozen by NumPy's compatibility policy, so
    the split cannot change under a student when scikit-learn or NumPy is upgraded, and
    the grader and every student see identical rows.

    Args:
        y: int labels, shape ``(n,)``.
        test_fraction: share of each class held out. Default 0.2.
        seed: seed of the split. Default 0.

    Returns:
        ``(train_idx, test_idx)``: disjoint int64 index arrays whose union is
        ``range(n)``.
    """
    rng = np.random.RandomState(seed)
    train_parts, test_parts = [], []
    for label in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == label))
        n_test = int(np.floor(test_fraction * len(members) + 0.5))
        test_parts.append(members[:n_test])
        train_parts.append(members[n_test:])
    train_idx = rng.permutation(np.concatenate(train_parts)).astype(np.int64)
    test_idx = rng.permutation(np.concatenate(test_parts)).astype(np.int64)
    return train_idx, test_idx


def _bundled(loader: str, *, scale: float = 1.0) -> Splits:
    """Load a scikit-learn bundled set and split it.

    Args:
        loader: the ``sklearn.datasets`` function name, e.g. ``"load_iris"``.
        scale: the features are divided by this. Default 1.0 (raw features).

    Returns:
        The fixed stratified split, x float32 and y int64.
    """
    # Imported here: scikit-learn takes about a second to import and most notebooks
    # never touch these sets.
    import sklearn.datasets

    bunch = getattr(sklearn.datasets, loader)()
    # Divide in float64 first, then round once to float32.
    x = (np.asarray(bunch.data, dtype=np.float64) / scale).astype(np.float32)
    y = np.asarray(bunch.target, dtype=np.int64)
    train_idx, test_idx = stratified_split(y)
    return Splits(x[train_idx], y[train_idx], x[test_idx], y[test_idx])


_SPLIT_NOTE = "Fixed stratified 80/20 train/test split (seed 0)."


@register(
    DatasetInfo(
        name="digits",
        n_classes=10,
        input_shape=(64,),
        n_train=1438,
        n_test=359,
        description=(
            "UCI optical handwritten digits from scikit-learn: 1797 8x8 grey images "
            "flattened row by row to 64 values and scaled from 0..16 to [0, 1]. " + _SPLIT_NOTE
        ),
    )
)
def _digits(seed: int) -> Splits:
    # Pixels count 0..16 dark cells of a 4x4 block; /16 maps them onto [0, 1].
    return _bundled("load_digits", scale=16.0)


@register(
    DatasetInfo(
        name="breast_cancer",
        n_classes=2,
        input_shape=(30,),
        n_train=456,
        n_test=113,
        description=(
            "Wisconsin diagnostic breast cancer from scikit-learn: 569 tumours, 30 raw "
            "(unscaled) cell-nucleus features; label 0 = malignant, 1 = benign. " + _SPLIT_NOTE
        ),
    )
)
def _breast_cancer(seed: int) -> Splits:
    return _bundled("load_breast_cancer")


@register(
    DatasetInfo(
        name="iris",
        n_classes=3,
        input_shape=(4,),
        n_train=120,
        n_test=30,
        description=(
            "Fisher's iris from scikit-learn: 150 flowers, 4 raw measurements in cm; "
            "labels setosa, versicolor, virginica. " + _SPLIT_NOTE
        ),
    )
)
def _iris(seed: int) -> Splits:
    return _bundled("load_iris")


@register(
    DatasetInfo(
        name="wine",
        n_classes=3,
        input_shape=(13,),
        n_train=142,
        n_test=36,
        description=(
            "UCI wine recognition from scikit-learn: 178 wines from three cultivars, "
            "13 raw (unscaled) chemical measurements. " + _SPLIT_NOTE
        ),
    )
)
def _wine(seed: int) -> Splits:
    return _bundled("load_wine")
