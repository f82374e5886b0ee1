"""Hidden checks for unit04_mnist1d_mlp: the trained MLP on the MNIST-1D test split.

``mlp_model`` is asked for predictions on the 1000 test sequences, which the notebook never
trains on. Published baselines (Greydanus, 2020): logistic regression about 0.32, an MLP
about 0.68.
"""

import numpy as np
import pytest

from course_lib import data
from course_lib.testing import assert_at_least, assert_shape

MIN_BEYOND_LINEAR = 0.40  # well above logistic regression (about 0.32)
MIN_TEST_ACCURACY = 0.68  # the published MLP baseline; the reference reaches about 0.72


@pytest.fixture
def test_accuracy(submission) -> float:
    x, y = data.load("mnist1d", "test")
    logits = submission.predict("mlp_model", x)
    assert_shape(logits, (len(x), 10), name="mlp_model predictions on the test split (logits)")
    return float(np.mean(np.argmax(logits, axis=1) == y))


def test_beats_a_linear_model(test_accuracy):
    assert_at_least(
        test_accuracy,
        MIN_BEYOND_LINEAR,
        name="mlp_model test accuracy on the 1000 MNIST-1D test sequences (a linear model "
        "reaches about 0.32)",
    )


@pytest.mark.weight(2)
def test_reaches_mlp_baseline(test_accuracy):
    assert_at_least(
        test_accuracy,
        MIN_TEST_ACCURACY,
        name="mlp_model test accuracy on the 1000 MNIST-1D test sequences (the published MLP "
        "baseline)",
    )
