"""Hidden checks for unit01_confusion_matrix: counts against scikit-learn.

Besides random labels, the spec's edges: a label that is only predicted, ``n_classes``
larger than every label, a single sample, and no sample at all with ``n_classes`` given
(a ``k x k`` matrix of zeros; reading ``max()`` of an empty array raises).
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix as sklearn_confusion_matrix

from autograder.checks.unit01.common import METRIC_LIBRARY_NAMES, noisy_labels
from autograder.contract.kit import assert_no_forbidden_names
from course_lib.testing import assert_close


def _only_predicted() -> tuple[np.ndarray, np.ndarray]:
    y_true, y_pred = noisy_labels(13, 30, 3)
    y_pred[[4, 9]] = 4  # class 4 is predicted twice and never occurs; class 3 nowhere
    return y_true, y_pred


# id -> (y_true, y_pred, n_classes passed or None, k the matrix must have)
CASES = {
    "three-classes": (*noisy_labels(11, 40, 3), None, 3),
    "six-classes-n200": (*noisy_labels(12, 200, 6), None, 6),
    "label-only-in-predictions": (*_only_predicted(), None, 5),
    "n_classes-larger-than-labels": (*noisy_labels(14, 25, 3), 5, 5),
    "single-sample": (np.array([1]), np.array([0]), None, 2),
    "no-samples-n_classes-3": (np.array([], np.int64), np.array([], np.int64), 3, 3),
    # The public check's twin: class 2 is only predicted.
    "public-class-2-only-predicted": (np.array([0, 1, 0]), np.array([0, 2, 2]), None, 3),
}


def _expected(y_true, y_pred, k):
    if len(y_true) == 0:
        # scikit-learn refuses empty input; with no pair to count, every entry is 0.
        return np.zeros((k, k), dtype=np.int64)
    return sklearn_confusion_matrix(y_true, y_pred, labels=np.arange(k))


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_matches_sklearn(submission, case):
    """Every count of the ``k x k`` matrix, rows true and columns predicted."""
    y_true, y_pred, n_classes, k = CASES[case]
    kwargs = {} if n_classes is None else {"n_classes": n_classes}
    got = submission.call("confusion_matrix", y_true, y_pred, **kwargs)
    expected = _expected(y_true, y_pred, k)
    assert_close(
        got,
        expected,
        rtol=0,
        atol=0,
        name=f"confusion_matrix on {case} (rows: true class, columns: predicted class)",
    )


@pytest.mark.gate
def test_counts_without_library_metrics(submission):
    """The unit's rule: the metric counts for itself (gate)."""
    # Run it first, so an unimplemented function cannot pass this check.
    submission.call("confusion_matrix", np.array([0, 1]), np.array([1, 1]))
    assert_no_forbidden_names(
        submission,
        "confusion_matrix",
        METRIC_LIBRARY_NAMES,
        why="count the (true, predicted) pairs with NumPy; sklearn.metrics and "
        "course_lib.metrics are off limits in the graded metric functions",
    )
