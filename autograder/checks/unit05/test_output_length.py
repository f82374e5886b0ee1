"""Hidden checks for unit05_output_length: output lengths and "same" padding.

``conv_output_length`` is compared with the output shapes Keras layers report
(``compute_output_shape``) over a grid of lengths, kernels, strides, dilations and both
paddings, pooling layers included. ``same_padding`` is judged by what it is for: padding
an input explicitly by the student's (before, after) and running a "VALID" convolution must
give exactly ``tf.nn.conv1d``'s "SAME" output, including the cases where the total padding
is odd and the extra zero goes after.
"""

import itertools

import keras
import numpy as np
import tensorflow as tf

from autograder.contract.kit import assert_raises_value_error, rng
from course_lib.testing import CheckFailure, assert_close


def keras_length(layer, n: int) -> int:
    return int(layer.compute_output_shape((None, n, 1))[1])


def grid(padding: str):
    """(layer description, Keras layer, n, kernel, stride, dilation) over a hidden grid."""
    gen = rng(5101 if padding == "valid" else 5102)
    for kernel, stride, dilation in itertools.product((1, 2, 3, 5), (1, 2, 3), (1, 2, 3)):
        if stride > 1 and dilation > 1:  # TensorFlow convolutions refuse both at once
            continue
        span = dilation * (kernel - 1) + 1
        n = int(gen.integers(span, span + 17))
        layer = keras.layers.Conv1D(
            1, kernel, strides=stride, padding=padding, dilation_rate=dilation
        )
        yield (
            f"Conv1D(k={kernel}, s={stride}, d={dilation}, {padding!r})",
            layer,
            n,
            kernel,
            stride,
            dilation,
        )
    for size, stride in ((2, 2), (3, 2), (3, 1), (4, 3)):
        n = int(gen.integers(size, size + 15))
        layer = keras.layers.MaxPooling1D(size, strides=stride, padding=padding)
        yield f"MaxPooling1D({size}, strides={stride}, {padding!r})", layer, n, size, stride, 1


def check_grid(submission, padding: str) -> None:
    wrong = []
    for description, layer, n, kernel, stride, dilation in grid(padding):
        expected = keras_length(layer, n)
        got = submission.call("conv_output_length", n, kernel, stride, padding, dilation)
        if got != expected:
            wrong.append(f"{description} on length {n}: expected {expected}, got {got!r}")
    if wrong:
        raise CheckFailure(
            f"conv_output_length differs from Keras in {len(wrong)} case(s), e.g. "
            + "; ".join(wrong[:3])
        )


def test_valid_lengths_match_keras(submission):
    check_grid(submission, "valid")


def test_same_lengths_match_keras(submission):
    check_grid(submission, "same")


def test_2d_layers_use_the_formula_per_axis(submission):
    # A 2-D layer applies the formula to height and width separately.
    for layer, shape, kernel, stride in (
        (keras.layers.Conv2D(1, (3, 2), strides=2, padding="same"), (9, 6), (3, 2), 2),
        (
            keras.layers.AveragePooling2D((2, 3), strides=(2, 3), padding="valid"),
            (11, 10),
            (2, 3),
            (2, 3),
        ),
    ):
        padding = layer.get_config()["padding"]
        strides = stride if isinstance(stride, tuple) else (stride, stride)
        expected = layer.compute_output_shape((None, *shape, 1))[1:3]
        got = tuple(
            submission.call("conv_output_length", shape[a], kernel[a], strides[a], padding, 1)
            for a in range(2)
        )
        assert_close(
            got, expected, name=f"conv_output_length per axis for {type(layer).__name__} on {shape}"
        )


def test_same_padding_reproduces_tensorflow(submission):
    gen = rng(5103)
    # (n, kernel, stride, dilation): odd totals (the extra zero after), zero totals, dilations
    cases = [(9, 4, 2, 1), (10, 3, 3, 1), (12, 2, 1, 1), (11, 3, 1, 3), (13, 5, 4, 1), (6, 1, 2, 1)]
    for n, kernel, stride, dilation in cases:
        x, w = gen.normal(size=(1, n, 1)), gen.normal(size=(kernel, 1, 1))
        pads = submission.call("same_padding", n, kernel, stride, dilation)
        if not (
            isinstance(pads, list)
            and len(pads) == 2
            and all(isinstance(p, int) and p >= 0 for p in pads)
        ):
            raise CheckFailure(
                f"same_padding({n}, {kernel}, {stride}, {dilation}) must return two ints >= 0, got {pads!r}"
            )
        expected = tf.nn.conv1d(x, w, stride=stride, padding="SAME", dilations=dilation).numpy()
        padded = np.pad(x, ((0, 0), tuple(pads), (0, 0)))
        got = tf.nn.conv1d(padded, w, stride=stride, padding="VALID", dilations=dilation).numpy()
        assert_close(
            got, expected,
            name=f"VALID conv1d of the input padded by same_padding({n}, {kernel}, {stride}, {dilation}) = {tuple(pads)}, vs SAME",
        )  # fmt: skip


def test_unknown_padding_raises(submission):
    assert_raises_value_error(
        submission, "conv_output_length", 10, 3, 1, "full", 1,
        what='conv_output_length(10, 3, 1, "full", 1) (the docstring promises a ValueError)',
    )  # fmt: skip
