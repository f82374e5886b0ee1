"""course_lib.rl: the transition table, rollouts, success rate and the DQN loop's contract."""

import numpy as np
import pytest

from course_lib import rl


def test_transition_table_is_plain_lists_with_probabilities_summing_to_one():
    P = rl.transition_table(rl.frozen_lake())
    assert len(P) == 16 and all(len(row) == 4 for row in P)
    for s in range(16):
        for a in range(4):
            assert abs(sum(p for p, *_ in P[s][a]) - 1.0) < 1e-9
            for p, s2, r, done in P[s][a]:
                assert type(p) is float and type(s2) is int and type(r) is float and type(done) is bool
    # Holes and the goal are terminal and loop on themselves.
    assert P[5][0] == [(1.0, 5, 0.0, True)] and P[15][2] == [(1.0, 15, 0.0, True)]


def test_dense_relu_forward_matches_keras():
    import keras

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(5, activation="relu"), keras.layers.Dense(2)])
    x = np.random.default_rng(0).normal(size=(7, 3)).astype(np.float32)
    np.testing.assert_allclose(rl.dense_relu_forward(model.get_weights(), x), model(x).numpy(), rtol=1e-5, atol=1e-6)


def test_greedy_returns_plays_one_episode_per_seed_and_is_reproducible():
    always_left = lambda x: np.tile([1.0, 0.0], (len(x), 1))  # noqa: E731
    first = rl.greedy_returns(always_left, [1, 2, 3])
    assert first.shape == (3,) and np.all((first >= 8) & (first < 30))
    np.testing.assert_array_equal(first, rl.greedy_returns(always_left, [1, 2, 3]))


def test_success_rate_of_the_optimal_lake_policy_is_about_three_quarters():
    # The optimal policy of gymnasium's 4x4 slippery lake (value iteration, gamma 0.99).
    optimal = [0, 3, 3, 3, 0, 0, 0, 0, 3, 1, 0, 0, 0, 2, 1, 0]
    assert 0.70 < rl.success_rate(optimal, range(2000)) < 0.78
    assert rl.success_rate([0] * 16, range(200)) == 0.0


class _ListBuffer:
    def __init__(self):
        self.rows = []

    def add(self, *row):
        self.rows.append(row)

    def __len__(self):
        return len(self.rows)

    def sample(self, n, rng):
        picked = [self.rows[i] for i in rng.integers(0, len(self.rows), size=n)]
        return {key: np.array([row[k] for row in picked], dtype=float) for k, key in enumerate(["s", "a", "r", "s2", "terminated"])}


def test_train_dqn_calls_the_parts_and_keeps_the_best_weights():
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(0)
    q = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(2)])
    seen = []

    def targets(r, q_online, q_target, done, gamma):
        seen.append((q_online.shape, q_target.shape, gamma))
        return r + gamma * (1 - done) * q_target.max(axis=1)

    def loss(q_values, actions, y):
        return tf.reduce_mean(tf.square(y - tf.gather(q_values, actions, batch_dims=1)))

    buffer = _ListBuffer()
    history = rl.train_dqn(q, buffer=buffer, epsilon=lambda t: 0.5, targets=targets, loss=loss,
                           optimizer=keras.optimizers.Adam(1e-3), steps=1024, burst=256, updates_per_burst=2,
                           batch_size=16, warmup=256, eval_every=512, eval_episodes=2, verbose=False)  # fmt: skip
    assert len(buffer) == 1024 and seen and seen[0] == ((16, 2), (16, 2), 0.99)
    assert len(seen) == 2 * 4  # every burst once the warm-up is filled
    assert history["eval_steps"] == [512, 1024] and history["best_return"] == max(history["eval_returns"])
    assert sum(history["episode_returns"]) <= 1024 and history["episode_ends"] == sorted(history["episode_ends"])
    best = rl.greedy_returns(lambda x: rl.dense_relu_forward(q.get_weights(), x), [10_000 + i for i in range(2)])
    assert best.mean() == pytest.approx(history["best_return"])
