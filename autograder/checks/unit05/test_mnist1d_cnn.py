"""Hidden checks for unit05_mnist1d_cnn: a 1-D CNN scored on MNIST-1D samples it never saw.

``mnist1d_cnn`` is scored on 4000 fresh MNIST-1D sequences that the grader draws from the
published generator with a seed only it has (:mod:`autograder.contract.heldout`); the
feedback shows the public test split's figure beside it. The bar is the published CNN's
0.94 (Greydanus, 2020); the reference solution reaches about 0.975, so the bar sits 3.5
points below it. A model no better than a linear one earns nothing (a gate); the model
must have at least two Conv1D layers, output logits, and its training function must pass
every argument on.
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
from course_lib.testing import CheckFailure, assert_at_least

MIN_BEYOND_LINEAR = 0.40  # logistic regression reaches about 0.32
MIN_HELD_OUT_ACCURACY = 0.94  # the published CNN; the reference reaches about 0.975
MODEL = "mnist1d_cnn"


@pytest.fixture
def held_out(submission) -> tuple[np.ndarray, np.ndarray]:
    """(mnist1d_cnn's outputs, labels) on the grader's fresh samples."""
    x_new, y_new = heldout.mnist1d()
    return logits_of(submission, MODEL, x_new, what="the held-out samples"), y_new


@pytest.mark.gate
def test_beats_a_linear_model(held_out, submission, record_property):
    outputs, y_new = held_out
    x_test, y_test = data.load("mnist1d", "test")
    public = accuracy(logits_of(submission, MODEL, x_test, what="the test split"), y_test)
    score = accuracy(outputs, y_new)
    record_property("note", f"accuracy: {public:.3f} on the public test split, {score:.3f} on "
                    "4000 held-out samples (scored)")  # fmt: skip
    assert_at_least(score, MIN_BEYOND_LINEAR, name=f"{MODEL} accuracy on 4000 held-out "
                    "MNIST-1D samples (a linear model reaches about 0.32)")  # fmt: skip


def test_is_convolutional(submission):
    classes = [layer["class"] for layer in submission.describe(MODEL)["layers"]]
    if classes.count("Conv1D") < 2:
        raise CheckFailure(f"{MODEL} has {classes.count('Conv1D')} Conv1D layer(s) (its layers: "
                           f"{', '.join(classes)}); the spec asks for at least two")  # fmt: skip


def test_outputs_logits(held_out):
    assert_logits(held_out[0], model=MODEL)


@pytest.mark.weight(2)
def test_reaches_the_published_cnn(held_out):
    assert_at_least(accuracy(*held_out), MIN_HELD_OUT_ACCURACY,
                    name=f"{MODEL} accuracy on 4000 held-out MNIST-1D samples (the published "
                    "CNN's figure)")  # fmt: skip


def test_training_function_uses_its_arguments(submission):
    assert_uses_every_parameter(
        submission, "train_mnist1d_cnn",
        advice="pass each one on to course_lib.training.fit or to the optimizer and its "
        "schedule instead of a fixed value",
    )  # fmt: skip
