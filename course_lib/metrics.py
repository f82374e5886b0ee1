"""Metric helpers: NumPy functions for notebooks and the registry ``fit``/``evaluate`` use.

Each registered :class:`Metric` has two faces: a NumPy function (arrays in, float out) for
use in a notebook, and a TensorFlow per-sample function that the compiled training loop
sums batch by batch, so no predictions leave the graph during an epoch.

How ``accuracy`` reads predictions (the same rule in both faces):

* integer or bool ``y_pred``: labels, compared with ``y_true`` directly;
* float ``y_pred`` of shape ``(n,)`` or ``(n, 1)``: binary probabilities, class 1 when
  ``> 0.5`` (``> 0`` when the loss was built with ``from_logits=True``);
* float ``y_pred`` of shape ``(n, k)``, ``k > 1``: class scores (probabilities or logits),
  the label is the argmax; ``y_true`` holds integer labels ``(n,)``/``(n, 1)`` or one-hot
  rows ``(n, k)``.

Confusion matrices, precision, recall and F1 are deliberately absent: students write them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np


def predicted_labels(y_pred: Any, *, threshold: float = 0.5) -> np.ndarray:
    """Turn labels, binary probabilities or class scores into integer labels.

    Args:
        y_pred: integer labels ``(n,)``/``(n, 1)``; float ``(n,)``/``(n, 1)`` binary
            probabilities; or float ``(..., k)`` class scores with ``k > 1``.
        threshold: cut-off for binary probabilities. Default 0.5.

    Returns:
        An int64 array of labels ``(n,)`` (``y_pred.shape[:-1]`` for class scores).
    """
    pred = np.asarray(y_pred)
    if pred.dtype == bool or np.issubdtype(pred.dtype, np.integer):
        if pred.ndim > 1 and pred.shape[-1] == 1:
            pred = pred.reshape(pred.shape[:-1])
        return pred.astype(np.int64)
    if not np.issubdtype(pred.dtype, np.floating):
        raise TypeError(f"y_pred must hold numbers, got dtype {pred.dtype}")
    if pred.ndim <= 1 or pred.shape[-1] == 1:
        flat = pred.reshape(pred.shape[:-1]) if pred.ndim > 1 else pred
        return (flat > threshold).astype(np.int64)
    return np.argmax(pred, axis=-1).astype(np.int64)


def accuracy(y_true: Any, y_pred: Any, *, threshold: float = 0.5) -> float:
    """Fraction of correct predictions, see the module docstring for the shape rules.

    Args:
        y_true: integer labels ``(n,)`` or ``(n, 1)``, or one-hot rows ``(n, k)``.
        y_pred: labels, binary probabilities ``(n,)``/``(n, 1)`` or class scores ``(n, k)``.
        threshold: cut-off for binary probabilities. Default 0.5.

    Returns:
        The accuracy in ``[0, 1]`` as a Python float.

    Raises:
        ValueError: if the arrays are empty or their lengths or shapes do not match.
    """
    true, pred = np.asarray(y_true), np.asarray(y_pred)
    if true.ndim == 0 or pred.ndim == 0 or len(true) != len(pred):
        raise ValueError(
            "accuracy: y_true and y_pred need the same length, "
            f"got shapes {true.shape} and {pred.shape}"
        )
    if len(true) == 0:
        raise ValueError("accuracy: got empty arrays")
    scores = np.issubdtype(pred.dtype, np.floating) and pred.ndim > 1 and pred.shape[-1] > 1
    if scores and true.shape == pred.shape:  # one-hot targets
        true = np.argmax(true, axis=-1)
    labels = predicted_labels(pred, threshold=threshold)
    if true.ndim == labels.ndim + 1 and true.shape[-1] == 1:
        true = true.reshape(true.shape[:-1])
    if labels.ndim == true.ndim + 1 and labels.shape[-1] == 1:
        labels = labels.reshape(labels.shape[:-1])
    if true.shape != labels.shape:
        raise ValueError(
            f"accuracy: cannot compare y_true of shape {np.shape(y_true)} "
            f"with y_pred of shape {np.shape(y_pred)}"
        )
    return float(np.mean(true == labels))


def mae(y_true: Any, y_pred: Any) -> float:
    """Mean absolute error over all entries; shapes must match (``(n,)`` vs ``(n, 1)`` ok)."""
    true, pred = _same_shape(y_true, y_pred, "mae")
    return float(np.mean(np.abs(true - pred)))


def mse(y_true: Any, y_pred: Any) -> float:
    """Mean squared error over all entries; shapes must match (``(n,)`` vs ``(n, 1)`` ok)."""
    true, pred = _same_shape(y_true, y_pred, "mse")
    return float(np.mean((true - pred) ** 2))


def _same_shape(y_true: Any, y_pred: Any, name: str) -> tuple[np.ndarray, np.ndarray]:
    true = np.asarray(y_true, dtype=np.float64)
    pred = np.asarray(y_pred, dtype=np.float64)
    if true.size != pred.size or (true.ndim and len(true) != len(pred)):
        raise ValueError(f"{name}: shapes differ, got {true.shape} and {pred.shape}")
    return true.reshape(pred.shape), pred


# --- TensorFlow per-sample versions, traced inside the compiled loops. -------------------
# They import TensorFlow lazily so that NumPy users of this module never pay for it.


def _tf_accuracy(y_true, y_pred, from_logits: bool):
    import tensorflow as tf

    if y_pred.dtype.is_integer or y_pred.dtype == tf.bool:
        pred = tf.cast(y_pred, tf.int64)
    elif y_pred.shape.rank == 1 or y_pred.shape[-1] == 1:
        # Binary: a logit > 0 is the same decision as a probability > 0.5.
        pred = tf.cast(y_pred > (0.0 if from_logits else 0.5), tf.int64)
        if y_pred.shape.rank > 1:
            pred = tf.squeeze(pred, -1)
    else:
        pred = tf.argmax(y_pred, axis=-1)
        if y_true.shape.rank == y_pred.shape.rank and y_true.shape[-1] == y_pred.shape[-1]:
            y_true = tf.argmax(y_true, axis=-1)  # one-hot targets
    true = tf.cast(y_true, tf.int64)
    if true.shape.rank == pred.shape.rank + 1:
        true = tf.squeeze(true, -1)
    if pred.shape.rank == true.shape.rank + 1:
        pred = tf.squeeze(pred, -1)
    return _per_sample_mean(tf.cast(tf.equal(true, pred), tf.float64))


def _tf_error(power: int):
    def per_sample(y_true, y_pred, from_logits: bool):
        import tensorflow as tf

        diff = tf.cast(tf.reshape(y_true, tf.shape(y_pred)), tf.float64)
        diff -= tf.cast(y_pred, tf.float64)
        return _per_sample_mean(tf.abs(diff) if power == 1 else tf.square(diff))

    return per_sample


def _per_sample_mean(values):
    """Average over all but the batch axis: ``(b, ...) -> (b,)``."""
    import tensorflow as tf

    if values.shape.rank <= 1:
        return values
    return tf.reduce_mean(tf.reshape(values, (tf.shape(values)[0], -1)), axis=1)


@dataclass(frozen=True)
class Metric:
    """A metric that is the mean of a per-sample quantity.

    Attributes:
        name: the key in ``History`` and ``evaluate`` results.
        numpy_fn: ``(y_true, y_pred) -> float`` on NumPy arrays.
        per_sample: ``(y_true, y_pred, from_logits) -> (batch,)`` float64 tensor; the
            metric is its mean over the data set.
        mode: ``"max"`` if larger is better, ``"min"`` otherwise.
    """

    name: str
    numpy_fn: Callable[[Any, Any], float]
    per_sample: Callable[[Any, Any, bool], Any]
    mode: str


METRICS: dict[str, Metric] = {
    "accuracy": Metric("accuracy", accuracy, _tf_accuracy, "max"),
    "mae": Metric("mae", mae, _tf_error(1), "min"),
    "mse": Metric("mse", mse, _tf_error(2), "min"),
}


def get(names: Iterable[str | Metric] | str | None) -> list[Metric]:
    """Resolve metric names (or :class:`Metric` objects) against :data:`METRICS`.

    Args:
        names: a name, a sequence of names/metrics, or None for no metrics.

    Returns:
        The metrics, in order, without duplicates.

    Raises:
        ValueError: for an unknown name, listing the valid ones.
    """
    if names is None:
        return []
    if isinstance(names, (str, Metric)):
        names = [names]
    resolved: list[Metric] = []
    for name in names:
        metric = name if isinstance(name, Metric) else METRICS.get(str(name).lower())
        if metric is None:
            raise ValueError(f"unknown metric: valid names are {sorted(METRICS)}, got {name!r}")
        if metric.name == "loss" or metric.name.startswith("val_"):
            raise ValueError(f"a metric cannot be named 'loss' or 'val_*', got {metric.name!r}")
        if metric not in resolved:
            resolved.append(metric)
    return resolved
