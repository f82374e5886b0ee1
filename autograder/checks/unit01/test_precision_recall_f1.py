"""Hidden checks for unit01_precision_recall_f1: scikit-learn with zero_division=0.

Binary, macro and per-class scores on random labels, and the cases where a denominator
is 0 (nothing predicted positive, no positive sample, a class never predicted, a class
that occurs nowhere), which must count as 0. Two spec edges more: ``average="binary"``
counts at least ``pos_label + 1`` classes even when no label reaches ``pos_label``, and a
macro average counts a class that is absent from both label arrays. Any other
``average`` raises the documented ValueError.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.metrics import precision_recall_fscore_support

from autograder.checks.unit01.common import METRIC_LIBRARY_NAMES, noisy_labels
from autograder.contract.kit import assert_no_forbidden_names, assert_raises_value_error
from course_lib.testing import as_array, assert_close


def _never_predicted():
    y_true, y_pred = noisy_labels(35, 60, 4)
    y_pred[y_pred == 3] = 0  # class 3 occurs but is never predicted
    return y_true, y_pred


def _no_positive_predictions():
    y_true, _ = noisy_labels(33, 20, 2)
    return y_true, np.zeros_like(y_true)


def _no_positive_samples():
    _, y_pred = noisy_labels(34, 20, 2)
    return np.zeros_like(y_pred), y_pred


def _class_2_nowhere():
    y_true, y_pred = noisy_labels(131, 90, 3)
    # Labels 0, 1 and 3: k = 4, and class 2 neither occurs nor is predicted.
    return np.where(y_true == 2, 3, y_true), np.where(y_pred == 2, 3, y_pred)


# id -> (y_true, y_pred, keyword arguments for the student's function)
CASES = {
    "binary-n80": (*noisy_labels(31, 80, 2), {}),
    "binary-pos_label-0": (*noisy_labels(32, 50, 2), {"pos_label": 0}),
    "macro-4-classes": (*noisy_labels(36, 120, 4), {"average": "macro"}),
    "per-class-5-classes": (*noisy_labels(37, 150, 5), {"average": None}),
    "zero-division-no-positive-predictions": (*_no_positive_predictions(), {}),
    "zero-division-no-positive-samples": (*_no_positive_samples(), {}),
    "zero-division-class-never-predicted-macro": (*_never_predicted(), {"average": "macro"}),
    "zero-division-class-absent-per-class": (
        *noisy_labels(38, 40, 3),
        {"average": None, "n_classes": 5},
    ),
    # A batch with no positive label at all: k = pos_label + 1 = 2, every score 0.
    "zero-division-no-positive-anywhere": (np.zeros(15, np.int64), np.zeros(15, np.int64), {}),
    "zero-division-class-2-nowhere-macro": (*_class_2_nowhere(), {"average": "macro"}),
    # The public checks' twins: nothing predicted positive, and labels 0, 1, 3 (k = 4) macro.
    "zero-division-public-nothing-predicted-positive": (
        np.array([1, 1, 0, 0]),
        np.zeros(4, np.int64),
        {},
    ),
    "public-macro-labels-0-1-3": (
        np.array([0, 0, 1, 3, 3, 3]),
        np.array([0, 1, 1, 3, 0, 3]),
        {"average": "macro"},
    ),
}


def _oracle(y_true, y_pred, average="binary", pos_label=1, n_classes=None):
    if n_classes is None:
        n_classes = (
            int(max(y_true.max(), y_pred.max(), pos_label if average == "binary" else 0)) + 1
        )
    labels = [pos_label] if average == "binary" else list(range(n_classes))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p, r, f, _ = precision_recall_fscore_support(
            y_true, y_pred, labels=labels, average=None, zero_division=0
        )
    if average == "binary":
        return np.array([p[0], r[0], f[0]])
    if average == "macro":
        return np.array([p.mean(), r.mean(), f.mean()])
    return np.stack([p, r, f])


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_matches_sklearn(submission, case):
    """Binary, macro and per-class scores, and every zero-denominator case, against
    scikit-learn with ``zero_division=0``."""
    y_true, y_pred, kwargs = CASES[case]
    got = submission.call("precision_recall_f1", y_true, y_pred, **kwargs)
    expected = _oracle(y_true, y_pred, **kwargs)
    what = "(precision, recall, f1)"
    if kwargs.get("average", "binary") is None:
        what = "per-class [precision, recall, f1] rows"
    note = " (a ratio with a zero denominator counts as 0)" if case.startswith("zero") else ""
    assert_close(
        as_array(got, name=f"precision_recall_f1 result for {case}"),
        expected,
        rtol=1e-9,
        atol=1e-12,
        name=f"{what} for {case}{note}",
    )


# id -> (y_true, y_pred, the averages that must raise)
UNKNOWN_AVERAGES = {
    "noisy-3-classes": (*noisy_labels(132, 30, 3), ("micro", "weighted")),
    "public-micro": (np.array([0, 1]), np.array([1, 1]), ("micro",)),  # the public check's twin
}


@pytest.mark.parametrize("case", list(UNKNOWN_AVERAGES), ids=list(UNKNOWN_AVERAGES))
def test_unknown_average_raises_value_error(submission, case):
    """The docstring promises a ValueError for any other ``average``; a fall-through
    branch would silently answer "micro" or "weighted" with some other average."""
    y_true, y_pred, averages = UNKNOWN_AVERAGES[case]
    for average in averages:
        assert_raises_value_error(
            submission,
            "precision_recall_f1",
            y_true,
            y_pred,
            average=average,
            what=f"precision_recall_f1(..., average={average!r}) (only 'binary', 'macro' "
            "and None are supported)",
        )


@pytest.mark.gate
def test_counts_without_library_metrics(submission):
    """The unit's rule: the metric counts for itself (gate)."""
    submission.call("precision_recall_f1", np.array([0, 1, 1]), np.array([1, 1, 0]))
    assert_no_forbidden_names(
        submission,
        "precision_recall_f1",
        METRIC_LIBRARY_NAMES,
        why="compute TP, FP and FN yourself (your confusion_matrix is fine); "
        "sklearn.metrics and course_lib.metrics are off limits in the graded metric functions",
    )
