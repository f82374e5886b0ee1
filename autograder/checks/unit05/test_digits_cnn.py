"""Hidden checks for unit05_digits_cnn: a 2-D CNN on the 8x8 digits.

No fresh digits exist: scikit-learn's bundled set (1797 images) is all there is, so the
accuracy is scored on the public test split, which a student could train on (contract rule
7; the README's security model lists this check). The model must be convolutional (a gate:
an MLP on the flattened pixels would do the task without the unit's idea), output logits,
reach 0.98, and its training function must pass every argument on.
"""

import numpy as np
import pytest

from autograder.contract.kit import accuracy, assert_logits, assert_uses_every_parameter
from course_lib import data
from course_lib.testing import CheckFailure, assert_at_least, assert_shape

MIN_TEST_ACCURACY = 0.98  # the reference reaches 0.994
MODEL = "digits_cnn"


@pytest.fixture(scope="module")
def test_split():
    x, y = data.load("digits", "test")
    return x.reshape(-1, 8, 8, 1), y


@pytest.fixture
def logits(submission, test_split) -> np.ndarray:
    x, _ = test_split
    outputs = submission.predict(MODEL, x)
    assert_shape(outputs, (len(x), 10), name=f"{MODEL} predictions on the test images (logits)")
    return outputs.astype(np.float64)


@pytest.mark.gate
def test_is_convolutional(submission):
    classes = [layer["class"] for layer in submission.describe(MODEL)["layers"]]
    if "Conv2D" not in classes:
        raise CheckFailure(f"{MODEL} has no Conv2D layer (its layers: {', '.join(classes)}): "
                           "build a convolutional network")  # fmt: skip


def test_outputs_logits(logits):
    assert_logits(logits, model=MODEL)


@pytest.mark.weight(2)
def test_test_accuracy(logits, test_split, record_property):
    score = accuracy(logits, test_split[1])
    record_property("note", f"test accuracy {score:.4f} (the public split: no fresh digits exist)")
    assert_at_least(score, MIN_TEST_ACCURACY, name=f"{MODEL} accuracy on the 359 test digits")


def test_training_function_uses_its_arguments(submission):
    assert_uses_every_parameter(
        submission, "train_digits_cnn",
        advice="pass each one on to course_lib.training.fit or to the optimizer instead of a "
        "fixed value",
    )  # fmt: skip
