"""Hidden checks for unit05_pooling_forward: max and average pooling against TensorFlow.

Each case of :data:`autograder.checks.unit05.common.POOL_CASES` (tiling, overlapping and
gapped windows, non-square images, batches, integer inputs with ties) is compared with
``tf.nn.max_pool2d`` / ``tf.nn.avg_pool2d`` ("VALID") in float64.
"""

import pytest

from autograder.checks.unit05.common import POOL_CASES, pool_case, tf_pool
from course_lib.testing import assert_close, assert_shape


@pytest.mark.parametrize("case", POOL_CASES, ids=str)
def test_matches_tensorflow(submission, case):
    x, size, stride, mode = pool_case(case, 5300 + list(POOL_CASES).index(case))
    expected, _ = tf_pool(x, size, stride, mode)
    got = submission.call("pool2d_forward", x, size, stride, mode)
    call = f'pool2d_forward(x of shape {x.shape}, {size}, {stride}, "{mode}")'
    assert_shape(got, expected.shape, name=call)
    assert_close(got, expected, rtol=1e-10, atol=1e-12, name=f"{call} vs tf.nn.{mode}_pool2d")
