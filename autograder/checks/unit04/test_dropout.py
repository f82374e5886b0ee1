"""Hidden checks for unit04_dropout: inverted dropout, checked statistically and vs Keras.

``keras.layers.Dropout`` semantics: the identity at inference; in training each entry is
zeroed with probability ``rate`` and the kept ones are scaled by 1 / (1 - rate). The
statistical checks use 200 000 entries and a 5-sigma binomial tolerance (a correct
implementation fails one of them with probability about 1e-6, and the seeds are fixed).
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
