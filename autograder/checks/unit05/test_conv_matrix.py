"""Hidden checks for unit05_conv_matrix: a 2-D convolution as one matrix.

The reference matrix is built from TensorFlow itself: column ``c`` of ``T`` is
``tf.nn.conv2d`` applied to the ``c``-th basis image, flattened. The student's matrix must
equal it entry by entry (float64) for each case (channels, rectangular images and
kernels, strides 1 to 3, "valid" and "same" with uneven padding); equal matrices give
equal products ``T @ vec(x)`` for every image, which the public check tries on one. The matrix must be built from the formula: code
that calls a convolution (or a helper that does) earns nothing.
"""

import numpy as np
import pytest
import tensorflow as tf

from autograder.contract.kit import assert_no_forbidden_names, rng
from course_lib.testing import CheckFailure, assert_close, assert_shape

NAME = "conv_matrix"
CONVOLUTIONS = {
    "conv2d", "conv1d", "convolution", "Conv2D", "Conv1D", "conv2d_transpose", "depthwise_conv2d",
    "correlate", "correlate2d", "convolve", "convolve2d", "fftconvolve", "oaconvolve",
}  # fmt: skip

# name: (seed, (H, W, c_in), (kh, kw, c_out), stride, padding)
CASES = {
    "valid_stride1_one_channel": (5201, (5, 5, 1), (3, 3, 1), 1, "valid"),
    "valid_stride2_rect": (5202, (7, 6, 2), (3, 2, 3), 2, "valid"),
    "same_stride1_even_kernel": (5203, (6, 5, 2), (2, 4, 2), 1, "same"),
    "same_stride2_uneven": (5204, (7, 7, 3), (4, 4, 2), 2, "same"),
    "same_stride3_wide_kernel": (5205, (8, 9, 1), (3, 5, 4), 3, "same"),
}


def make_case(name: str):
    seed, shape, (kh, kw, c_out), stride, padding = CASES[name]
    gen = rng(seed)
    kernel = gen.normal(size=(kh, kw, shape[2], c_out))
    return gen.normal(size=shape), kernel, stride, padding


def reference_matrix(kernel: np.ndarray, shape: tuple, stride: int, padding: str) -> np.ndarray:
    basis = np.eye(int(np.prod(shape))).reshape(-1, *shape)  # one basis image per column
    responses = tf.nn.conv2d(basis, kernel, strides=stride, padding=padding.upper()).numpy()
    return responses.reshape(len(basis), -1).T


@pytest.mark.gate
def test_built_from_the_formula(submission):
    x, kernel, stride, padding = make_case("valid_stride1_one_channel")
    submission.call(NAME, kernel, list(x.shape), stride, padding)  # it must run first
    assert_no_forbidden_names(
        submission, NAME, CONVOLUTIONS,
        why="build T entry by entry from the sum that defines the convolution, not from a "
        "convolution's responses",
    )  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=str)
def test_matrix_equals_tensorflows(submission, case):
    x, kernel, stride, padding = make_case(case)
    expected = reference_matrix(kernel, x.shape, stride, padding)
    call = f"{NAME}(kernel {kernel.shape}, {x.shape}, {stride}, {padding!r})"
    T = submission.call(NAME, kernel, list(x.shape), stride, padding)
    assert_shape(T, expected.shape, name=call)
    flipped = reference_matrix(kernel[::-1, ::-1], x.shape, stride, padding)
    if np.allclose(T, flipped) and not np.allclose(flipped, expected):
        raise CheckFailure(f"{call} flips the kernel: deep learning's convolution is a "
                           "cross-correlation (w[u, v] multiplies x[i*s + u, j*s + v])")  # fmt: skip
    assert_close(T, expected, rtol=1e-9, atol=1e-9,
                 name=f"{call} entry by entry, vs the matrix of tf.nn.conv2d")  # fmt: skip
