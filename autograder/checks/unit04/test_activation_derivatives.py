"""Hidden checks for unit04_activation_derivatives: ``activation_derivative`` vs the tape.

The reference derivative of an elementwise activation is the gradient of ``sum(sigma(z))``
under ``tf.GradientTape`` through ``keras.activations.*`` in float64, compared entry by
entry, on random inputs (no kinks) and at huge inputs such as +-1000.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from autograder.checklib import float64, rng
from course_lib.testing import assert_close

NAME = "activation_derivative"
# See test_activations: Keras' float32 leaky-ReLU slope and TensorFlow's float64 erfc.
RTOL, ATOL = 1e-7, 1e-12
GELU_ATOL = 2e-8

ACTIVATIONS = ("relu", "leaky_relu", "elu", "softplus", "tanh", "sigmoid", "gelu")
HUGE = np.array([-1000.0, -745.0, -60.0, -20.0, 20.0, 60.0, 745.0, 1000.0])


def tape_derivative(z: np.ndarray, name: str) -> np.ndarray:
    """sigma'(z) elementwise: the gradient of sum(sigma(z)) by tf.GradientTape in float64."""
    kwargs = {"leaky_relu": {"negative_slope": 0.01}, "gelu": {"approximate": False}}
    with float64():
        z_var = tf.Variable(z)
        with tf.GradientTape() as tape:
            total = tf.reduce_sum(getattr(keras.activations, name)(z_var, **kwargs.get(name, {})))
        return tape.gradient(total, z_var).numpy()


@pytest.mark.parametrize("name", ACTIVATIONS, ids=ACTIVATIONS)
def test_matches_gradient_tape(submission, name):
    seed = 4200 + ACTIVATIONS.index(name)
    z = rng(seed).normal(scale=2.5, size=(5, 8))
    got = submission.call(NAME, z, name)
    assert_close(
        got,
        tape_derivative(z, name),
        rtol=RTOL,
        atol=GELU_ATOL if name == "gelu" else ATOL,
        name=f'activation_derivative(z, "{name}") on a (5, 8) input, vs tf.GradientTape',
    )


@pytest.mark.weight(2)
def test_huge_inputs(submission):
    for name in ACTIVATIONS:
        got = submission.call(NAME, HUGE, name)
        assert_close(
            got,
            tape_derivative(HUGE, name),
            rtol=RTOL,
            atol=GELU_ATOL if name == "gelu" else ATOL,
            name=f'activation_derivative(z, "{name}") at huge inputs z = {HUGE.tolist()}',
        )
