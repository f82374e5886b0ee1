"""Hidden checks for unit08_adding_problem: the recurrent models and the trained LSTM.

``adding_model`` is described by the grader for both kinds at a width the notebook never
uses (8 units): one LSTM or SimpleRNN layer with that many units, returning only its last
state, then Dense(1), on inputs of any length with 2 channels; an unknown kind must raise
ValueError. ``lstm_adding`` is judged through the grader's own LSTM(32) -> Dense(1)
holding its weights (gate: it must be exactly that network), so only what was learned
counts: the mean squared error on 4,000 fresh 50-step sequences from the grader's seed
must be below 0.03; predicting the mean, 1.0, gives 1/6 and the reference about 0.006.
"""

import keras
import numpy as np
import pytest

from autograder.contract.kit import assert_raises_value_error, grader_copy, once_per_submission, rng
from course_lib import sequences
from course_lib.testing import CheckFailure, assert_at_most

LAYER = {"lstm": "LSTM", "simple_rnn": "SimpleRNN"}


def recurrent_rows(facts: dict) -> list[tuple]:
    return [(layer["class"], layer["config"].get("units"), layer["config"].get("return_sequences"))
            for layer in facts["layers"] if layer["class"] != "InputLayer"]  # fmt: skip


@pytest.mark.parametrize("kind", list(LAYER))
def test_model_layers(submission, kind):
    facts = submission.describe("adding_model", kind, 8)
    want = [(LAYER[kind], 8, False), ("Dense", 1, None)]
    got = recurrent_rows(facts)
    if got != want or facts["inputs"] != [[None, None, 2]]:
        raise CheckFailure(f"adding_model({kind!r}, 8) must be Input((None, 2)) -> {LAYER[kind]}(8) (last state "
                           f"only) -> Dense(1); got input {facts['inputs']} and layers (class, units, "
                           f"return_sequences) {got}")  # fmt: skip


def test_unknown_kind_raises(submission):
    assert_raises_value_error(submission, "adding_model", "transformer", 8, what="adding_model('transformer', 8)")


@once_per_submission
def lstm_copy(submission) -> keras.Model:
    reference = keras.Sequential([keras.Input((None, 2)), keras.layers.LSTM(32), keras.layers.Dense(1)])
    return grader_copy(submission, "lstm_adding", reference, spec="adding_model('lstm'): LSTM(32) -> Dense(1)")


@pytest.mark.gate
def test_lstm_adding_is_the_lstm_model(submission):
    lstm_copy(submission)


@pytest.mark.weight(2)
def test_lstm_solves_fresh_sequences(submission, record_property):
    x, y = sequences.adding_problem(4000, 50, rng(8601))
    mse = float(np.mean((lstm_copy(submission).predict(x, batch_size=500, verbose=0) - y) ** 2))
    record_property("note", f"fresh-sequence MSE {mse:.4f} (predicting 1.0: {sequences.ADDING_BASELINE_MSE:.4f})")
    assert_at_most(mse, 0.03, name="lstm_adding's mean squared error on 4000 fresh 50-step sequences "
                   f"(predicting the mean gives {sequences.ADDING_BASELINE_MSE:.3f})")  # fmt: skip
