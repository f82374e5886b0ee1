"""Hidden checks for unit04_mnist1d_mlp: the trained MLP on MNIST-1D samples it never saw.

``mlp_model`` is scored on 4000 fresh MNIST-1D samples that the grader draws from the
published distribution with a seed only it has (:mod:`autograder.contract.heldout`): the
notebook's own test split is in the student's hands, so a model trained on it would earn
nothing more. The feedback shows both figures. Published baselines (Greydanus, 2020):
logistic regression about 0.32, an MLP about 0.68.
"""

import numpy as np
import pytest

from autograder.contract import heldout
from course_lib import data
from course_lib.testing import assert_at_least, assert_shape

MIN_BEYOND_LINEAR = 0.40  # well above logistic regression (about 0.32)
MIN_HELD_OUT_ACCURACY = 0.68  # the published MLP baseline; the reference reaches about 0.72


def accuracy_of(submission, x: np.ndarray, y: np.ndarray, what: str) -> float:
    logits = submission.predict("mlp_model", x)
    assert_shape(logits, (len(x), 10), name=f"mlp_model predictions on {what} (logits)")
    return float(np.mean(np.argmax(logits, axis=1) == y))


@pytest.fixture
def held_out_accuracy(submission) -> float:
    x_new, y_new = heldout.mnist1d()
    return accuracy_of(submission, x_new, y_new, "the held-out samples")


def test_beats_a_linear_model(held_out_accuracy, submission, record_property):
    x_test, y_test = data.load("mnist1d", "test")
    public = accuracy_of(submission, x_test, y_test, "the test split")
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


@pytest.mark.weight(2)
def test_reaches_mlp_baseline(held_out_accuracy):
    assert_at_least(
        held_out_accuracy,
        MIN_HELD_OUT_ACCURACY,
        name="mlp_model accuracy on 4000 held-out MNIST-1D samples (the published MLP baseline)",
    )
