"""Hidden checks for unit05_pooling_backward: where pooling sends the gradient.

The source must not use autodiff. For each case of
:data:`autograder.checks.unit05.common.POOL_CASES` the student's ``dL/dx`` for a random
``dL/dy`` is compared with ``tf.GradientTape`` through ``tf.nn.max_pool2d`` /
``tf.nn.avg_pool2d`` in float64: overlapping windows must add up, gaps get nothing, and
with ties (integer inputs) the first maximum in row-major order takes the whole gradient,
as TensorFlow does.
"""

import numpy as np
import pytest

from autograder.checks.unit05.common import POOL_CASES, pool_case, tf_pool
from autograder.contract.kit import AUTODIFF_NAMES, assert_no_forbidden_names
from course_lib.testing import assert_close, assert_shape

NAME = "pool2d_backward"


def student_and_tape(submission, case: str):
    x, size, stride, mode = pool_case(case, 5400 + list(POOL_CASES).index(case))
    out_shape = tf_pool(x, size, stride, mode)[0].shape
    dout = np.random.default_rng(5450 + list(POOL_CASES).index(case)).normal(size=out_shape)
    _, expected = tf_pool(x, size, stride, mode, dout)
    got = submission.call(NAME, dout, x, size, stride, mode)
    call = f'{NAME}(dout, x of shape {x.shape}, {size}, {stride}, "{mode}")'
    assert_shape(got, x.shape, name=call)
    return got, expected, call


@pytest.mark.gate
def test_no_autodiff(submission):
    student_and_tape(submission, "max_2x2_tiling")  # it must run before it can count
    assert_no_forbidden_names(
        submission, NAME, AUTODIFF_NAMES | {"max_pool2d", "avg_pool2d", "MaxPooling2D", "AveragePooling2D"},
        why="route the gradient by hand: to the first maximum of each window, or evenly over it",
    )  # fmt: skip


@pytest.mark.parametrize("case", POOL_CASES, ids=str)
def test_matches_gradient_tape(submission, case):
    got, expected, call = student_and_tape(submission, case)
    _, _, _, _, size, _, _, ties = POOL_CASES[case]
    hint = {size**2: "did you forget to divide by the window's size?"}
    what = " (ties: the first maximum in row-major order takes it all)" if ties else ""
    assert_close(got, expected, rtol=1e-10, atol=1e-12, causes=hint,
                 name=f"{call} vs tf.GradientTape{what}")  # fmt: skip
