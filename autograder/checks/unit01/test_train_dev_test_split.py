"""Hidden checks for unit01_train_dev_test_split: sizes, partition, seeded shuffling.

The part sizes follow scikit-learn's rounding (``ceil(fraction * n)`` rows), read off
``sklearn.model_selection.train_test_split`` itself. The documented ValueError ("nothing
would be left for training") is checked where the rounded counts, not the fractions, use
up every row.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.model_selection import train_test_split

from autograder.contract.kit import assert_raises_value_error
from course_lib.testing import CheckFailure, as_array, assert_close

# id -> (n, dev_fraction, test_fraction)
CASES = {
    "n100-dev0.2-test0.2": (100, 0.2, 0.2),
    "n37-dev0.15-test0.25": (37, 0.15, 0.25),
    "n10-no-dev-test0.3": (10, 0.0, 0.3),
    "n1438-dev0.2-no-test": (1438, 0.2, 0.0),
    "n203-dev0.13-test0.07": (203, 0.13, 0.07),
}

# The public check's twin, for the sizes: ceil(1.4) = 2 dev and ceil(2.1) = 3 test rows.
SIZE_CASES = {**CASES, "public-n7-dev0.2-test0.3": (7, 0.2, 0.3)}

# id -> (n, dev_fraction, test_fraction) that leave no training row: 2 + 3 = 5 rows
# exactly, and ceil(3.5) + ceil(5.5) = 10 rows although the fractions add up to 0.9 (the
# second is also a public check's case).
NOTHING_LEFT = {
    "n5-dev0.4-test0.6-exactly-n": (5, 0.4, 0.6),
    "n10-dev0.35-test0.55-rounding-takes-the-rest": (10, 0.35, 0.55),
}


def _sklearn_size(n: int, fraction: float) -> int:
    if fraction == 0:
        return 0
    _, held_out = train_test_split(np.arange(n), test_size=fraction, random_state=0)
    return len(held_out)


def _split(submission, n, dev_fraction, test_fraction, seed=0):
    parts = submission.call(
        "train_dev_test_split", n, dev_fraction=dev_fraction, test_fraction=test_fraction, seed=seed
    )
    if not isinstance(parts, list) or len(parts) != 3:
        raise CheckFailure(
            f"train_dev_test_split should return (train_idx, dev_idx, test_idx), got {parts!r:.200}"
        )
    arrays = [as_array(p, name=f"{name}_idx") for p, name in zip(parts, ("train", "dev", "test"))]
    for array, name in zip(arrays, ("train", "dev", "test")):
        if array.ndim != 1 or not (array.size == 0 or np.issubdtype(array.dtype, np.integer)):
            raise CheckFailure(
                f"{name}_idx should be a 1-D int array, got dtype {array.dtype} shape {array.shape}"
            )
    return arrays


@pytest.mark.parametrize("case", list(SIZE_CASES), ids=list(SIZE_CASES))
def test_part_sizes_like_sklearn(submission, case):
    """Part sizes with scikit-learn's rounding up, including empty parts."""
    n, dev_fraction, test_fraction = SIZE_CASES[case]
    train, dev, test = _split(submission, n, dev_fraction, test_fraction)
    n_test, n_dev = _sklearn_size(n, test_fraction), _sklearn_size(n, dev_fraction)
    assert_close(
        [len(train), len(dev), len(test)],
        [n - n_dev - n_test, n_dev, n_test],
        rtol=0,
        atol=0,
        name=f"(train, dev, test) sizes for {case} (ceil(fraction * n) rows per held-out part)",
    )


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_parts_are_disjoint_and_cover_every_row(submission, case):
    """The three parts are a partition of ``range(n)``."""
    n, dev_fraction, test_fraction = CASES[case]
    parts = dict(zip(("train", "dev", "test"), _split(submission, n, dev_fraction, test_fraction)))
    for name, part in parts.items():
        if len(np.unique(part)) != len(part):
            raise CheckFailure(f"{case}: {name}_idx holds some index more than once")
    for a, b in (("train", "dev"), ("train", "test"), ("dev", "test")):
        shared = np.intersect1d(parts[a], parts[b])
        if shared.size:
            raise CheckFailure(
                f"{case}: {a} and {b} overlap in {shared.size} indices, e.g. {shared[:5].tolist()}"
            )
    every = np.sort(np.concatenate(list(parts.values())))
    assert_close(
        every, np.arange(n), rtol=0, atol=0, name=f"{case}: sorted union of the three parts"
    )


@pytest.mark.parametrize("case", list(NOTHING_LEFT), ids=list(NOTHING_LEFT))
def test_raises_when_nothing_left_for_training(submission, case):
    """The documented ValueError, at its boundary: the held-out parts take every row once
    rounded up. An empty training part (``>`` for ``>=``) or a test on the fractions
    instead of the row counts would return a split with nothing to train on."""
    n, dev_fraction, test_fraction = NOTHING_LEFT[case]
    n_held_out = _sklearn_size(n, dev_fraction) + _sklearn_size(n, test_fraction)
    assert_raises_value_error(
        submission,
        "train_dev_test_split",
        n,
        dev_fraction=dev_fraction,
        test_fraction=test_fraction,
        what=f"train_dev_test_split on {case}: dev and test take {n_held_out} of {n} rows, "
        "so nothing would be left for training",
    )


# id -> (n, dev_fraction, test_fraction, seed, another seed)
SEEDED = {
    "n60-seeds-3-4": (60, 0.25, 0.25, 3, 4),
    "public-n10-seeds-1-2": (10, 0.2, 0.3, 1, 2),  # the public check's twin
}


@pytest.mark.parametrize("case", list(SEEDED), ids=list(SEEDED))
def test_seeded_shuffle(submission, case):
    """The seed drives the shuffle, and the rows are shuffled at all."""
    n, dev_fraction, test_fraction, seed, other_seed = SEEDED[case]
    first = _split(submission, n, dev_fraction, test_fraction, seed=seed)
    again = _split(submission, n, dev_fraction, test_fraction, seed=seed)
    other = _split(submission, n, dev_fraction, test_fraction, seed=other_seed)
    for a, b, name in zip(first, again, ("train", "dev", "test")):
        if a.shape != b.shape or not np.array_equal(a, b):
            raise CheckFailure(
                f"seed={seed} twice gave different {name} parts: use np.random.default_rng(seed)"
            )
    if all(
        a.shape == b.shape and np.array_equal(np.sort(a), np.sort(b)) for a, b in zip(first, other)
    ):
        raise CheckFailure(
            f"seed={seed} and seed={other_seed} gave the same split: "
            "the seed must drive the shuffle"
        )
    order = np.concatenate([first[2], first[1], first[0]])
    if np.array_equal(np.sort(first[2]), np.arange(len(first[2]))) or np.array_equal(
        order, np.arange(n)
    ):
        raise CheckFailure("the rows are not shuffled: the test part is just the first indices")
