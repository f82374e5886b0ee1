"""Hidden checks for unit06_transfer: a frozen pre-trained base against training from scratch.

The grader chooses the few labels itself: five sequences of each digit 5-9 from MNIST-1D
samples it draws fresh (:mod:`autograder.contract.heldout`), relabelled 0-4. It calls
``few_shot_model`` on them twice, with and without transfer, and scores both models on
the other fresh sequences of the digits 5-9, which no notebook can hold. Measured with the
reference: about 0.53 accuracy with transfer, 0.2 from scratch (chance is 0.2). Full
marks need the transferred base's weights to be exactly ``course_lib.pretrained``'s (frozen
while the head trains, batch-norm statistics included), 0.42 accuracy, and a gain of at
least 0.15 over the same architecture trained from scratch on the same labels.

``few_labels`` is checked on labels of the grader's choosing: how many of each class,
in the order asked, without repeats, reproducible from its seed.
"""

from collections import Counter

import numpy as np
import pytest

from autograder.contract import heldout
from autograder.contract.kit import accuracy, once_per_submission, rng
from course_lib import pretrained
from course_lib.testing import CheckFailure, assert_at_least, assert_close

PER_CLASS = 5
SEED = 6701
MIN_ACCURACY = 0.42  # the reference reaches about 0.5; chance is 0.2
MIN_GAIN = 0.15  # over the same network from scratch; the reference gains about 0.33


def few_shot_split() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(x_few, y_few, x_eval, y_eval): digits 5-9 relabelled 0-4, from fresh samples."""
    x, y = heldout.mnist1d()
    keep = np.flatnonzero(y >= 5)
    gen = rng(SEED)
    few = np.concatenate([gen.choice(keep[y[keep] == c], PER_CLASS, replace=False) for c in range(5, 10)])
    rest = np.setdiff1d(keep, few)
    return np.array(x[few]), np.array(y[few] - 5), np.array(x[rest]), np.array(y[rest] - 5)


@once_per_submission
def trained(submission) -> tuple[dict, np.ndarray]:
    """Both models' descriptions (outputs on the evaluation sequences), and those labels."""
    x_few, y_few, x_eval, y_eval = few_shot_split()
    facts = {
        transfer: submission.describe("few_shot_model", x_few, y_few, transfer, SEED, x=x_eval)
        for transfer in (True, False)
    }
    return facts, y_eval


def test_few_labels(submission):
    labels = rng(6702).integers(0, 7, size=300)
    first = np.asarray(submission.call("few_labels", labels, [5, 1, 3], 4, 11))
    again = np.asarray(submission.call("few_labels", labels, [5, 1, 3], 4, 11))
    other = np.asarray(submission.call("few_labels", labels, [5, 1, 3], 4, 12))
    call = "few_labels(y, classes=[5, 1, 3], per_class=4, seed=11)"
    assert_close(labels[first.astype(int)], [5] * 4 + [1] * 4 + [3] * 4,
                 name=f"{call}: the labels of the chosen examples, classes in the order asked")  # fmt: skip
    if len(set(first.tolist())) != len(first):
        raise CheckFailure(f"{call} picked an example twice: {Counter(first.tolist()).most_common(1)[0][0]}")
    if not np.array_equal(first, again):
        raise CheckFailure(f"{call} gave different indices on a second call: seed a generator with `seed`")
    if np.array_equal(first, other):
        raise CheckFailure(f"{call} and seed=12 chose the same examples: the seed is not used")


def test_the_base_stays_the_pretrained_one(submission):
    facts, _ = trained(submission)
    layers = facts[True]["layers"]
    expected = pretrained.mnist1d_base().get_weights()
    base = next((layer for layer in layers if len(layer["weights"]) == len(expected)), None)
    if base is None:
        raise CheckFailure("few_shot_model(..., transfer=True) has no layer holding "
                           "course_lib.pretrained.mnist1d_base() (its layers: "
                           f"{', '.join(layer['class'] for layer in layers)})")  # fmt: skip
    for got, want in zip(base["weights"], expected, strict=True):
        if got.shape != want.shape or not np.allclose(got, want, rtol=0, atol=1e-6):
            raise CheckFailure("after training, few_shot_model(..., transfer=True)'s base holds other "
                               "weights than course_lib.pretrained.mnist1d_base(): load it, and freeze "
                               "it (base.trainable = False) before training the head")  # fmt: skip


def test_transfer_reaches_the_bar(submission, record_property):
    facts, y_eval = trained(submission)
    scores = {transfer: accuracy(facts[transfer]["outputs_on_x"], y_eval) for transfer in (True, False)}
    record_property("note", f"accuracy on {len(y_eval)} fresh sequences of 5-9 after {PER_CLASS} labels "
                    f"per class: transfer {scores[True]:.3f}, from scratch {scores[False]:.3f}")  # fmt: skip
    assert_at_least(scores[True], MIN_ACCURACY, name=f"few_shot_model(transfer=True) accuracy on fresh "
                    f"digits 5-9 after {PER_CLASS} labels per class")  # fmt: skip


@pytest.mark.weight(2)
def test_transfer_beats_training_from_scratch(submission):
    facts, y_eval = trained(submission)
    gain = accuracy(facts[True]["outputs_on_x"], y_eval) - accuracy(facts[False]["outputs_on_x"], y_eval)
    assert_at_least(gain, MIN_GAIN, name="accuracy gained by transfer over the same architecture from "
                    f"scratch (fresh digits 5-9, {PER_CLASS} labels per class)")  # fmt: skip
