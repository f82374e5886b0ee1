"""Hidden checks for unit03_rmsprop: ScratchRMSprop vs keras.optimizers.RMSprop.

The epsilons are large (2^-6, 2^-4) so that its place, inside the square root, matters.
"""

import keras
import pytest

from autograder.checks.unit03.common import (
    assert_from_scratch,
    assert_matches_keras,
    optimizer_cases,
)

CASES = optimizer_cases(
    "ScratchRMSprop",
    "keras.optimizers.RMSprop",
    keras.optimizers.RMSprop,
    {
        "ill_quadratic": {"learning_rate": 2.0**-6, "rho": 0.875, "epsilon": 2.0**-6},
        "flat_quadratic": {"learning_rate": 2.0**-5, "rho": 0.75, "epsilon": 2.0**-4},
        "rosenbrock": {"learning_rate": 2.0**-6, "rho": 0.96875, "epsilon": 2.0**-6},
    },
)


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_matches_keras(submission, case):
    class_name, hyper, keras_name, make_keras, spec, x0 = CASES[case]
    assert_matches_keras(
        submission, class_name, hyper, keras_name, lambda: make_keras(**hyper), spec, x0
    )


@pytest.mark.gate
def test_from_scratch(submission):
    assert_from_scratch(submission, "ScratchRMSprop")
