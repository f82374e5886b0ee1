"""Hidden checks for unit08_char_lm: next-character windows and held-out perplexity.

``next_char_windows`` is compared with the grader's own slicing on other ids, lengths and
starts, the last possible start included. ``char_lm`` is judged through the grader's own
Embedding(65, 64) -> GRU(192, all steps) -> Dense(65) holding its weights (gate: it must
be exactly that network), on text the notebook never had: the last 10 % of the corpus,
which the student package does not ship (``heldout_shakespeare.txt`` here; the plays are
public, so this keeps the text out of the kit, not out of the world). 1,000 windows of 64
characters at starts from the grader's seed; the mean cross-entropy over every position
gives the perplexity, which must be below 8 (uniform over 65 characters: 65; character
frequencies: about 27; the reference: about 7.1).
"""

from pathlib import Path

import keras
import numpy as np
import pytest
from scipy.special import log_softmax

from autograder.contract.kit import grader_copy, once_per_submission, rng
from course_lib import text
from course_lib.testing import CheckFailure, assert_at_most, assert_close

HELDOUT = Path(__file__).with_name("heldout_shakespeare.txt")
WINDOW, N_WINDOWS, TARGET, VOCAB = 64, 1000, 8.0, 65


def test_windows(submission):
    gen = rng(8701)
    ids = gen.integers(0, VOCAB, size=300).astype(np.int32)
    for length in (1, 5, 20):
        starts = np.concatenate([gen.integers(0, len(ids) - length - 1, size=6), [len(ids) - length - 1]])
        got = submission.call("next_char_windows", ids, length, starts)
        if not (isinstance(got, (tuple, list)) and len(got) == 2):
            raise CheckFailure(f"next_char_windows must return (inputs, targets), got {type(got).__name__}")
        rows = starts[:, None] + np.arange(length)
        assert_close(got[0], ids[rows], rtol=0, atol=0, name=f"next_char_windows inputs (length {length})")
        assert_close(got[1], ids[rows + 1], rtol=0, atol=0,
                     name=f"next_char_windows targets (length {length}): the input window shifted by one")  # fmt: skip


@once_per_submission
def lm_copy(submission) -> keras.Model:
    reference = keras.Sequential([
        keras.Input((None,), dtype="int32"), keras.layers.Embedding(VOCAB, 64),
        keras.layers.GRU(192, return_sequences=True), keras.layers.Dense(VOCAB),
    ])  # fmt: skip
    return grader_copy(submission, "char_lm", reference,
                       spec="char_model(65): Embedding(65, 64) -> GRU(192, return_sequences=True) -> Dense(65)")  # fmt: skip


@pytest.mark.gate
def test_char_lm_is_the_char_model(submission):
    lm_copy(submission)


@pytest.mark.weight(2)
def test_heldout_perplexity(submission, record_property):
    vocab = text.Vocabulary.of(text.corpus())
    ids = vocab.encode(HELDOUT.read_text("utf-8"))
    rows = rng(8702).integers(0, len(ids) - WINDOW - 1, size=N_WINDOWS)[:, None] + np.arange(WINDOW)
    logits = np.asarray(lm_copy(submission).predict(ids[rows], batch_size=250, verbose=0), dtype=float)
    loss = -np.mean(np.take_along_axis(log_softmax(logits, axis=-1), ids[rows + 1][..., None], axis=-1))
    record_property("note", f"held-out loss {loss:.3f} nats per character, perplexity {np.exp(loss):.2f}")
    assert_at_most(float(np.exp(loss)), TARGET,
                   name=f"char_lm's perplexity on {N_WINDOWS} windows of {WINDOW} characters of held-out text "
                        f"(uniform: 65, character frequencies: about 27)")  # fmt: skip
