"""Hidden checks for unit04_mnist1d_mlp: the trained MLP on MNIST-1D samples it never saw.

``mlp_model`` is scored on 4000 fresh MNIST-1D samples that the grader draws from the
published distribution with a seed only it has (:mod:`autograder.contract.heldout`): the
notebook's own test split is in the student's hands, so a model trained on it would earn
nothing. The feedback shows both figures. Published baselines (Greydanus, 2020):
logistic regression about 0.32, an MLP about 0.68. A model that does not beat a linear one
on the fresh samples earns nothing in the cell (a gate); beyond that, the model must reach
the MLP baseline, output logits, and the training function must pass every argument on.

``train_mnist1d_mlp`` takes a Keras model, which cannot cross to the checks (only plain
data does), so it cannot be run on grader inputs against a reference run; its code is
read instead.
"""

import numpy as np
import pytest

from autograder.contract import heldout
from autograder.contract.kit import (
    accuracy,
    assert_logits,
    assert_uses_every_parameter,
    logits_of,
)
from course_lib import data
from course_lib.testing import assert_at_least

MIN_BEYOND_LINEAR = 0.40  # well above logistic regression (about 0.32)
MIN_HELD_OUT_ACCURACY = 0.68  # the published MLP baseline; the reference reaches about 0.72
TRAIN = "train_mnist1d_mlp"


@pytest.fixture
def held_out(submission) -> tuple[np.ndarray, np.ndarray]:
    """(mlp_model's outputs, labels) on the grader's fresh samples."""
    x_new, y_new = heldout.mnist1d()
    return logits_of(submission, "mlp_model", x_new, what="the held-out samples"), y_new


@pytest.mark.gate
def test_beats_a_linear_model(held_out, submission, record_property):
    """A gate: a model no better than a linear one on fresh samples has not done the task.

    Without it, the cell's other checks (logits, the training function's code) would pay a
    model that memorised the public test split, or a constant one, for what it did not
    learn. The feedback shows the public-split figure beside the scored one, so a large
    gap (memorising the split) is plain to see.
    """
    outputs, y_new = held_out
    x_test, y_test = data.load("mnist1d", "test")
    public = accuracy(logits_of(submission, "mlp_model", x_test, what="the test split"), y_test)
    held_out_accuracy = accuracy(outputs, y_new)
    record_property(
        "note",
        f"accuracy: {public:.3f} on the public test split, {held_out_accuracy:.3f} on 4000 "
        "held-out samples (scored)",
    )
    assert_at_least(
        held_out_accuracy,
        MIN_BEYOND_LINEAR,
        name="mlp_model accuracy on 4000 held-out MNIST-1D samples (a linear model reaches "
        "about 0.32)",
    )


def test_outputs_logits(held_out):
    """Logits, as the spec asks (no softmax on the output layer).

    A softmax output trained with ``from_logits=False`` (or a softmax applied twice) still
    ranks the classes, so accuracy alone does not see it.
    """
    outputs, _ = held_out
    assert_logits(outputs, model="mlp_model")


@pytest.mark.weight(2)
def test_reaches_mlp_baseline(held_out):
    assert_at_least(
        accuracy(*held_out),
        MIN_HELD_OUT_ACCURACY,
        name="mlp_model accuracy on 4000 held-out MNIST-1D samples (the published MLP baseline)",
    )


def test_training_function_uses_its_arguments(submission):
    """Every argument of train_mnist1d_mlp reaches the training run.

    The notebook calls it with the defaults, so a body that hard-codes ``epochs=40``,
    ``Adam(learning_rate=1e-3)``, ``batch_size=64`` or ``seed=0`` trains the same model and
    the accuracy checks cannot tell. (The function takes a Keras model, which cannot be
    passed in from the checks, so its code is read: each parameter must be read in the
    body.)
    """
    assert_uses_every_parameter(
        submission,
        TRAIN,
        advice="pass each one on to course_lib.training.fit (the epochs, batch size and seed) "
        "or to Adam (the learning rate) instead of a fixed value",
    )
