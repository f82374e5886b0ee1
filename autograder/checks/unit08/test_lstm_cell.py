"""Hidden checks for unit08_lstm_cell: one LSTM step in Keras' weight layout.

``lstm_step`` is compared with ``keras.layers.LSTMCell`` (float64) holding the same kernel
(n, 4u), recurrent kernel (u, 4u) and bias (4u): on a small batch, with weights large
enough to saturate every gate, with a single unit, and over ten chained steps against
``keras.layers.LSTM``. When the result matches Keras with the four gate blocks permuted,
the message names the order used, since that is the usual mistake when weights move
between libraries.
"""

import itertools

import keras
import numpy as np
import pytest

from autograder.contract.kit import float64, rng
from course_lib.testing import CheckFailure, assert_close

GATES = ("i", "f", "c", "o")
CASES = {"small": (3, 2, 4, 1.0), "saturated": (4, 3, 5, 6.0), "one_unit": (1, 3, 1, 1.0)}


def inputs(name: str) -> tuple:
    batch, n, u, scale = CASES[name]
    gen = rng(8201 + list(CASES).index(name))
    return (gen.normal(size=(batch, n)), gen.normal(size=(batch, u)), gen.normal(size=(batch, u)),
            gen.normal(size=(n, 4 * u)) * scale / np.sqrt(n), gen.normal(size=(u, 4 * u)) * scale / np.sqrt(u),
            gen.normal(size=4 * u) * scale)  # fmt: skip


def keras_step(x, h, c, kernel, recurrent, bias) -> tuple[np.ndarray, np.ndarray]:
    with float64():
        cell = keras.layers.LSTMCell(h.shape[1])
        cell.build(x.shape)
        cell.set_weights([kernel, recurrent, bias])
        h_new, (_, c_new) = cell(x, [h, c])
    return np.asarray(h_new), np.asarray(c_new)


def permute(weight: np.ndarray, order: tuple) -> np.ndarray:
    """The weight whose gate blocks, read as Keras' i, f, c, o, hold the blocks named by order."""
    blocks = dict(zip(GATES, np.split(weight, 4, axis=-1)))
    return np.concatenate([blocks[g] for g in order], axis=-1)


def gate_order_hint(args: tuple, got: tuple) -> str:
    x, h, c, kernel, recurrent, bias = args
    for order in itertools.permutations(GATES):
        if order == GATES:
            continue
        # Keras reading the blocks in Keras order from permuted weights computes what a
        # student computes who reads Keras-ordered weights as `order`.
        moved = [permute(w, tuple(GATES[order.index(g)] for g in GATES)) for w in (kernel, recurrent, bias)]
        expected = keras_step(x, h, c, *moved)
        if all(np.allclose(a, b, rtol=1e-7, atol=1e-10) for a, b in zip(got, expected)):
            return (f": your step reads the gate blocks as {', '.join(order)}, but Keras' kernel columns "
                    f"are [i | f | c | o] (input, forget, candidate, output)")  # fmt: skip
    return ""


def student_step(submission, args: tuple) -> tuple[np.ndarray, np.ndarray]:
    got = submission.call("lstm_step", *args)
    if not (isinstance(got, (tuple, list)) and len(got) == 2):
        raise CheckFailure(f"lstm_step must return (h_new, c_new), got {type(got).__name__}")
    return np.asarray(got[0], dtype=float), np.asarray(got[1], dtype=float)


@pytest.mark.parametrize("name", list(CASES))
def test_matches_keras_lstm_cell(submission, name):
    args = inputs(name)
    got, expected = student_step(submission, args), keras_step(*args)
    close = [np.allclose(a, b, rtol=1e-9, atol=1e-12) for a, b in zip(got, expected)]
    if not all(close):
        hint = gate_order_hint(args, got)
        for label, value, want in zip(("c_new", "h_new"), got[::-1], expected[::-1]):
            assert_close(value, want, rtol=1e-9, atol=1e-12,
                         name=f"{label} vs keras.layers.LSTMCell ({name} case){hint}")  # fmt: skip


def test_ten_steps_match_keras_lstm(submission):
    gen = rng(8210)
    x, h, c = gen.normal(size=(2, 10, 3)), gen.normal(size=(2, 4)) * 0.5, gen.normal(size=(2, 4)) * 0.5
    kernel, recurrent, bias = gen.normal(size=(3, 16)) / 2, gen.normal(size=(4, 16)) / 2, gen.normal(size=16) / 2
    with float64():
        layer = keras.layers.LSTM(4, return_sequences=True, return_state=True)
        layer.build(x.shape)
        layer.set_weights([kernel, recurrent, bias])
        sequence, _, last_c = (np.asarray(t) for t in layer(x, initial_state=[h, c]))
    states = []
    for t in range(10):
        h, c = student_step(submission, (x[:, t], h, c, kernel, recurrent, bias))
        states.append(h)
    assert_close(np.stack(states, axis=1), sequence, rtol=1e-9, atol=1e-12,
                 name="h_t over ten chained lstm_step calls vs keras.layers.LSTM")  # fmt: skip
    assert_close(c, last_c, rtol=1e-9, atol=1e-12, name="c_10 after ten chained steps vs keras.layers.LSTM")
