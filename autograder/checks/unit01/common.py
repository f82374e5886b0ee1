"""What unit01's checks share: forbidden library names and noisy label pairs."""

from __future__ import annotations

import numpy as np

from autograder.contract.kit import rng

# Library metrics, and helper names that appear only inside them (so that an aliased
# import is caught when the check follows it): graded metrics count for themselves.
# Words students use for their own variables ("confusion", "counts") are left alone.
METRIC_LIBRARY_NAMES = frozenset(
    {"sklearn", "metrics", "course_lib", "accuracy_score", "precision_score",
     "recall_score", "f1_score", "fbeta_score", "precision_recall_fscore_support",
     "multilabel_confusion_matrix", "classification_report", "balanced_accuracy_score",
     "_check_targets", "predicted_labels"}
)  # fmt: skip


def noisy_labels(seed: int, n: int, k: int, right: float = 0.6) -> tuple[np.ndarray, np.ndarray]:
    """Random labels in 0..k-1 and predictions that copy them with probability ``right``."""
    g = rng(seed)
    y_true = g.integers(0, k, size=n)
    y_pred = np.where(g.random(n) < right, y_true, g.integers(0, k, size=n))
    return y_true, y_pred
