"""Hidden checks for unit03_adam: ScratchAdam vs keras.optimizers.Adam.

With beta_2 close to 1 the bias correction of v is large in the first steps, and the
epsilons are large, so adding epsilon to sqrt(v) (Keras) or to sqrt(v_hat) (the textbook)
gives visibly different iterates.
"""

import keras
import pytest

from autograder.checks.unit03.common import (
    assert_from_scratch,
    assert_matches_keras,
    optimizer_cases,
)

CASES = optimizer_cases(
    "ScratchAdam",
    "keras.optimizers.Adam",
    keras.optimizers.Adam,
    {
        "ill_quadratic": {
            "learning_rate": 2.0**-5, "beta_1": 0.75, "beta_2": 1 - 2.0**-7, "epsilon": 2.0**-6
        },
        "flat_quadratic": {
            "learning_rate": 2.0**-4, "beta_1": 0.875, "beta_2": 1 - 2.0**-10, "epsilon": 2.0**-10
        },
        "rosenbrock": {
            "learning_rate": 2.0**-5, "beta_1": 0.875, "beta_2": 1 - 2.0**-8, "epsilon": 2.0**-6
        },
    },
)  # fmt: skip


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_matches_keras(submission, case):
    class_name, hyper, keras_name, make_keras, spec, x0 = CASES[case]
    assert_matches_keras(
        submission, class_name, hyper, keras_name, lambda: make_keras(**hyper), spec, x0
    )


@pytest.mark.gate
def test_from_scratch(submission):
    assert_from_scratch(submission, "ScratchAdam")
