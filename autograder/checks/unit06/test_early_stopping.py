"""Hidden checks for unit06_early_stopping: when to stop, and which weights to keep.

``early_stopping_epochs(val_losses, patience, min_delta)`` is run on loss curves of the
grader's choosing (improvements smaller than min_delta, a plateau exactly patience long,
a run that never stops, ties) against a reference. The notebook's training run is then read
from its history: it stopped ``patience`` epochs after its best epoch (or ran out of
epochs), and the model holds the best epoch's weights: its loss on the validation split,
computed by the grader from the model's predictions, equals the best validation loss in
the history.
"""

import numpy as np
import pytest

from course_lib import data
from course_lib.testing import CheckFailure, assert_close

NAME = "early_stopping_epochs"


def reference(losses, patience, min_delta):
    best, best_epoch = np.inf, 0
    for epoch, loss in enumerate(losses, start=1):
        if loss < best - min_delta:
            best, best_epoch = loss, epoch
        elif epoch - best_epoch >= patience:
            return [best_epoch, epoch]
    return [best_epoch, len(losses)]


# name: (losses, patience, min_delta)
CURVES = {
    "plateau_exactly_patience": ([1.0, 0.7, 0.72, 0.71, 0.73, 0.6], 3, 0.0),
    "tiny_improvements_ignored": ([1.0, 0.9, 0.899, 0.898, 0.897, 0.896], 2, 0.01),
    "never_stops": ([1.0, 0.9, 0.8, 0.85, 0.7, 0.6], 2, 0.0),
    "tie_is_not_an_improvement": ([0.5, 0.5, 0.5, 0.4], 2, 0.0),
}


@pytest.mark.parametrize("curve", CURVES, ids=str)
def test_stop_and_best_epochs(submission, curve):
    losses, patience, min_delta = CURVES[curve]
    got = submission.call(NAME, losses, patience, min_delta)
    expected = reference(losses, patience, min_delta)
    if got != expected:
        raise CheckFailure(
            f"{NAME}({losses}, patience={patience}, min_delta={min_delta}): expected "
            f"(best epoch, stop epoch) = {tuple(expected)}, got {got!r} (epochs count from 1)"
        )


@pytest.mark.weight(2)
def test_the_run_keeps_the_best_weights(submission):
    history = submission.read("stopped_history")
    losses = history.get("val_loss") if isinstance(history, dict) else None
    if not losses:
        raise CheckFailure("stopped_history must be the run's history as a dict with 'val_loss'")
    x_val, y_val = data.load("mnist1d", "train")
    x_val, y_val = x_val[3500:], y_val[3500:]
    logits = submission.predict("stopped_model", x_val).astype(np.float64)
    shifted = logits - logits.max(axis=1, keepdims=True)
    loss = float(np.mean(np.log(np.exp(shifted).sum(axis=1)) - shifted[np.arange(len(y_val)), y_val]))
    assert_close(loss, min(losses), rtol=1e-3, atol=1e-4,
                 name="stopped_model's validation loss vs the best val_loss in its history "
                 "(restore the best weights when stopping)")  # fmt: skip
