"""Hidden checks for unit05_receptive_field: receptive field sizes and jumps.

The sizes are compared with the receptive field *measured* in a Keras network built from
the same stack (ones for weights, no bias, "same" padding): the extent of the input
positions where the gradient of the middle output unit is nonzero, from the first to the
last, measured after every layer. (A dilated layer after a strided one leaves holes in
that set, the "gridding" of dilated convolutions; the receptive field is its extent.) The
jumps are compared with the product of the strides so far.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from course_lib.testing import CheckFailure, assert_close

# name: list of (kernel, stride, dilation), input first
STACKS = {
    "four_5_tap_convolutions": [(5, 1, 1)] * 4,
    "strided_then_plain": [(3, 2, 1), (3, 2, 1), (3, 1, 1), (2, 2, 1)],
    "dilated_1_3_9": [(3, 1, 1), (3, 1, 3), (3, 1, 9)],
    "pool_then_dilated_conv": [(2, 2, 1), (3, 1, 2), (4, 3, 1), (3, 1, 1)],
}
LENGTH = 256  # long enough that no receptive field here reaches the borders


def measured_sizes(stack) -> list[int]:
    inputs = keras.Input((LENGTH, 1))
    h, outputs = inputs, []
    for kernel, stride, dilation in stack:
        h = keras.layers.Conv1D(1, kernel, strides=stride, dilation_rate=dilation, padding="same",
                                use_bias=False, kernel_initializer="ones")(h)  # fmt: skip
        outputs.append(h)
    model = keras.Model(inputs, outputs)
    x = tf.Variable(tf.ones((1, LENGTH, 1)))
    sizes = []
    with tf.GradientTape(persistent=True) as tape:
        maps = model(x)
        units = [m[0, m.shape[1] // 2, 0] for m in maps]
    for unit in units:
        reached = np.flatnonzero(tape.gradient(unit, x).numpy())
        sizes.append(int(reached[-1] - reached[0] + 1))  # the extent: dilation leaves holes
    return sizes


def student_pairs(submission, stack):
    result = submission.call("receptive_field", [list(layer) for layer in stack])
    if not (isinstance(result, list) and len(result) == len(stack)
            and all(isinstance(p, list) and len(p) == 2 for p in result)):  # fmt: skip
        raise CheckFailure(
            f"receptive_field({stack}) must return one (r, j) pair per layer, got {result!r:.200}"
        )
    return np.array(result, dtype=np.float64)


@pytest.mark.parametrize("stack", STACKS, ids=str)
def test_sizes_match_the_measured_receptive_field(submission, stack):
    got = student_pairs(submission, STACKS[stack])
    assert_close(got[:, 0], measured_sizes(STACKS[stack]),
                 name=f"receptive field sizes of {STACKS[stack]} vs measured with a gradient")  # fmt: skip


def test_jumps_are_products_of_strides(submission):
    for stack in STACKS.values():
        got = student_pairs(submission, stack)
        assert_close(got[:, 1], np.cumprod([s for _, s, _ in stack]),
                     name=f"jumps of {stack} (distance between neighbouring units)")  # fmt: skip
