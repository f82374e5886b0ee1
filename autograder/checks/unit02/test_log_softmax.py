"""Hidden checks for unit02_log_softmax: against ``keras.ops.log_softmax`` in float64."""

import keras
import numpy as np
import pytest

from autograder.contract.kit import float64, rng
from course_lib.testing import assert_close

# Log-probabilities reach -2000 here: a relative tolerance, plus a tiny absolute one near 0.
RTOL, ATOL = 1e-9, 1e-12

CASES = {
    "vector": lambda: rng(2301).normal(scale=2.0, size=6),
    "matrix": lambda: rng(2302).normal(scale=4.0, size=(5, 7)),
    "batch3d": lambda: rng(2303).normal(scale=3.0, size=(2, 3, 4)),
}

HUGE = np.array(
    [
        [-1000.0, 0.0, 1000.0],  # log(softmax) gives -inf where the answer is -2000, -1000
        [1000.0, 999.0, -5.0],
        [-1000.0, -1000.0, -1000.0],
        [0.0, -800.0, 2.0],
    ]
)


def keras_log_softmax(z: np.ndarray) -> np.ndarray:
    with float64():
        return keras.ops.convert_to_numpy(keras.ops.log_softmax(z, axis=-1))


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_matches_keras(submission, case):
    z = CASES[case]()
    got = submission.call("log_softmax", z)
    assert_close(
        got,
        keras_log_softmax(z),
        rtol=RTOL,
        atol=ATOL,
        name=f"log_softmax of a {z.shape} input (last axis)",
    )


@pytest.mark.weight(3)
def test_huge_logits(submission):
    got = submission.call("log_softmax", HUGE)
    assert_close(
        got,
        keras_log_softmax(HUGE),
        rtol=RTOL,
        atol=ATOL,
        name=f"log_softmax at huge logits, rows {HUGE.tolist()}",
    )


# The public checks' twins.
PUBLIC_HUGE = np.array([-1000.0, 0.0])
PUBLIC_3D = np.log(np.arange(1.0, 25.0).reshape(2, 3, 4))


def test_public_minus_1000(submission):
    """The markdown's example: log(softmax([-1000, 0])) is [-inf, 0], the answer [-1000, 0]."""
    got = submission.call("log_softmax", PUBLIC_HUGE)
    assert_close(
        got,
        keras_log_softmax(PUBLIC_HUGE),
        rtol=RTOL,
        atol=ATOL,
        name="log_softmax([-1000, 0]) (work in log space, not log(softmax(z)))",
    )


def test_public_3d_input(submission):
    """log_softmax(log x) for x = 1..24 in shape (2, 3, 4): over the last axis."""
    got = submission.call("log_softmax", PUBLIC_3D)
    assert_close(
        got,
        keras_log_softmax(PUBLIC_3D),
        rtol=RTOL,
        atol=ATOL,
        name="log_softmax of a (2, 3, 4) input (over the last axis)",
    )
