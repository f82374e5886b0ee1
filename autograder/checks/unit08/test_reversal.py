"""Hidden checks for unit08_reversal: a one-layer transformer reversing fresh sequences.

``reversal_model`` built at other sizes (length 8, vocabulary 5, d = 16) must give
(n, 8, 5) logits through one single-head attention layer of key_dim 16, so nothing is
fixed to the notebook's sizes. ``reverser`` is judged through the grader's own transformer
of the specified architecture (embedding plus sinusoidal encoding, one single-head
attention block with post-norm residuals, a 64-32 feed-forward network, Dense(10)) holding
its weights (gate: it must be exactly that network, layer for layer), so only what was
learned counts: token accuracy >= 0.99 on 2,000 fresh sequences from the grader's seed
(the reference reaches 1.0). The grader's copy adds the specified encoding, so a reverser
trained with another one fails here too; the message then names positional_encoding.
"""

import keras
import numpy as np
import pytest

from autograder.checks.unit08 import test_positional_encoding as encoding_checks
from autograder.contract.kit import grader_copy, pointing_back, rng
from autograder.contract.submission import StudentError
from course_lib import sequences
from course_lib.testing import CheckFailure, assert_at_least

LENGTH, VOCAB, D = 16, 10, 32


def encoding(length: int, d: int) -> np.ndarray:
    angles = np.outer(np.arange(length), 10000.0 ** (-np.arange(0, d, 2) / d))
    return np.stack([np.sin(angles), np.cos(angles)], axis=-1).reshape(length, d).astype("float32")


def reference_transformer() -> keras.Model:
    tokens = keras.Input((LENGTH,), dtype="int32")
    h = keras.layers.Embedding(VOCAB, D)(tokens) + encoding(LENGTH, D)
    h = keras.layers.LayerNormalization()(h + keras.layers.MultiHeadAttention(num_heads=1, key_dim=D)(h, h))
    h = keras.layers.LayerNormalization()(h + keras.layers.Dense(D)(keras.layers.Dense(2 * D, activation="relu")(h)))
    return keras.Model(tokens, keras.layers.Dense(VOCAB)(h))


def attention_settings(facts: dict) -> list[tuple]:
    return [(layer["config"].get("num_heads"), layer["config"].get("key_dim"))
            for layer in facts["layers"] if layer["class"] == "MultiHeadAttention"]  # fmt: skip


def test_other_sizes(submission):
    try:
        facts = submission.describe("reversal_model", 8, 5, 16)
    except StudentError as exc:
        raise CheckFailure(f"reversal_model(8, 5, 16) must build the model for length 8, vocabulary 5 and "
                           f"d = 16: {exc}") from None  # fmt: skip
    settings = attention_settings(facts)
    if facts["outputs"] != [[None, 8, 5]] or settings != [(1, 16)]:
        raise CheckFailure(f"reversal_model(8, 5, 16) must give (batch, 8, 5) logits through one single-head "
                           f"attention layer with key_dim 16; got outputs {facts['outputs']}, attention "
                           f"(num_heads, key_dim) {settings}")  # fmt: skip


SPEC = ("reversal_model(): Embedding(10, 32), MultiHeadAttention(num_heads=1, key_dim=32), "
        "LayerNormalization, Dense(64, relu), Dense(32), LayerNormalization, Dense(10)")  # fmt: skip


@pytest.mark.gate
def test_reverser_is_the_specified_transformer(submission):
    grader_copy(submission, "reverser", reference_transformer(), spec=SPEC)


def encoding_right(submission) -> None:
    encoding_checks.test_matches_reference(submission, (33, 6))


ENCODING = {"positional_encoding": ("unit08_positional_encoding", encoding_right)}


@pytest.mark.weight(2)
@pointing_back(ENCODING)
def test_fresh_token_accuracy(submission, record_property):
    model = grader_copy(submission, "reverser", reference_transformer(), spec=SPEC)
    x, y = sequences.reversal(2000, LENGTH, VOCAB, rng(8801))
    accuracy = float(np.mean(np.argmax(model.predict(x, batch_size=500, verbose=0), axis=-1) == y))
    record_property("note", f"token accuracy {accuracy:.4f} on 2000 fresh sequences")
    assert_at_least(accuracy, 0.99, name="reverser's token accuracy on 2000 fresh sequences of 16 tokens")
