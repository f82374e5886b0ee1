"""Hidden checks for unit03_sgd_momentum: ScratchSGD and ScratchMomentum vs keras.optimizers.SGD.

Each case runs 100 steps of the student's class (through the notebook's ``run_optimizer``)
and of Keras, in float64, and compares every iterate.
"""

import keras
import pytest

from autograder.checks.unit03.common import (
    assert_from_scratch,
    assert_matches_keras,
    optimizer_cases,
)

CASES = {
    **optimizer_cases(
        "ScratchSGD",
        "keras.optimizers.SGD",
        keras.optimizers.SGD,
        {
            "ill_quadratic": {"learning_rate": 0.0625},
            "flat_quadratic": {"learning_rate": 0.25},
            "rosenbrock": {"learning_rate": 2.0**-7},
        },
    ),
    **optimizer_cases(
        "ScratchMomentum",
        "keras.optimizers.SGD(momentum=...)",
        keras.optimizers.SGD,
        {
            "ill_quadratic": {"learning_rate": 0.03125, "momentum": 0.875},
            "flat_quadratic": {"learning_rate": 0.0625, "momentum": 0.75},
            "rosenbrock": {"learning_rate": 2.0**-9, "momentum": 0.875},
        },
    ),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_matches_keras(submission, case):
    class_name, hyper, keras_name, make_keras, spec, x0 = CASES[case]
    assert_matches_keras(
        submission, class_name, hyper, keras_name, lambda: make_keras(**hyper), spec, x0
    )


# Not a gate: this cell grades two classes, and one class built on Keras must not cost the
# other's credit. Each class's trajectory checks already require it (assert_matches_keras
# calls assert_from_scratch), so this check only names the reason, at no cost of its own.
@pytest.mark.weight(0)
@pytest.mark.parametrize("class_name", ["ScratchSGD", "ScratchMomentum"])
def test_from_scratch(submission, class_name):
    assert_from_scratch(submission, class_name)
