"""Hidden checks for unit09_dqn_loss: the Huber loss, the DQN loss and its gradient.

``huber`` is compared elementwise with the closed form on errors in both regimes, for two
values of delta. ``dqn_loss`` is compared with ``keras.losses.Huber`` applied to the taken
actions' values, and its gradient with respect to the Q-values (through the notebook's
``dqn_loss_gradient``, which differentiates it with ``tf.GradientTape``) with float64
``tf.GradientTape`` through Keras' loss: zero for the actions not taken, the clipped
error over the batch size for the taken ones.
"""

import keras
import numpy as np
import tensorflow as tf

from autograder.contract.kit import float64, rng
from course_lib.testing import CheckFailure, assert_close

DELTAS = (1.0, 2.5)


def batch(seed: int) -> tuple:
    gen = rng(seed)
    q = gen.normal(size=(12, 3)) * 3
    return q, gen.integers(0, 3, size=12), gen.normal(size=12) * 3


def keras_loss_and_gradient(q, actions, targets, delta) -> tuple[float, np.ndarray]:
    with float64():
        variable = tf.Variable(q)
        with tf.GradientTape() as tape:
            taken = tf.gather(variable, actions, batch_dims=1)
            loss = keras.losses.Huber(delta=delta)(targets[:, None], taken[:, None])
        return float(loss), tape.gradient(loss, variable).numpy()


def test_huber(submission):
    x = np.array([-7.0, -2.6, -2.4, -1.0, -0.3, 0.0, 0.2, 0.99, 1.01, 2.0, 3.3])
    for delta in DELTAS:
        expected = np.where(np.abs(x) <= delta, 0.5 * x**2, delta * (np.abs(x) - 0.5 * delta))
        got = np.asarray(submission.call("huber", x, delta), float)
        assert_close(got, expected, rtol=1e-6, atol=1e-9, name=f"huber(x, delta={delta}) elementwise")


def test_dqn_loss_value(submission):
    for seed, delta in ((9701, 1.0), (9702, 0.5)):
        q, actions, targets = batch(seed)
        expected, _ = keras_loss_and_gradient(q, actions, targets, delta)
        got = float(np.asarray(submission.call("dqn_loss", q, actions, targets, delta)))
        assert_close(got, expected, rtol=1e-6,
                     name=f"dqn_loss on a batch of 12 with delta {delta} vs keras.losses.Huber on the taken actions")  # fmt: skip


def test_dqn_loss_gradient(submission):
    q, actions, targets = batch(9703)
    _, expected = keras_loss_and_gradient(q, actions, targets, 1.0)
    got = submission.call("dqn_loss_gradient", q, actions, targets, 1.0)
    if got[1] is None:
        raise CheckFailure("dqn_loss has no gradient with respect to q_values: it must use TensorFlow operations "
                           "(NumPy cuts the tape)")  # fmt: skip
    assert_close(np.asarray(got[1], float), expected, rtol=1e-6, atol=1e-9,
                 name="d dqn_loss / d q_values vs float64 tf.GradientTape through keras.losses.Huber")  # fmt: skip
