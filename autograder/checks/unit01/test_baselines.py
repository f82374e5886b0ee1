"""Hidden checks for unit01_baselines: majority class and nearest centroid vs scikit-learn.

``DummyClassifier(strategy="most_frequent")`` and ``NearestCentroid`` are the oracles; the
prediction check feeds scikit-learn's own centroids to the student's predict function, so
that a fitting mistake and a prediction mistake are told apart. The digits baseline is
scored on the test split, which the notebook never touches, and its setup is checked
apart from its score: ``centroid_classifier`` must be the student's own nearest-centroid
fit on the notebook's training part, not on the dev rows too (which still scores well).

No fresh digits exist (scikit-learn's bundled set is all there is), so this metric is
scored on the public test split, which a student could train on; contract rule 7 and the
README's security model say so.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.metrics import pairwise_distances
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
    """The most frequent label, ties to the smallest (``DummyClassifier``'s rule)."""
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
    """Row c is the mean of class c, as ``NearestCentroid.centroids_``."""
    x, y = BLOB_CASES[case]
    got = submission.call("nearest_centroid_fit", x, y)
    expected = NearestCentroid().fit(x, y).centroids_
    assert_close(
        got, expected, rtol=1e-9, atol=1e-12, name=f"centroids for {case} (row c = mean of class c)"
    )


@pytest.mark.parametrize("case", list(BLOB_CASES), ids=list(BLOB_CASES))
def test_predictions_match_sklearn(submission, case):
    """Euclidean nearest centroid, fed scikit-learn's centroids so that a
    fitting mistake cannot hide or cause a prediction mistake."""
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


# The public check's case: the origin is nearer [3, 3] by the Euclidean distance (4.24 vs 5)
# and nearer [5, 0] by the Manhattan distance (5 vs 6).
EUCLIDEAN_CENTROIDS = np.array([[3.0, 3.0], [5.0, 0.0]])
EUCLIDEAN_QUERIES = np.array([[0.0, 0.0], [6.0, 1.0]])


def test_euclidean_distance(submission):
    """The public check's twin, against scikit-learn's Euclidean ``pairwise_distances``."""
    got = as_array(
        submission.call("nearest_centroid_predict", EUCLIDEAN_CENTROIDS, EUCLIDEAN_QUERIES),
        name="predictions",
    )
    expected = pairwise_distances(EUCLIDEAN_QUERIES, EUCLIDEAN_CENTROIDS).argmin(axis=1)
    assert_close(
        got,
        expected,
        rtol=0,
        atol=0,
        name="nearest_centroid_predict with centroids [3, 3], [5, 0] at [0, 0], [6, 1] "
        "(by the Euclidean distance, not the Manhattan one)",
    )


def _labels(pred, n: int, what: str) -> np.ndarray:
    pred = as_array(pred, name=what)
    if pred.ndim == 2:
        pred = np.argmax(pred, axis=1)
    if pred.shape != (n,):
        raise CheckFailure(f"{what} should be labels of shape {(n,)}, got {pred.shape}")
    return pred


def test_digits_test_accuracy(submission):
    """The notebook's baseline is as accurate as a nearest-centroid classifier is."""
    x_test, y_test = data.load("digits", "test")
    pred = _labels(
        submission.predict("centroid_classifier", x_test),
        len(y_test),
        "centroid_classifier(x_test)",
    )
    assert_at_least(
        float(np.mean(pred == y_test)),
        DIGITS_TARGET,
        name="nearest-centroid accuracy on the held-out digits test split",
    )


def test_digits_baseline_on_the_dev_rows(submission):
    """The public check's twin: on the notebook's dev rows, ``centroid_classifier`` agrees with
    the student's own fit on the training part (as in the check below, whose queries are
    chosen to find a setup mistake more surely)."""
    x_all, y_all = data.load("digits", "train")
    train_idx = as_array(submission.read("digits_train_idx"), name="digits_train_idx").astype(int)
    dev_idx = as_array(submission.read("digits_dev_idx"), name="digits_dev_idx").astype(int)
    centroids = submission.call("nearest_centroid_fit", x_all[train_idx], y_all[train_idx], 10)
    x_dev = x_all[dev_idx]
    expected = _labels(
        submission.call("nearest_centroid_predict", centroids, x_dev),
        len(x_dev),
        "nearest_centroid_predict(centroids, x_digits_dev)",
    )
    got = _labels(
        submission.predict("centroid_classifier", x_dev), len(x_dev), "centroid_classifier(x)"
    )
    differ = int(np.sum(got != expected))
    if differ:
        raise CheckFailure(
            f"centroid_classifier(x_digits_dev) disagrees on {differ} of {len(x_dev)} dev rows "
            "with nearest_centroid_fit(x_digits_train, y_digits_train, n_classes=10) followed by "
            "nearest_centroid_predict: fit the baseline on the training part only"
        )


def _setup_queries() -> np.ndarray:
    """The test images and midpoints of random pairs of them: the midpoints lie near the
    decision boundaries, where slightly different centroids change the label."""
    x_test, _ = data.load("digits", "test")
    pairs = rng(171).integers(0, len(x_test), size=(2, 1000))
    return np.concatenate([x_test, (x_test[pairs[0]] + x_test[pairs[1]]) / 2])


def test_digits_baseline_fitted_on_the_training_part(submission):
    """The experiment's setup, which the accuracy alone cannot see: centroids fitted on
    all labelled rows (training and dev) score as well on the test split but make the dev
    accuracy printed next to them optimistic. The oracle is the student's own
    ``nearest_centroid_fit`` and ``nearest_centroid_predict`` on the rows the notebook's
    split put in the training part, so a mistake in those functions costs nothing here."""
    x_all, y_all = data.load("digits", "train")
    train_idx = as_array(submission.read("digits_train_idx"), name="digits_train_idx").astype(int)
    centroids = submission.call("nearest_centroid_fit", x_all[train_idx], y_all[train_idx], 10)
    queries = _setup_queries()
    n = len(queries)
    expected = _labels(
        submission.call("nearest_centroid_predict", centroids, queries),
        n,
        "nearest_centroid_predict(centroids, x)",
    )
    got = _labels(submission.predict("centroid_classifier", queries), n, "centroid_classifier(x)")
    differ = int(np.sum(got != expected))
    if differ:
        raise CheckFailure(
            f"centroid_classifier disagrees on {differ} of {n} inputs (test images and "
            "midpoints between pairs of them) with nearest_centroid_fit(x_digits_train, "
            "y_digits_train, n_classes=10) followed by nearest_centroid_predict: fit the "
            "baseline on the training part only"
        )
