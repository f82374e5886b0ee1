"""Hidden checks for unit01_accuracy: against scikit-learn's accuracy_score."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import accuracy_score

from autograder.checks.unit01.common import METRIC_LIBRARY_NAMES, noisy_labels
from autograder.contract.kit import assert_no_forbidden_names
from course_lib.testing import CheckFailure, assert_close, assert_shape

_LIST_TRUE, _LIST_PRED = noisy_labels(23, 12, 3, right=0.7)

CASES = {
    "four-classes-n50": noisy_labels(21, 50, 4, right=0.7),
    "binary-n333": noisy_labels(22, 333, 2, right=0.7),
    "python-lists": (_LIST_TRUE.tolist(), _LIST_PRED.tolist()),
    "public-python-lists": ([0, 1, 2, 2], [0, 1, 1, 2]),  # the public check's twin
}
# Both ends in one check: a constant answer (`return 0`, `return 1`) gets one of them right.
EXTREMES = {
    "all-correct": (np.arange(7) % 3, np.arange(7) % 3),
    "all-wrong": (np.zeros(5, dtype=np.int64), np.ones(5, dtype=np.int64)),
}


def assert_matches(submission, case, y_true, y_pred):
    got = submission.call("accuracy", y_true, y_pred)
    assert_shape(np.asarray(got), (), name=f"accuracy on {case} (one number)")
    if isinstance(got, bool):
        raise CheckFailure(f"accuracy on {case}: expected a float, got the bool {got}")
    assert_close(
        got, accuracy_score(y_true, y_pred), rtol=1e-12, atol=1e-12, name=f"accuracy on {case}"
    )


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_matches_sklearn(submission, case):
    """Random labels, arrays and plain lists, against ``accuracy_score``; a float."""
    assert_matches(submission, case, *CASES[case])


def test_all_correct_and_all_wrong(submission):
    """Accuracy 1 and 0 in one check, so that a constant answer earns nothing."""
    for case, (y_true, y_pred) in EXTREMES.items():
        assert_matches(submission, case, y_true, y_pred)


@pytest.mark.gate
def test_counts_without_library_metrics(submission):
    """The unit's rule: the metric counts for itself (gate)."""
    submission.call("accuracy", np.array([0, 1]), np.array([1, 1]))
    assert_no_forbidden_names(
        submission,
        "accuracy",
        METRIC_LIBRARY_NAMES,
        why="compare the labels with NumPy; sklearn.metrics and course_lib.metrics are "
        "off limits in the graded metric functions",
    )
