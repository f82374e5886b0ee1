import numpy as np
import pytest

from course_lib import metrics


@pytest.mark.parametrize(
    "y_true, y_pred, expected",
    [
        ([0, 1, 2, 1], [0, 1, 1, 1], 0.75),
        ([[0], [1], [2], [1]], [0, 1, 1, 1], 0.75),
        ([0, 1, 2], [[2.0, 1.0, 0.0], [0.0, 3.0, -1.0], [5.0, 0.0, 0.0]], 2 / 3),
        ([0, 1, 2], [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6]], 1.0),
        ([[1, 0, 0], [0, 1, 0]], [[0.7, 0.2, 0.1], [0.6, 0.3, 0.1]], 0.5),
        ([0, 1, 1, 0], [0.2, 0.9, 0.4, 0.6], 0.5),
        ([0, 1, 1, 0], [[0.2], [0.9], [0.7], [0.1]], 1.0),
        ([[0], [1]], [[0.2], [0.9]], 1.0),
        ([0, 1, 1], [False, True, False], 2 / 3),
    ],
    ids=[
        "labels",
        "labels-n1-vs-n",
        "logits",
        "probabilities",
        "one-hot-targets",
        "binary-probs-n",
        "binary-probs-n1",
        "binary-n1-both",
        "bool-labels",
    ],
)
def test_accuracy(y_true, y_pred, expected):
    value = metrics.accuracy(np.asarray(y_true), np.asarray(y_pred))
    assert isinstance(value, float)
    assert value == pytest.approx(expected)


def test_accuracy_threshold_is_strictly_above_half():
    assert metrics.accuracy([1, 0], [0.5, 0.5]) == 0.5
    assert metrics.accuracy([1, 0], [0.1, -0.1], threshold=0.0) == 1.0


@pytest.mark.parametrize(
    "y_true, y_pred, match",
    [
        ([0, 1, 2], [0, 1], r"same length, got shapes \(3,\) and \(2,\)"),
        ([], [], "empty"),
        ([[0, 1], [1, 0]], [[[0.2, 0.8]], [[0.9, 0.1]]], "cannot compare"),
        (3, 3, r"same length, got shapes \(\) and \(\)"),
    ],
    ids=["length", "empty", "shapes", "scalars"],
)
def test_accuracy_rejects_bad_input(y_true, y_pred, match):
    with pytest.raises(ValueError, match=match):
        metrics.accuracy(np.asarray(y_true), np.asarray(y_pred))


@pytest.mark.parametrize(
    "y_pred, expected",
    [
        ([[0.1, 0.9], [0.8, 0.2]], [1, 0]),
        ([0.7, 0.2], [1, 0]),
        ([[0.7], [0.2]], [1, 0]),
        ([[2], [0]], [2, 0]),
    ],
    ids=["scores", "binary", "binary-n1", "labels-n1"],
)
def test_predicted_labels(y_pred, expected):
    labels = metrics.predicted_labels(np.asarray(y_pred))
    assert labels.dtype == np.int64
    np.testing.assert_array_equal(labels, expected)


def test_regression_metrics():
    y_true, y_pred = np.array([1.0, 2.0, 3.0]), np.array([[1.5], [2.0], [1.0]])
    assert metrics.mae(y_true, y_pred) == pytest.approx(2.5 / 3)
    assert metrics.mse(y_true, y_pred) == pytest.approx(4.25 / 3)
    with pytest.raises(ValueError, match=r"shapes differ, got \(3,\) and \(2,\)"):
        metrics.mae(y_true, y_true[:2])


def test_get_resolves_names_in_order_without_duplicates():
    resolved = metrics.get(["accuracy", "MAE", "accuracy"])
    assert [m.name for m in resolved] == ["accuracy", "mae"]
    assert metrics.get(None) == []
    assert [m.name for m in metrics.get("mse")] == ["mse"]


def test_get_rejects_unknown_name_and_lists_valid_ones():
    with pytest.raises(ValueError, match=r"valid names are \['accuracy', 'mae', 'mse'\], got 'f1'"):
        metrics.get(["accuracy", "f1"])


@pytest.mark.parametrize(
    "y_true, y_pred, from_logits",
    [
        (
            [0, 1, 2, 1],
            [[2.0, 1.0, 0.0], [0.0, 3.0, -1.0], [5.0, 0.0, 0.0], [0.0, 1.0, 0.0]],
            False,
        ),
        ([[0], [1], [1]], [[0.2], [0.9], [0.4]], False),
        ([0, 1, 1], [[-1.0], [0.3], [-0.2]], True),
        ([[1, 0], [0, 1]], [[0.7, 0.3], [0.6, 0.4]], False),
    ],
    ids=["logits", "binary-probs", "binary-logits", "one-hot"],
)
def test_tensor_accuracy_matches_numpy(y_true, y_pred, from_logits):
    import tensorflow as tf

    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred, dtype=np.float32)
    per_sample = metrics.METRICS["accuracy"].per_sample(
        tf.constant(y_true), tf.constant(y_pred), from_logits
    )
    assert per_sample.shape == (len(y_true),)
    threshold = 0.0 if from_logits else 0.5
    expected = metrics.accuracy(y_true, y_pred, threshold=threshold)
    assert float(tf.reduce_mean(per_sample)) == pytest.approx(expected)


@pytest.mark.parametrize("name", ["mae", "mse"])
def test_tensor_errors_match_numpy(name):
    import tensorflow as tf

    y_true = np.array([1.0, 2.0, 3.0], dtype=np.float32)
    y_pred = np.array([[1.5], [2.0], [1.0]], dtype=np.float32)
    per_sample = metrics.METRICS[name].per_sample(tf.constant(y_true), tf.constant(y_pred), False)
    assert float(tf.reduce_mean(per_sample)) == pytest.approx(
        metrics.METRICS[name].numpy_fn(y_true, y_pred)
    )
