"""Hidden checks for unit01_digits_model: test accuracy on the held-out digits split.

The reference softmax regression reaches about 0.96; the nearest-centroid baseline 0.90.

No fresh digits exist (scikit-learn's bundled set is all there is), so this metric is
scored on the public test split, which a student could train on; contract rule 7 and the
README's security model say so.
"""

from __future__ import annotations

import numpy as np
import pytest

from course_lib import data
from course_lib.testing import CheckFailure, as_array, assert_at_least

THRESHOLDS = {"clearly-learned": 0.75, "target": 0.93}


@pytest.mark.parametrize("level", list(THRESHOLDS), ids=list(THRESHOLDS))
def test_test_accuracy(submission, level):
    x_test, y_test = data.load("digits", "test")
    scores = as_array(submission.predict("digits_model", x_test), name="digits_model predictions")
    if scores.ndim == 2 and scores.shape == (len(y_test), 10):
        labels = np.argmax(scores, axis=1)
    elif scores.shape == y_test.shape:
        labels = scores.astype(np.int64)
    else:
        raise CheckFailure(
            f"digits_model should predict (n, 10) class scores, got shape {scores.shape} for n={len(y_test)}"
        )
    assert_at_least(
        float(np.mean(labels == y_test)),
        THRESHOLDS[level],
        name=f"digits_model accuracy on the held-out test split ({level})",
    )
