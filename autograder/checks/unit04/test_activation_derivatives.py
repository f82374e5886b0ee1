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
    assert_rejects_unknown_name,
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


# sigma'(0) from the left, as the spec's table gives it (alpha = 0.01, ELU's alpha = 1).
LEFT_DERIVATIVE_AT_KINK = {"relu": 0.0, "leaky_relu": 0.01, "elu": 1.0}


def test_kinks_take_the_left_derivative(submission):
    """At exactly z = 0 the docstring asks for the left derivative (0, alpha, 1).

    Random inputs never hit 0, so ``z >= 0`` (or ``np.heaviside(z, 1)``) where ``z > 0`` is
    meant would pass every other check. (TensorFlow's gradients at 0 are these values too.)
    """
    z = np.array([-0.75, 0.0, 1.25, 0.0])
    for name, at_kink in LEFT_DERIVATIVE_AT_KINK.items():
        expected = tape_derivative(z, name)
        expected[z == 0] = at_kink
        assert_activation_close(
            submission.call(NAME, z, name),
            expected,
            name,
            name=f'activation_derivative(z, "{name}") at z = {z.tolist()} (at the kink z = 0 '
            f"the left derivative, {at_kink:g})",
        )


def test_unknown_name_raises(submission):
    """The docstring's ValueError for an unknown name: no random input reaches that branch."""
    assert_rejects_unknown_name(submission, NAME)
