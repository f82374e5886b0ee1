"""Hidden checks for unit02_keras_model: softmax regression in Keras, trained with a tape.

``keras_model`` is asked for predictions on the digits test split (never trained on). It
must output the logits of an affine map, be accurate, and agree with the model trained
from scratch (``W_gd, b_gd``): the two are the same model trained by the same algorithm.

No fresh digits exist (scikit-learn's bundled set is all there is), so this metric is
scored on the public test split, which a student could train on; contract rule 7 and the
README's security model say so.
"""

import numpy as np
import pytest

from course_lib import data
from course_lib.testing import assert_at_least, assert_close, assert_shape

MIN_TEST_ACCURACY = 0.93  # the reference reaches 0.961
MIN_AGREEMENT = 0.95  # the reference models agree on 99.7% of the test images


@pytest.fixture(scope="module")
def digits_test():
    return data.load("digits", "test")


def keras_logits(submission, x: np.ndarray) -> np.ndarray:
    logits = submission.predict("keras_model", x)
    assert_shape(logits, (len(x), 10), name="keras_model predictions (logits, one row per image)")
    return logits.astype(np.float64)


def test_outputs_affine_logits(submission, digits_test):
    x, _ = digits_test
    x_a, x_b = x[:60], x[60:120]
    ends = keras_logits(submission, np.concatenate([x_a, x_b]))
    middle = keras_logits(submission, (x_a + x_b) / 2)
    # An affine map takes midpoints to midpoints; an activation or a hidden layer does not.
    assert_close(
        middle,
        (ends[:60] + ends[60:]) / 2,
        rtol=1e-4,
        atol=1e-4,
        name="keras_model at midpoints vs the midpoint of its outputs (the model must be one "
        "Dense layer without activation, outputting logits)",
    )


def test_test_accuracy(submission, digits_test):
    x, y = digits_test
    accuracy = float(np.mean(np.argmax(keras_logits(submission, x), axis=1) == y))
    assert_at_least(
        accuracy, MIN_TEST_ACCURACY, name=f"keras_model test accuracy on {len(y)} digits images"
    )


def test_agrees_with_scratch_model(submission, digits_test):
    x, _ = digits_test
    W = np.asarray(submission.read("W_gd"), dtype=np.float64)
    b = np.asarray(submission.read("b_gd"), dtype=np.float64)
    assert_shape(W, (64, 10), name="W_gd")
    assert_shape(b, (10,), name="b_gd")
    scratch = np.argmax(x.astype(np.float64) @ W + b, axis=1)
    keras_pred = np.argmax(keras_logits(submission, x), axis=1)
    agreement = float(np.mean(scratch == keras_pred))
    assert_at_least(
        agreement,
        MIN_AGREEMENT,
        name="fraction of test images on which keras_model and W_gd, b_gd predict the same digit",
    )
