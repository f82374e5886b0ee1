"""Hidden checks for unit06_depth_gradients: a deep sigmoid stack, plain and residual.

``build_deep_stack`` is described for depths and widths the notebook never uses and must
match the grader's reference layer for layer (names, settings, and which layers each
``add_i`` reads). ``depth_gradient_norms`` is called on MNIST-1D sequences the grader
draws fresh: at depth 6 its norms must equal the grader's own, computed with the same
seed on the reference stack (same layers, built in the same order, so the same initial
weights), and at depth 20 the vanishing gradient must show: the plain stack's first layer
gets less than 1e-6 of its last layer's gradient, the residual stack's more than 1e-3
(the reference measures about 6e-13 and 6e-2).
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from autograder.contract import heldout
from autograder.contract.kit import assert_same_layers
from autograder.contract.model_facts import describe_model
from course_lib.testing import CheckFailure, assert_close, assert_shape

SEED = 6601


def reference_stack(depth: int, width: int, residual: bool) -> keras.Model:
    inputs = keras.Input((40,))
    h = keras.layers.Dense(width, name="embed")(inputs)
    for i in range(depth):
        f = keras.layers.Dense(width, activation="sigmoid", name=f"dense_{i}")(h)
        h = keras.layers.Add(name=f"add_{i}")([h, f]) if residual else f
    return keras.Model(inputs, keras.layers.Dense(10, name="head")(h))


def reference_norms(depth: int, residual: bool, x: np.ndarray, y: np.ndarray, seed: int) -> np.ndarray:
    keras.utils.set_random_seed(seed)
    model = reference_stack(depth, 32, residual)
    kernels = [model.get_layer(f"dense_{i}").kernel for i in range(depth)]
    with tf.GradientTape() as tape:
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y, model(x))
    return np.array([float(tf.norm(g)) for g in tape.gradient(loss, kernels)])


def grader_batch() -> tuple[np.ndarray, np.ndarray]:
    x, y = heldout.mnist1d()
    return np.array(x[:256]), np.array(y[:256])


@pytest.mark.parametrize("residual", [False, True], ids=["plain", "residual"])
def test_stack_layers_match_the_reference(submission, residual):
    assert_same_layers(
        submission.describe("build_deep_stack", 3, 7, residual),
        describe_model(reference_stack(3, 7, residual)),
        call=f"build_deep_stack(3, 7, residual={residual})",
    )


@pytest.mark.weight(2)
@pytest.mark.parametrize("residual", [False, True], ids=["plain", "residual"])
def test_norms_match_the_reference(submission, residual):
    x, y = grader_batch()
    got = submission.call("depth_gradient_norms", 6, residual, x, y, SEED)
    call = f"depth_gradient_norms(6, residual={residual}, x, y, seed={SEED})"
    assert_shape(got, (6,), name=call)
    assert_close(got, reference_norms(6, residual, x, y, SEED), rtol=1e-3, atol=1e-9,
                 name=f"{call} vs the norms of dL/d(kernel of dense_i) of the reference stack, "
                 "first layer first (mean cross-entropy from logits)")  # fmt: skip


@pytest.mark.parametrize("residual", [False, True], ids=["plain", "residual"])
def test_depth_20_shows_the_vanishing_gradient(submission, residual):
    x, y = grader_batch()
    norms = np.asarray(submission.call("depth_gradient_norms", 20, residual, x, y, SEED), dtype=float)
    assert_shape(norms, (20,), name=f"depth_gradient_norms(20, residual={residual}, ...)")
    ratio = norms[0] / norms[-1] if norms[-1] > 0 else np.inf
    if residual and not ratio > 1e-3:
        raise CheckFailure(f"the residual stack's first/last gradient norm is {ratio:.2e}; the "
                           "identity shortcuts should keep it above 1e-3 (reference: about 6e-2)")  # fmt: skip
    if not residual and not ratio < 1e-6:
        raise CheckFailure(f"the plain stack's first/last gradient norm is {ratio:.2e}; twenty "
                           "sigmoid layers should shrink it below 1e-6 (reference: about 6e-13)")  # fmt: skip
