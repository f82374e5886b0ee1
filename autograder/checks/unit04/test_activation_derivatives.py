"""Hidden checks for unit04_activation_derivatives: ``activation_derivative`` vs the tape.

The reference derivative of an elementwise activation is the gradient of ``sum(sigma(z))``
under ``tf.GradientTape`` through ``keras.activations.*`` in float64, compared entry by
entry, on random inputs (no kinks) and at huge inputs such as +-1000.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from autograder.checks.unit04.common import (
    ACTIVATIONS,
    HUGE,
    KERAS_KWARGS,
    assert_activation_close,
)
from autograder.contract.kit import float64, rng

NAME = "activation_derivative"


def tape_derivative(z: np.ndarray, name: str) -> np.ndarray:
    """sigma'(z) elementwise: the gradient of sum(sigma(z)) by tf.GradientTape in float64."""
    with float64():
        z_var = tf.Variable(z)
        with tf.GradientTape() as tape:
            total = tf.reduce_sum(
                getattr(keras.activations, name)(z_var, **KERAS_KWARGS.get(name, {}))
            )
        return tape.gradient(total, z_var).numpy()


@pytest.mark.parametrize("name", ACTIVATIONS, ids=ACTIVATIONS)
def test_matches_gradient_tape(submission, name):
    seed = 4200 + ACTIVATIONS.index(name)
    z = rng(seed).normal(scale=2.5, size=(5, 8))
    got = submission.call(NAME, z, name)
    assert_activation_close(
        got,
        tape_derivative(z, name),
        name,
        name=f'activation_derivative(z, "{name}") on a (5, 8) input, vs tf.GradientTape',
    )


@pytest.mark.weight(2)
def test_huge_inputs(submission):
    for name in ACTIVATIONS:
        got = submission.call(NAME, HUGE, name)
        assert_activation_close(
            got,
            tape_derivative(HUGE, name),
            name,
            name=f'activation_derivative(z, "{name}") at huge inputs z = {HUGE.tolist()}',
        )
