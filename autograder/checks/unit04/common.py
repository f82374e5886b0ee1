"""What unit04's activation checks share: the seven activations, inputs and tolerances."""

from __future__ import annotations

import numpy as np

from autograder.contract.kit import assert_raises_value_error
from autograder.contract.submission import Submission
from course_lib.testing import assert_close

ACTIVATIONS = ("relu", "leaky_relu", "elu", "softplus", "tanh", "sigmoid", "gelu")
HUGE = np.array([-1000.0, -745.0, -60.0, -20.0, 20.0, 60.0, 745.0, 1000.0])
# The unit's parameters for keras.activations.<name>: leaky slope 0.01, exact (erf) GELU.
KERAS_KWARGS = {"leaky_relu": {"negative_slope": 0.01}, "gelu": {"approximate": False}}
# A real Keras activation that the unit's functions do not support: it must be refused.
UNKNOWN_NAME = "swish"

# Keras passes leaky ReLU's slope as a float32 attribute (0.01 -> 0.0099999998), and
# TensorFlow's float64 erfc (in the exact GELU) is off by up to about 6e-9: GELU gets an
# absolute tolerance of 2e-8 (the tanh approximation is off by up to 5e-4).
RTOL, ATOL = 1e-7, 1e-12
GELU_ATOL = 2e-8


def assert_activation_close(got, expected, activation: str, *, name: str) -> None:
    """Compare one activation's values with the tolerances above."""
    atol = GELU_ATOL if activation == "gelu" else ATOL
    assert_close(got, expected, rtol=RTOL, atol=atol, name=name)


def assert_rejects_unknown_name(submission: Submission, function: str) -> None:
    """Fail unless ``function(z, UNKNOWN_NAME)`` raises the ValueError its docstring promises
    (a KeyError from a dict lookup, or a silent fallback to some activation, fails)."""
    z = np.array([-1.0, 0.5, 2.0])
    what = f'{function}(z, "{UNKNOWN_NAME}") (an unknown name)'
    assert_raises_value_error(submission, function, z, UNKNOWN_NAME, what=what)
