"""Hidden checks for unit04_batchnorm_backward: batch-norm gradients in training mode.

The source must not use autodiff. The cache comes from the student's ``batchnorm_forward``
(training mode); dx, dgamma and dbeta of ``C = sum(out * G)`` are compared with
``tf.GradientTape`` through a float64 ``keras.layers.BatchNormalization`` and with central
finite differences of a NumPy batch norm (norm relative error <= 1e-7).
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from autograder.contract.kit import AUTODIFF_NAMES, assert_no_forbidden_names, float64, rng
from course_lib.testing import CheckFailure, assert_gradient_close, assert_shape, numeric_gradient

NAME = "batchnorm_backward"


def make_case(seed: int, n: int, d: int):
    gen = rng(seed)
    x = gen.normal(
        loc=gen.normal(scale=2.0, size=d), scale=gen.uniform(0.3, 2.0, size=d), size=(n, d)
    )
    gamma, beta = gen.normal(1.0, 0.5, size=d), gen.normal(size=d)
    return x, gamma, beta, gen.normal(size=(n, d))


def student_grads(submission, x, gamma, beta, G, epsilon):
    d = x.shape[1]
    forward = submission.call(
        "batchnorm_forward", x, gamma, beta, np.zeros(d), np.ones(d),
        training=True, momentum=0.9, epsilon=epsilon,
    )  # fmt: skip
    if not isinstance(forward, list) or len(forward) != 4:
        raise CheckFailure("batchnorm_forward must return (out, moving_mean, moving_var, cache)")
    result = submission.call(NAME, G, forward[3])
    if not isinstance(result, list) or len(result) != 3:
        raise CheckFailure(f"{NAME} must return (dx, dgamma, dbeta), got {type(result).__name__}")
    dx, dgamma, dbeta = result
    assert_shape(dx, x.shape, name="dx")
    assert_shape(dgamma, gamma.shape, name="dgamma")
    assert_shape(dbeta, beta.shape, name="dbeta")
    return dx, dgamma, dbeta


def tape_grads(x, gamma, beta, G, epsilon):
    with float64():
        layer = keras.layers.BatchNormalization(epsilon=epsilon)
        layer.build((None, x.shape[1]))
        layer.set_weights([gamma, beta, np.zeros_like(gamma), np.ones_like(gamma)])
        x_var = tf.Variable(x)
        with tf.GradientTape() as tape:
            total = tf.reduce_sum(layer(x_var, training=True) * G)
        dx, dgamma, dbeta = tape.gradient(total, [x_var, layer.gamma, layer.beta])
    return dx.numpy(), dgamma.numpy(), dbeta.numpy()


def numpy_loss(x, gamma, beta, G, epsilon) -> float:
    x_hat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + epsilon)
    return float(np.sum((gamma * x_hat + beta) * G))


@pytest.mark.gate
def test_no_autodiff(submission):
    student_grads(submission, *make_case(4800, 4, 2), 1e-3)  # it must run before it can count
    assert_no_forbidden_names(
        submission,
        NAME,
        AUTODIFF_NAMES,
        why="write the batch-norm backward pass by hand (dbeta, dgamma, then dx with its "
        "two corrections from the batch mean and variance)",
    )


# name: (seed, n, d, epsilon)
CASES = {
    "n16_d4_eps1e-3": (4801, 16, 4, 1e-3),
    "n5_d3_eps0.5": (4802, 5, 3, 0.5),
    "n64_d6_eps1e-5": (4803, 64, 6, 1e-5),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_matches_gradient_tape(submission, case):
    seed, n, d, epsilon = CASES[case]
    x, gamma, beta, G = make_case(seed, n, d)
    got = student_grads(submission, x, gamma, beta, G, epsilon)
    expected = tape_grads(x, gamma, beta, G, epsilon)
    where = (
        f"(n={n}, d={d}, epsilon={epsilon}), vs tf.GradientTape through keras BatchNormalization"
    )
    for what, value, reference in zip(("dx", "dgamma", "dbeta"), got, expected):
        assert_gradient_close(value, reference, name=f"{what} {where}")


def test_matches_finite_differences(submission):
    x, gamma, beta, G = make_case(4804, 6, 3)
    epsilon = 0.01
    dx, dgamma, dbeta = student_grads(submission, x, gamma, beta, G, epsilon)
    references = (
        numeric_gradient(lambda v: numpy_loss(v, gamma, beta, G, epsilon), x),
        numeric_gradient(lambda v: numpy_loss(x, v, beta, G, epsilon), gamma),
        numeric_gradient(lambda v: numpy_loss(x, gamma, v, G, epsilon), beta),
    )
    for what, value, reference in zip(("dx", "dgamma", "dbeta"), (dx, dgamma, dbeta), references):
        assert_gradient_close(value, reference, name=f"{what} (n=6, d=3), vs finite differences")
