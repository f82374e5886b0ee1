"""Hidden checks for unit03_nesterov: ScratchNesterov vs keras.optimizers.SGD(nesterov=True).

Keras stores the look-ahead point, so its iterates differ from the textbook form from the
first step on; the checks compare 100 steps in float64.
"""

import keras
import pytest

from autograder.checks.unit03.common import (
    assert_from_scratch,
    assert_matches_keras,
    optimizer_cases,
)

CASES = optimizer_cases(
    "ScratchNesterov",
    "keras.optimizers.SGD(momentum=..., nesterov=True)",
    keras.optimizers.SGD,
    {
        "ill_quadratic": {"learning_rate": 0.03125, "momentum": 0.875},
        "flat_quadratic": {"learning_rate": 0.0625, "momentum": 0.75},
        "rosenbrock": {"learning_rate": 2.0**-9, "momentum": 0.875},
    },
)


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_matches_keras(submission, case):
    class_name, hyper, keras_name, make_keras, spec, x0 = CASES[case]
    assert_matches_keras(
        submission,
        class_name,
        hyper,
        keras_name,
        lambda: make_keras(nesterov=True, **hyper),
        spec,
        x0,
    )


@pytest.mark.gate
def test_from_scratch(submission):
    assert_from_scratch(submission, "ScratchNesterov")
