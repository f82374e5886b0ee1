"""Hidden checks for unit04_dropout: inverted dropout, checked statistically and vs Keras.

``keras.layers.Dropout`` semantics: the identity at inference; in training each entry is
zeroed with probability ``rate`` and the kept ones are scaled by 1 / (1 - rate). The
statistical checks use 200 000 entries and a 5-sigma binomial tolerance (a correct
implementation fails one of them with probability about 1e-6, and the seeds are fixed).
Each entry is dropped independently (no mask shared along a row or column), and ``x`` may
have any shape.
"""

import keras
import numpy as np
import pytest

from autograder.contract.kit import float64, rng
from course_lib.testing import CheckFailure, as_array, assert_close, assert_shape

NAME = "dropout"
SIZE = (400, 500)
SIGMAS = 5.0


def large_input(seed: int) -> np.ndarray:
    """Positive entries in [0.5, 1.5]: a dropped entry is exactly the zeros."""
    return rng(seed).uniform(0.5, 1.5, size=SIZE)


def student_dropout(submission, x, rate, *, training, seed):
    out = as_array(submission.call(NAME, x, rate, training=training, seed=seed), name=NAME)
    assert_shape(out, x.shape, name=f"dropout(x, {rate}, training={training}, seed={seed})")
    return out


def keras_scale(rate: float) -> float:
    """The factor keras.layers.Dropout applies to the kept entries in training."""
    with float64():
        out = keras.layers.Dropout(rate, seed=1)(np.ones(1000), training=True)
        return float(np.max(keras.ops.convert_to_numpy(out)))


def test_inference_is_identity(submission):
    x = rng(4601).normal(size=(7, 9))
    with float64():
        expected = keras.ops.convert_to_numpy(keras.layers.Dropout(0.3)(x, training=False))
    got = student_dropout(submission, x, 0.3, training=False, seed=11)
    assert_close(
        got,
        expected,
        rtol=0.0,
        atol=0.0,
        name="dropout(x, 0.3, training=False) on a float64 (7, 9) input: exactly x, as "
        "keras.layers.Dropout at inference",
    )


RATES = {"rate0.1": 0.1, "rate0.3": 0.3, "rate0.8": 0.8}


@pytest.mark.parametrize("case", list(RATES), ids=list(RATES))
def test_zero_fraction(submission, case):
    rate = RATES[case]
    x = large_input(4610 + list(RATES).index(case))
    out = student_dropout(submission, x, rate, training=True, seed=21)
    n = x.size
    zeros = int(np.sum(out == 0))
    tolerance = SIGMAS * np.sqrt(n * rate * (1 - rate))
    if abs(zeros - n * rate) > tolerance:
        raise CheckFailure(
            f"dropout(x, {rate}, training=True) on {n} entries: {zeros} zeros "
            f"({zeros / n:.4f} of them), expected {n * rate:.0f} +- {tolerance:.0f} "
            f"(a fraction of {rate} within {SIGMAS:g} binomial standard deviations)"
        )


def test_kept_entries_scaled(submission):
    rate = 0.25
    x = large_input(4620)
    out = student_dropout(submission, x, rate, training=True, seed=31)
    kept = out != 0
    if not kept.any():
        raise CheckFailure(f"dropout(x, {rate}, training=True) dropped every entry")
    scale = keras_scale(rate)
    assert_close(
        out[kept],
        x[kept] * scale,
        rtol=1e-12,
        atol=0.0,
        name=f"the kept entries of dropout(x, {rate}, training=True): x / (1 - rate) = "
        f"{scale:.6g} x, as keras.layers.Dropout scales them",
    )


MEANS = {"rate0.2": 0.2, "rate0.6": 0.6}


@pytest.mark.parametrize("case", list(MEANS), ids=list(MEANS))
def test_mean_preserved(submission, case):
    rate = MEANS[case]
    x = large_input(4630 + list(MEANS).index(case))
    out = student_dropout(submission, x, rate, training=True, seed=41)
    # Var(out_i) = x_i^2 rate / (1 - rate), independently: the sd of the mean of out.
    sd = np.sqrt(np.sum(x**2) * rate / (1 - rate)) / x.size
    if abs(out.mean() - x.mean()) > SIGMAS * sd:
        raise CheckFailure(
            f"dropout(x, {rate}, training=True): the mean over {x.size} entries is "
            f"{out.mean():.5f}, expected the mean of x, {x.mean():.5f} +- {SIGMAS * sd:.5f} "
            "(inverted dropout keeps the expected value of every entry)"
        )


def test_seed_reproducible(submission):
    x = large_input(4640)[:50]
    first = student_dropout(submission, x, 0.5, training=True, seed=7)
    again = student_dropout(submission, x, 0.5, training=True, seed=7)
    other = student_dropout(submission, x, 0.5, training=True, seed=8)
    if not np.array_equal(first == 0, again == 0):
        raise CheckFailure(
            "dropout(x, 0.5, training=True, seed=7) twice gave different masks: draw the mask "
            "from np.random.default_rng(seed)"
        )
    if np.array_equal(first == 0, other == 0):
        raise CheckFailure("dropout with seeds 7 and 8 gave the same mask on 25 000 entries")


def test_entries_dropped_independently(submission):
    """One uniform draw per entry: no mask shared by a whole column (unit) or row (example).

    "Dropout drops units" invites one draw per column, shared by every example of the
    batch; the fraction of zeros is then right on average but the masks of two rows are
    equal. At rate 0.5 the agreement of neighbouring rows (or columns), entry by entry, is
    exactly a fair coin for independent entries: 0.5 within 5 binomial sigmas.
    """
    rate = 0.5
    x = large_input(4650)
    kept = student_dropout(submission, x, rate, training=True, seed=51) != 0
    for axis, along in ((0, "rows (examples)"), (1, "columns (units)")):
        neighbours = np.diff(kept.astype(np.int8), axis=axis) == 0
        sd = 0.5 / np.sqrt(neighbours.size)
        if abs(neighbours.mean() - 0.5) > SIGMAS * sd:
            raise CheckFailure(
                f"dropout(x, {rate}, training=True) on a {SIZE} input: neighbouring {along} "
                f"keep or drop the same entries {neighbours.mean():.4f} of the time, expected "
                f"0.5 +- {SIGMAS * sd:.4f} for independent entries: draw one uniform per entry "
                "(rng.random(x.shape)), not one per row or column"
            )


SHAPES = [(1000,), (6, 10, 12)]


def test_any_shape(submission):
    """The docstring says "x: activations, an array of any shape"; every other case is 2-D.

    Code written for a matrix (``n, d = x.shape``, ``rng.random((n, d))``) fails on a vector
    or a 3-D batch. The scale of the kept entries is test_kept_entries_scaled's business:
    here they need only share one factor, so that a wrong scale is not charged twice.
    """
    rate = 0.5
    for k, shape in enumerate(SHAPES):
        x = rng(4660 + k).uniform(0.5, 1.5, size=shape)
        out = student_dropout(submission, x, rate, training=True, seed=61)
        kept = out != 0
        if kept.all() or not kept.any():
            raise CheckFailure(
                f"dropout(x, {rate}, training=True) on a {shape} input "
                f"{'kept' if kept.all() else 'dropped'} every entry"
            )
        factors = out[kept] / x[kept]
        assert_close(
            factors,
            np.full_like(factors, factors[0]),
            rtol=1e-6,
            atol=0.0,
            name=f"dropout(x, {rate}, training=True) / x on the kept entries of a {shape} "
            "input (one factor for every kept entry)",
        )
