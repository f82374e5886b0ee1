"""Hidden checks for unit02_softmax: ``softmax(z)`` against ``keras.ops.softmax`` in float64."""

import keras
import numpy as np
import pytest

from autograder.contract.kit import float64, rng
from course_lib.testing import assert_close

RTOL, ATOL = 1e-9, 1e-15

CASES = {
    "vector": lambda: rng(2201).normal(scale=2.0, size=6),
    "matrix": lambda: rng(2202).normal(scale=4.0, size=(5, 7)),
    "batch3d": lambda: rng(2203).normal(scale=3.0, size=(2, 3, 4)),
}

HUGE = np.array(
    [
        [1000.0, 999.0, 0.0, -5.0],  # exp(1000) overflows: inf / inf = nan without the shift
        [-1000.0, -1000.0, -1000.0, -1000.0],  # exp(-1000) underflows: 0 / 0 = nan
        [-1000.0, 0.0, 1000.0, 1000.0],
        [710.0, -710.0, 0.0, 3.0],
    ]
)


def keras_softmax(z: np.ndarray) -> np.ndarray:
    with float64():
        return keras.ops.convert_to_numpy(keras.ops.softmax(z, axis=-1))


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_matches_keras(submission, case):
    z = CASES[case]()
    got = submission.call("softmax", z)
    assert_close(
        got,
        keras_softmax(z),
        rtol=RTOL,
        atol=ATOL,
        name=f"softmax of a {z.shape} input (last axis)",
    )


@pytest.mark.weight(3)
def test_huge_logits(submission):
    got = submission.call("softmax", HUGE)
    assert_close(
        got,
        keras_softmax(HUGE),
        rtol=RTOL,
        atol=ATOL,
        name=f"softmax at huge logits, rows {HUGE.tolist()}",
    )


# The public checks' twins.
PUBLIC_HUGE = np.array([[1000.0, 1000.0, 0.0], [-1000.0, -1000.0, -1000.0]])
PUBLIC_3D = np.log(np.arange(1.0, 25.0).reshape(2, 3, 4))


def test_public_huge_rows(submission):
    """Rows [1000, 1000, 0] (inf / inf without the shift) and [-1000, -1000, -1000] (0 / 0
    without it, and with a shift by the maximum of the whole array)."""
    got = submission.call("softmax", PUBLIC_HUGE)
    assert_close(
        got,
        keras_softmax(PUBLIC_HUGE),
        rtol=RTOL,
        atol=ATOL,
        name="softmax of the rows [1000, 1000, 0] and [-1000, -1000, -1000] "
        "(subtract each row's max)",
    )


def test_public_3d_input(submission):
    """softmax(log x) for x = 1..24 in shape (2, 3, 4): over the last axis."""
    got = submission.call("softmax", PUBLIC_3D)
    assert_close(
        got,
        keras_softmax(PUBLIC_3D),
        rtol=RTOL,
        atol=ATOL,
        name="softmax of a (2, 3, 4) input (over the last axis, with keepdims=True)",
    )
