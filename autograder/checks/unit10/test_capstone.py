"""Hidden checks for unit10_capstone: the fifteen trained models, on data only the grader has.

Each ``capstone_model(kind, seed)`` for seeds 0, 1, 2 is copied into the grader's own
network of that kind (gate: it must be exactly that architecture), so only learned weights
count, and scored on 4,000 fresh MNIST-1D samples generated with the grader's seed
(``autograder.contract.heldout``). Full marks when every kind's mean accuracy clears its
bar (linear 0.28, MLP 0.60, CNN, GRU and transformer 0.85; the reference reaches about
0.32, 0.66 and 0.93), when linear < MLP < each of the other three (the published ordering),
and when the three seeds gave three different models. The capstone's models come from the
student's ``make_model``; when the gate fails, the message says whether that fails its
own checks.
"""

import numpy as np
import pytest

from autograder.checks.unit10 import test_capstone_models as model_checks
from autograder.checks.unit10.common import KINDS, SPECS, reference_model
from autograder.contract import heldout
from autograder.contract.kit import grader_copy, once_per_submission, pointing_back
from course_lib.testing import CheckFailure

SEEDS = (0, 1, 2)
BARS = {"linear": 0.28, "mlp": 0.60, "cnn": 0.85, "gru": 0.85, "transformer": 0.85}


def every_kind_built(submission) -> None:
    for kind in KINDS:
        model_checks.test_make_model(submission, kind)


MAKE_MODEL = {"make_model": ("unit10_capstone_models", every_kind_built)}


@once_per_submission
def copies(submission) -> dict:
    """kind -> the grader's copies of the three seeds' models."""
    return {kind: [grader_copy(submission, "capstone_model", reference_model(kind), args=(kind, seed),
                               spec=f"Input((40,)) -> {SPECS[kind]}") for seed in SEEDS]
            for kind in KINDS}  # fmt: skip


@once_per_submission
def fresh_accuracy(submission) -> dict:
    """kind -> accuracy of each seed's copy on the grader's fresh samples."""
    x, y = heldout.mnist1d(4000)
    return {kind: [float(np.mean(np.argmax(m.predict(x, batch_size=1000, verbose=0), axis=1) == y)) for m in models]
            for kind, models in copies(submission).items()}  # fmt: skip


@pytest.mark.gate
@pointing_back(MAKE_MODEL)
def test_capstone_models_are_the_specified_networks(submission):
    copies(submission)


@pytest.mark.weight(2)
def test_every_kind_clears_its_bar(submission, record_property):
    accuracy = fresh_accuracy(submission)
    means = {kind: float(np.mean(a)) for kind, a in accuracy.items()}
    record_property("note", "mean accuracy on 4000 fresh samples: " + ", ".join(f"{k} {v:.3f}" for k, v in means.items()))
    short = {kind: round(means[kind], 3) for kind in KINDS if means[kind] < BARS[kind]}
    if short:
        raise CheckFailure(f"mean accuracy over the three seeds on 4000 fresh MNIST-1D samples is below the bar for "
                           f"{short} (bars {BARS})")  # fmt: skip


def test_published_ordering(submission):
    means = {kind: float(np.mean(a)) for kind, a in fresh_accuracy(submission).items()}
    if not means["linear"] < means["mlp"] < min(means["cnn"], means["gru"], means["transformer"]):
        raise CheckFailure("on fresh samples the ordering linear < mlp < cnn, gru, transformer does not hold: "
                           + ", ".join(f"{k} {v:.3f}" for k, v in means.items()))  # fmt: skip


def test_three_seeds_give_three_models(submission):
    for kind, models in copies(submission).items():
        weights = [np.concatenate([w.ravel() for w in m.get_weights()]) for m in models]
        for i in range(len(SEEDS)):
            for j in range(i):
                if np.max(np.abs(weights[i] - weights[j])) < 1e-6:
                    raise CheckFailure(f"capstone[{kind!r}][{j}] and [{i}] hold the same weights: each seed must "
                                       "train its own model (seed_everything(seed) before make_model)")  # fmt: skip
