"""Hidden checks for unit02_sigmoid: ``sigmoid(z)`` against ``keras.ops.sigmoid`` in float64."""

import keras
import numpy as np
import pytest
import scipy.special

from autograder.contract.kit import float64, rng
from course_lib.testing import assert_close

# Probabilities need about nine significant digits, and absolute accuracy near 0 and 1.
RTOL, ATOL = 1e-9, 1e-15

CASES = {
    "vector": lambda: rng(2101).normal(scale=3.0, size=7),
    "matrix": lambda: rng(2102).normal(scale=8.0, size=(4, 5)),
}


def keras_sigmoid(z: np.ndarray) -> np.ndarray:
    with float64():
        return keras.ops.convert_to_numpy(keras.ops.sigmoid(z))


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_matches_keras(submission, case):
    """Ordinary logits to float64 accuracy (a float32 computation is off by 1e-7)."""
    z = CASES[case]()
    got = submission.call("sigmoid", z)
    assert_close(got, keras_sigmoid(z), rtol=RTOL, atol=ATOL, name=f"sigmoid of a {z.shape} input")


@pytest.mark.weight(2)
def test_huge_logits(submission):
    """Both branches of the stable form: exp(z) at z = 1000 overflows to inf / inf."""
    # exp overflows past 709.78: a formula that exponentiates +z gives inf/inf = nan here.
    z = np.array([-1000.0, -745.0, -100.0, -30.0, 0.0, 30.0, 100.0, 745.0, 1000.0])
    got = submission.call("sigmoid", z)
    assert_close(
        got, keras_sigmoid(z), rtol=RTOL, atol=ATOL, name=f"sigmoid at huge logits z = {z.tolist()}"
    )


def test_relative_accuracy_far_left(submission):
    """Far left sigmoid(z) is tiny, and float64 holds it to 16 digits (e/(1+e), e = exp(z)).

    Guards the symmetry shortcut 1 - sigmoid(-z) for z < 0: off by at most 1e-16, so the
    absolute tolerance above lets it pass, but 0 instead of 4e-18 at z = -40, and the log of
    it (a cross-entropy) is then -inf. SciPy's expit is the independent reference.
    """
    z = np.array([-20.0, -40.0, -100.0, -300.0, -700.0])
    got = submission.call("sigmoid", z)
    assert_close(
        got,
        scipy.special.expit(z),
        rtol=RTOL,
        atol=0.0,
        name=f"sigmoid of very negative logits z = {z.tolist()} (relative accuracy: "
        "compute e^z / (1 + e^z) there, not 1 - sigmoid(-z))",
    )


# The public checks' twins.


def test_public_float64_accuracy(submission):
    """sigmoid([1, -2]) to nine significant digits: a float32 computation misses it."""
    z = np.array([1.0, -2.0])
    got = submission.call("sigmoid", z)
    assert_close(
        got,
        keras_sigmoid(z),
        rtol=RTOL,
        atol=0.0,
        name="sigmoid([1, -2]) to 9 significant digits (compute in float64, not float32)",
    )


def test_public_plus_minus_1000(submission):
    """sigmoid([-1000, 1000]): exp(z) / (1 + exp(z)) is inf / inf = nan at z = 1000."""
    z = np.array([-1000.0, 1000.0])
    got = submission.call("sigmoid", z)
    assert_close(
        got,
        keras_sigmoid(z),
        rtol=RTOL,
        atol=ATOL,
        name="sigmoid([-1000, 1000]) (exponentiate only -|z|, never +z)",
    )
