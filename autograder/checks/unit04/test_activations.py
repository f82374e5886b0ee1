"""Hidden checks for unit04_activations: ``apply_activation`` against ``keras.activations``.

All seven activations are compared in float64 on random inputs and at huge inputs such as
+-1000, where ``log(1 + exp(z))`` overflows. GELU is the exact (erf) form.
"""

import keras
import numpy as np
import pytest

from autograder.checklib import float64, rng
from course_lib.testing import assert_close

NAME = "apply_activation"
# Keras passes leaky ReLU's slope as a float32 attribute (0.01 -> 0.0099999998), and
# TensorFlow's float64 erfc (in the exact GELU) is off by up to about 6e-9: GELU gets an
# absolute tolerance of 2e-8 (the tanh approximation is off by up to 5e-4).
RTOL, ATOL = 1e-7, 1e-12
GELU_ATOL = 2e-8

ACTIVATIONS = ("relu", "leaky_relu", "elu", "softplus", "tanh", "sigmoid", "gelu")
HUGE = np.array([-1000.0, -745.0, -60.0, -20.0, 20.0, 60.0, 745.0, 1000.0])


def keras_activation(z: np.ndarray, name: str) -> np.ndarray:
    """The reference: keras.activations.<name> in float64, with the unit's parameters."""
    kwargs = {"leaky_relu": {"negative_slope": 0.01}, "gelu": {"approximate": False}}
    with float64():
        value = getattr(keras.activations, name)(z, **kwargs.get(name, {}))
        return keras.ops.convert_to_numpy(value).astype(np.float64)


@pytest.mark.parametrize("name", ACTIVATIONS, ids=ACTIVATIONS)
def test_matches_keras(submission, name):
    seed = 4100 + ACTIVATIONS.index(name)
    z = rng(seed).normal(scale=2.5, size=(6, 7))
    got = submission.call(NAME, z, name)
    assert_close(
        got,
        keras_activation(z, name),
        rtol=RTOL,
        atol=GELU_ATOL if name == "gelu" else ATOL,
        name=f'apply_activation(z, "{name}") on a (6, 7) input, vs keras.activations.{name}',
    )


@pytest.mark.weight(2)
def test_huge_inputs(submission):
    for name in ACTIVATIONS:
        got = submission.call(NAME, HUGE, name)
        assert_close(
            got,
            keras_activation(HUGE, name),
            rtol=RTOL,
            atol=GELU_ATOL if name == "gelu" else ATOL,
            name=f'apply_activation(z, "{name}") at huge inputs z = {HUGE.tolist()}',
        )
