"""Hidden checks for unit02_softmax_regression_grads: a hand-written backward pass.

The source must not use autodiff; the values are compared with ``tf.GradientTape`` and
with central finite differences, both in float64 (norm relative error <= 1e-7).
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from autograder.checks.unit02.common import loss_and_grads
from autograder.contract.kit import AUTODIFF_NAMES, assert_no_forbidden_names, float64, rng
from course_lib.testing import (
    CheckFailure,
    assert_close,
    assert_gradient_close,
    assert_shape,
    numeric_gradient,
)

NAME = "softmax_regression_grads"


def make_case(seed: int, n: int, d: int, k: int, w_scale: float = 0.5):
    """Inputs (W, b, X, Y_onehot) in float64, every class not necessarily present."""
    gen = rng(seed)
    W = gen.normal(scale=w_scale, size=(d, k))
    b = gen.normal(scale=0.5, size=k)
    X = gen.normal(size=(n, d))
    Y = np.eye(k)[gen.integers(0, k, size=n)]
    return W, b, X, Y


def student_grads(submission, W, b, X, Y):
    """Call the student's function and check it returns (loss, dW, db) of the right shapes."""
    result = submission.call(NAME, W, b, X, Y)
    if not isinstance(result, list) or len(result) != 3:
        raise CheckFailure(
            f"{NAME} must return a tuple (loss, dW, db), got {type(result).__name__}"
        )
    loss, dW, db = result
    assert_shape(loss, (), name=f"{NAME} loss (a scalar)")
    assert_shape(dW, W.shape, name=f"{NAME} dW")
    assert_shape(db, b.shape, name=f"{NAME} db")
    return float(np.asarray(loss)), np.asarray(dW), np.asarray(db)


def tape_reference(W, b, X, Y):
    """Loss and gradients from tf.GradientTape through Keras' from-logits cross-entropy."""
    with float64():
        W_var, b_var = tf.Variable(W), tf.Variable(b)
        with tf.GradientTape() as tape:
            logits = tf.matmul(tf.constant(X), W_var) + b_var
            loss = keras.losses.CategoricalCrossentropy(from_logits=True)(Y, logits)
        dW, db = tape.gradient(loss, [W_var, b_var])
    return float(loss.numpy()), dW.numpy(), db.numpy()


def numpy_loss(W, b, X, Y) -> float:
    """The mean cross-entropy, computed stably in NumPy (for finite differences)."""
    return loss_and_grads(W, b, X, Y)[0]


@pytest.mark.gate
def test_no_autodiff(submission):
    student_grads(submission, *make_case(2600, 3, 2, 3))  # it must run before it can count
    assert_no_forbidden_names(
        submission,
        NAME,
        AUTODIFF_NAMES,
        why="write the backward pass by hand: dL/dZ = (P - Y) / n, dW = X^T dL/dZ, "
        "db = the column sums of dL/dZ",
    )


def test_loss_matches_keras(submission):
    W, b, X, Y = make_case(2601, 12, 5, 4)
    loss, _, _ = student_grads(submission, W, b, X, Y)
    expected, _, _ = tape_reference(W, b, X, Y)
    assert_close(
        loss,
        expected,
        rtol=1e-9,
        atol=1e-12,
        name="loss (mean categorical cross-entropy, vs keras CategoricalCrossentropy)",
    )


CASES = {"n7_d3_k4": (2602, 7, 3, 4), "n32_d64_k10": (2603, 32, 64, 10)}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_gradients_match_gradient_tape(submission, case):
    W, b, X, Y = make_case(*CASES[case])
    _, dW, db = student_grads(submission, W, b, X, Y)
    _, dW_ref, db_ref = tape_reference(W, b, X, Y)
    assert_gradient_close(dW, dW_ref, name=f"dW vs tf.GradientTape ({case})")
    assert_gradient_close(db, db_ref, name=f"db vs tf.GradientTape ({case})")


def test_gradients_match_finite_differences(submission):
    W, b, X, Y = make_case(2604, 5, 3, 3)
    _, dW, db = student_grads(submission, W, b, X, Y)
    dW_fd = numeric_gradient(lambda w: numpy_loss(w, b, X, Y), W)
    db_fd = numeric_gradient(lambda v: numpy_loss(W, v, X, Y), b)
    assert_gradient_close(dW, dW_fd, name="dW vs central finite differences")
    assert_gradient_close(db, db_fd, name="db vs central finite differences")


@pytest.mark.weight(2)
def test_huge_logits(submission):
    # Weights this large give logits in the thousands: exp(Z) overflows without log-sum-exp.
    W, b, X, Y = make_case(2605, 6, 3, 4, w_scale=600.0)
    loss, dW, db = student_grads(submission, W, b, X, Y)
    loss_ref, dW_ref, db_ref = tape_reference(W, b, X, Y)
    logits = np.abs(X @ W + b).max()
    assert_close(loss, loss_ref, rtol=1e-9, atol=1e-12, name=f"loss with logits up to {logits:.0f}")
    assert_gradient_close(dW, dW_ref, name=f"dW with logits up to {logits:.0f}")
    assert_gradient_close(db, db_ref, name=f"db with logits up to {logits:.0f}")


# The public checks' twins: the point of the public finite-difference checks (the notebook's
# own seed 0, on purpose), and one example with logits [1000, -1000].
PUBLIC_X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, -1.0]])
PUBLIC_Y = np.eye(3)[[0, 2, 1]]
PUBLIC_W = np.random.default_rng(0).normal(size=(2, 3))
PUBLIC_B = np.array([0.1, -0.2, 0.3])
PER_BATCH = {3.0: "not divided by n = 3: average over the batch", 1 / 3: "divided by n = 3 twice?"}


@pytest.mark.parametrize("which", ["dW", "db"])
def test_public_gradient_check(submission, which):
    """The public finite-difference point, here against tf.GradientTape."""
    _, dW, db = student_grads(submission, PUBLIC_W, PUBLIC_B, PUBLIC_X, PUBLIC_Y)
    _, dW_ref, db_ref = tape_reference(PUBLIC_W, PUBLIC_B, PUBLIC_X, PUBLIC_Y)
    got, expected = (dW, dW_ref) if which == "dW" else (db, db_ref)
    assert_gradient_close(
        got,
        expected,
        name=f"{which} at the public check's point vs tf.GradientTape",
        causes=PER_BATCH,
    )


def test_public_huge_logit_loss(submission):
    """x = 1, W = [[1000, -1000]], class 1: P = [1, 0] and the loss is 2000."""
    W, b, X, Y = np.array([[1000.0, -1000.0]]), np.zeros(2), np.ones((1, 1)), np.array([[0.0, 1.0]])
    loss, _, _ = student_grads(submission, W, b, X, Y)
    expected, _, _ = tape_reference(W, b, X, Y)
    assert_close(
        loss,
        expected,
        rtol=1e-9,
        atol=1e-12,
        name="loss at the logits [1000, -1000] for class 1 (reuse your stable log_softmax)",
    )
