"""Hidden checks for unit08_rnn_bptt: a simple RNN forward and backpropagation through time.

``rnn_forward`` is compared with Keras' ``SimpleRNN`` (float64, ``return_sequences``) holding
the same kernel, recurrent kernel and bias and started from the same ``h0``. Each gradient
``rnn_backward`` returns is compared with float64 ``tf.GradientTape`` through an
independent TensorFlow forward pass, for L = sum_t <dH_t, h_t>, on shapes the notebook never
uses: one step, one sequence, 30 steps with a contracting recurrence, and a wide input.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from autograder.contract.kit import float64, rng
from course_lib.testing import CheckFailure, assert_close

NAMES = ("x", "h0", "W_x", "W_h", "b")


def case(name: str) -> dict:
    batch, steps, n, u, scale = {"one_step": (2, 1, 3, 4, 0.8), "one_sequence": (1, 6, 2, 3, 0.8),
                                 "thirty_steps": (3, 30, 4, 5, 0.4), "wide": (4, 4, 7, 5, 0.8)}[name]  # fmt: skip
    gen = rng(8101 + list(CASES).index(name))
    return {"x": gen.normal(size=(batch, steps, n)), "h0": gen.normal(size=(batch, u)) * 0.5,
            "W_x": gen.normal(size=(n, u)) / np.sqrt(n), "W_h": gen.normal(size=(u, u)) * scale / np.sqrt(u),
            "b": gen.normal(size=u) * 0.3, "dH": gen.normal(size=(batch, steps, u))}  # fmt: skip


CASES = ("one_step", "one_sequence", "thirty_steps", "wide")


def tape_gradients(args: dict) -> dict:
    variables = {name: tf.Variable(args[name]) for name in NAMES}
    with tf.GradientTape() as tape:
        h, loss = variables["h0"], tf.constant(0.0, tf.float64)
        for t in range(args["x"].shape[1]):
            h = tf.tanh(variables["x"][:, t] @ variables["W_x"] + h @ variables["W_h"] + variables["b"])
            loss += tf.reduce_sum(h * args["dH"][:, t])
    grads = tape.gradient(loss, [variables[name] for name in NAMES])
    return {name: g.numpy() for name, g in zip(NAMES, grads)}


@pytest.mark.parametrize("name", CASES)
def test_forward_matches_keras_simple_rnn(submission, name):
    args = case(name)
    with float64():
        layer = keras.layers.SimpleRNN(args["W_h"].shape[0], return_sequences=True)
        layer.build(args["x"].shape)
        layer.set_weights([args["W_x"], args["W_h"], args["b"]])
        expected = np.asarray(layer(args["x"], initial_state=args["h0"]))
    got = submission.call("rnn_forward", *(args[n] for n in NAMES))
    assert_close(got, expected, rtol=1e-9, name=f"rnn_forward vs keras.layers.SimpleRNN ({name} case, "
                 f"x {args['x'].shape})")  # fmt: skip


@pytest.mark.parametrize("gradient", NAMES)
def test_gradient_matches_tape(submission, gradient):
    for name in ("one_step", "thirty_steps", "wide"):
        args = case(name)
        got = submission.call("rnn_backward", *(args[n] for n in NAMES), args["dH"])
        if not isinstance(got, dict) or set(got) != set(NAMES):
            keys = sorted(got) if isinstance(got, dict) else type(got).__name__
            raise CheckFailure(f"rnn_backward must return a dict with the keys {list(NAMES)}, got {keys}")
        assert_close(got[gradient], tape_gradients(args)[gradient], rtol=1e-7,
                     name=f"dL/d{gradient} vs float64 tf.GradientTape ({name} case, x {args['x'].shape})")  # fmt: skip
