"""Hidden checks for unit01_baselines: majority class and nearest centroid vs scikit-learn.

``DummyClassifier(strategy="most_frequent")`` and ``NearestCentroid`` are the oracles; the
prediction check feeds scikit-learn's own centroids to the student's predict function, so
that a fitting mistake and a prediction mistake are told apart. The digits baseline is
scored on the test split, which the notebook never touches.

No fresh digits exist (scikit-learn's bundled set is all there is), so this metric is
scored on the public test split, which a student could train on; contract rule 7 and the
README's security model say so.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.neighbors import NearestCentroid

from autograder.contract.kit import rng
from course_lib import data
from course_lib.testing import CheckFailure, as_array, assert_at_least, assert_close

# The reference gets about 0.90; the majority class gets about 0.10.
DIGITS_TARGET = 0.87

MAJORITY_CASES = {
    "skewed-labels": rng(91).choice(6, size=80, p=[0.1, 0.1, 0.35, 0.15, 0.2, 0.1]),
    "tie-between-5-and-2": np.array([5, 2, 7, 5, 2, 0]),
    "single-label": np.array([4, 4, 4]),
}


def _blobs(seed: int, n_per_class: int, k: int, d: int):
    g = rng(seed)
    centers = g.normal(scale=2.0, size=(k, d))
    y = g.permutation(np.repeat(np.arange(k), n_per_class))
    return centers[y] + g.normal(size=(len(y), d)), y


BLOB_CASES = {
    "3-classes-5-dims": _blobs(92, 20, 3, 5),
    "4-classes-2-dims": _blobs(93, 13, 4, 2),
}


@pytest.mark.parametrize("case", list(MAJORITY_CASES), ids=list(MAJORITY_CASES))
def test_majority_class(submission, case):
    y = MAJORITY_CASES[case]
    got = submission.call("majority_class", y)
    expected = (
        DummyClassifier(strategy="most_frequent").fit(np.zeros((len(y), 1)), y).predict([[0]])[0]
    )
    assert_close(
        got,
        expected,
        rtol=0,
        atol=0,
        name=f"majority_class on {case} (label counts {np.bincount(y).tolist()}; ties go to the smallest label)",
    )


@pytest.mark.parametrize("case", list(BLOB_CASES), ids=list(BLOB_CASES))
def test_centroids_match_sklearn(submission, case):
    x, y = BLOB_CASES[case]
    got = submission.call("nearest_centroid_fit", x, y)
    expected = NearestCentroid().fit(x, y).centroids_
    assert_close(
        got, expected, rtol=1e-9, atol=1e-12, name=f"centroids for {case} (row c = mean of class c)"
    )


@pytest.mark.parametrize("case", list(BLOB_CASES), ids=list(BLOB_CASES))
def test_predictions_match_sklearn(submission, case):
    x, y = BLOB_CASES[case]
    oracle = NearestCentroid().fit(x, y)
    queries = rng(94).normal(scale=2.5, size=(200, x.shape[1]))
    got = as_array(
        submission.call("nearest_centroid_predict", oracle.centroids_, queries), name="predictions"
    )
    expected = oracle.predict(queries)
    if got.shape != expected.shape:
        raise CheckFailure(
            f"nearest_centroid_predict: expected shape {expected.shape}, got {got.shape}"
        )
    wrong = np.flatnonzero(got != expected)
    if wrong.size:
        i = int(wrong[0])
        distances = np.linalg.norm(oracle.centroids_ - queries[i], axis=1)
        raise CheckFailure(
            f"nearest_centroid_predict on {case}: {wrong.size} of {len(expected)} labels differ; "
            f"query {i} has Euclidean distances {np.round(distances, 3).tolist()} to the "
            f"centroids, so label {int(expected[i])}, got {int(got[i])}"
        )


def test_digits_test_accuracy(submission):
    x_test, y_test = data.load("digits", "test")
    pred = as_array(
        submission.predict("centroid_classifier", x_test), name="centroid_classifier(x_test)"
    )
    if pred.ndim == 2:
        pred = np.argmax(pred, axis=1)
    if pred.shape != y_test.shape:
        raise CheckFailure(
            f"centroid_classifier should return labels of shape {y_test.shape}, got {pred.shape}"
        )
    assert_at_least(
        float(np.mean(pred == y_test)),
        DIGITS_TARGET,
        name="nearest-centroid accuracy on the held-out digits test split",
    )
