"""Hidden checks for unit03_experiment: five optimizers train the digits MLP.

The final training losses are read by name; the optimizers must be the student's own
classes (read from the source of make_experiment).
"""

import math

import pytest

from autograder.checks.unit03.common import KERAS_OPTIMIZER_NAMES, assert_from_scratch
from autograder.contract.kit import names_used
from course_lib.testing import CheckFailure

NAMES = ("sgd", "momentum", "nesterov", "rmsprop", "adam")
CLASSES = ("ScratchSGD", "ScratchMomentum", "ScratchNesterov", "ScratchRMSprop", "ScratchAdam")
MAX_FINAL_LOSS = 1.0  # chance level is ln 10 = 2.30
MAX_ADAM_LOSS = 0.25  # the reference reaches about 0.08


def final_losses(submission) -> dict[str, float]:
    losses = submission.read("final_losses")
    if not isinstance(losses, dict):
        raise CheckFailure(
            f"final_losses should be a dict name -> loss, got {type(losses).__name__}"
        )
    missing = [name for name in NAMES if name not in losses]
    if missing:
        raise CheckFailure(f"final_losses lacks {missing}, got keys {sorted(losses)}")
    bad = {n: losses[n] for n in NAMES if not isinstance(losses[n], (int, float))}
    if bad:
        raise CheckFailure(f"final_losses should hold numbers, got {bad}")
    return {name: float(losses[name]) for name in NAMES}


def test_every_optimizer_learns(submission):
    losses = final_losses(submission)
    failing = {n: v for n, v in losses.items() if not (math.isfinite(v) and v < MAX_FINAL_LOSS)}
    if failing:
        shown = ", ".join(f"{n}: {v:.4g}" for n, v in failing.items())
        raise CheckFailure(
            f"every optimizer should reach a final training loss below {MAX_FINAL_LOSS} "
            f"(chance level is ln 10 = 2.30); final_losses has {shown}"
        )


@pytest.mark.weight(2)
def test_adam_final_loss(submission):
    loss = final_losses(submission)["adam"]
    if not (math.isfinite(loss) and loss < MAX_ADAM_LOSS):
        raise CheckFailure(
            f"final_losses['adam'] (Adam's final training loss) is {loss:.4g}, "
            f"needs to be below {MAX_ADAM_LOSS}"
        )


@pytest.mark.gate
def test_uses_own_optimizers(submission):
    source = submission.source("make_experiment")
    if source is None:
        raise CheckFailure("could not read the source of make_experiment; is it a plain function?")
    used = names_used(source)
    missing = [name for name in CLASSES if name not in used]
    keras_names = sorted(used & KERAS_OPTIMIZER_NAMES)
    if missing or keras_names:
        raise CheckFailure(
            "make_experiment must build every optimizer from your own classes "
            f"({', '.join(CLASSES)}); "
            + (f"it does not use {missing}" if missing else "")
            + ("; " if missing and keras_names else "")
            + (f"it uses Keras' {', '.join(keras_names)}" if keras_names else "")
        )
    # The classes themselves: matching Keras is worth nothing when one *is* Keras.
    for name in CLASSES:
        assert_from_scratch(submission, name)
