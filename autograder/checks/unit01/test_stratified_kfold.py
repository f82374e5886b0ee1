"""Hidden checks for unit01_stratified_kfold, against scikit-learn's StratifiedKFold.

Fold order and which rows land in which fold are free; what is checked is the partition,
and that every class and every fold gets the same counts as StratifiedKFold's (as
multisets: sorted per class, and sorted fold sizes). The labels are "any ints": one case
has a negative label and one far above the class count, which ``range(max(y) + 1)`` or
``np.bincount`` would miss.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.model_selection import StratifiedKFold

from autograder.contract.kit import rng
from course_lib.testing import CheckFailure, as_array, assert_close


def _labels(seed: int, counts: dict[int, int]) -> np.ndarray:
    """Labels with the given class counts, in random order."""
    y = np.concatenate([np.full(c, label) for label, c in counts.items()])
    return rng(seed).permutation(y)


# id -> (labels, k)
CASES = {
    "3-classes-50-30-23-k5": (_labels(61, {0: 50, 1: 30, 2: 23}), 5),
    "labels-2-5-9-k4": (_labels(62, {2: 17, 5: 9, 9: 12}), 4),
    "rare-class-with-3-rows-k5": (_labels(63, {0: 40, 1: 25, 2: 3}), 5),
    "binary-61-39-k10": (_labels(64, {0: 61, 1: 39}), 10),
    "10-classes-k3": (_labels(65, {c: 7 + c for c in range(10)}), 3),
    "labels-minus-1-3-100-k4": (_labels(161, {-1: 14, 3: 11, 100: 9}), 4),
    # The public checks' twin: two classes of 4 rows (labels 7 and -1) over 3 folds.
    "public-labels-7-minus-1-k3": (np.array([7, 7, 7, 7, -1, -1, -1, -1]), 3),
}
# The public checks' first case too (6 rows of class 0, 3 of class 1, k = 3), for the partition.
PARTITION_CASES = {**CASES, "public-6-and-3-rows-k3": (np.array([0] * 6 + [1] * 3), 3)}


def _folds(submission, y, k, seed=0):
    folds = submission.call("stratified_kfold", y, k, seed=seed)
    if not isinstance(folds, list) or len(folds) != k:
        raise CheckFailure(
            f"stratified_kfold(y, k={k}) should return a list of {k} folds, got {folds!r:.200}"
        )
    pairs = []
    for i, fold in enumerate(folds):
        if not isinstance(fold, list) or len(fold) != 2:
            raise CheckFailure(f"fold {i} should be a pair (train_idx, dev_idx), got {fold!r:.200}")
        train, dev = (
            as_array(part, name=f"fold {i} {name}")
            for part, name in zip(fold, ("train_idx", "dev_idx"))
        )
        pairs.append((train.astype(np.int64), dev.astype(np.int64)))
    return pairs


@pytest.mark.parametrize("case", list(PARTITION_CASES), ids=list(PARTITION_CASES))
def test_folds_partition_the_rows(submission, case):
    """Each fold's train and dev parts are disjoint and cover every row; the dev
    folds together hold every row once."""
    y, k = PARTITION_CASES[case]
    n = len(y)
    folds = _folds(submission, y, k)
    for i, (train, dev) in enumerate(folds):
        shared = np.intersect1d(train, dev)
        if shared.size:
            raise CheckFailure(
                f"{case}: fold {i} trains on {shared.size} of its own dev rows, e.g. {shared[:5].tolist()}"
            )
        assert_close(
            np.sort(np.concatenate([train, dev])),
            np.arange(n),
            rtol=0,
            atol=0,
            name=f"{case}: fold {i}, sorted union of train_idx and dev_idx",
        )
    every_dev = np.sort(np.concatenate([dev for _, dev in folds]))
    assert_close(
        every_dev,
        np.arange(n),
        rtol=0,
        atol=0,
        name=f"{case}: sorted union of the {k} dev folds (each row in exactly one)",
    )


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_counts_like_sklearn(submission, case):
    """Fold sizes and per-class counts per fold as ``StratifiedKFold``'s."""
    y, k = CASES[case]
    folds = _folds(submission, y, k)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "the least populated class has only 3 members"
        reference = [dev for _, dev in StratifiedKFold(k, shuffle=True, random_state=0).split(y, y)]
    got_sizes = sorted(len(dev) for _, dev in folds)
    assert_close(
        got_sizes,
        sorted(len(dev) for dev in reference),
        rtol=0,
        atol=0,
        name=f"{case}: sorted dev-fold sizes (they may differ by at most 1)",
    )
    for label in np.unique(y):
        got = sorted(int(np.sum(y[dev] == label)) for _, dev in folds)
        want = sorted(int(np.sum(y[dev] == label)) for dev in reference)
        assert_close(
            got,
            want,
            rtol=0,
            atol=0,
            name=f"{case}: sorted count of class {label} per dev fold "
            f"(stratified: floor or ceil of {int(np.sum(y == label))}/{k})",
        )


# id -> (labels, k, seed, another seed)
SEEDED = {
    "103-rows-k5-seeds-3-4": (*CASES["3-classes-50-30-23-k5"], 3, 4),
    "public-6-and-3-rows-k3-seeds-1-2": (*PARTITION_CASES["public-6-and-3-rows-k3"], 1, 2),
}


def _dev_sets(folds) -> list[list[int]]:
    """The dev folds as sorted index lists, in sorted order: fold order is free."""
    return sorted(np.sort(dev).tolist() for _, dev in folds)


@pytest.mark.parametrize("case", list(SEEDED), ids=list(SEEDED))
def test_seeded_shuffle(submission, case):
    """The same seed gives the same folds, another seed other folds."""
    y, k, seed, other_seed = SEEDED[case]
    first = _dev_sets(_folds(submission, y, k, seed=seed))
    again = _dev_sets(_folds(submission, y, k, seed=seed))
    other = _dev_sets(_folds(submission, y, k, seed=other_seed))
    if first != again:
        raise CheckFailure(
            f"seed={seed} twice gave different folds: use np.random.default_rng(seed)"
        )
    if first == other:
        raise CheckFailure(
            f"seed={seed} and seed={other_seed} gave the same folds: "
            "the seed must drive the shuffle"
        )
