"""Hidden checks for unit02_gd_training: softmax regression trained from scratch.

The trained ``W_gd, b_gd`` are read by name and evaluated here on the digits test split,
which the notebook never trains on.

No fresh digits exist (scikit-learn's bundled set is all there is), so this metric is
scored on the public test split, which a student could train on; contract rule 7 and the
README's security model say so.
"""

import numpy as np
import pytest

from autograder.contract.kit import AUTODIFF_NAMES, assert_no_forbidden_names, names_used
from course_lib import data
from course_lib.testing import CheckFailure, assert_at_least, assert_shape

TRAIN = "train_softmax_regression"
GRADS = "softmax_regression_grads"
MIN_TEST_ACCURACY = 0.93  # the reference reaches 0.958


@pytest.mark.gate
def test_uses_own_gradient(submission):
    source = submission.source(TRAIN)
    if source is None:
        raise CheckFailure(f"could not read the source of {TRAIN}; is it a plain function?")
    if GRADS not in names_used(source):
        raise CheckFailure(f"{TRAIN} must compute its gradients by calling {GRADS}")
    # The gradient function has its own no-autodiff check (unit02_softmax_regression_grads):
    # following it again here would judge it twice.
    assert_no_forbidden_names(
        submission,
        TRAIN,
        AUTODIFF_NAMES,
        why=f"gradient descent from scratch takes its gradients from {GRADS}",
        skip={GRADS},
    )


@pytest.mark.weight(2)
def test_test_accuracy(submission):
    W = np.asarray(submission.read("W_gd"), dtype=np.float64)
    b = np.asarray(submission.read("b_gd"), dtype=np.float64)
    assert_shape(W, (64, 10), name="W_gd")
    assert_shape(b, (10,), name="b_gd")
    x_test, y_test = data.load("digits", "test")
    predictions = np.argmax(x_test.astype(np.float64) @ W + b, axis=1)
    accuracy = float(np.mean(predictions == y_test))
    assert_at_least(
        accuracy,
        MIN_TEST_ACCURACY,
        name=f"test accuracy of argmax(x @ W_gd + b_gd) on the {len(y_test)} digits test images",
    )
