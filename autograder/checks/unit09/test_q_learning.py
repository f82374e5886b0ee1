"""Hidden checks for unit09_q_learning: the algorithm replayed exactly, then the policy played.

The notebook fixes every random draw of ``q_learning``, so the grader replays it with its
own implementation on a random 4x4 lake (300 episodes, seed and step sizes of its own) and
the tables must agree to rounding. The greedy policy of ``frozenlake_Q`` is then played for
3,000 episodes from the grader's seeds on gymnasium's 4x4 slippery lake: at least 70 %
must reach the goal (gymnasium's threshold; the optimal policy succeeds about 74 % of the
time, so 3,000 episodes put the bar 5 standard errors below it). Both use the student's
``q_update``; a failure names it when it fails its own checks.
"""

import numpy as np
import pytest

from autograder.checks.unit09 import test_q_update as update_checks
from autograder.checks.unit09.common import random_lake
from autograder.contract.kit import once_per_submission, pointing_back
from course_lib import rl
from course_lib.testing import CheckFailure, assert_at_least, assert_close


def q_update_steps(submission) -> None:
    for kind in ("ordinary", "terminal"):
        update_checks.test_q_update_steps(submission, kind)


Q_UPDATE = {"q_update": ("unit09_q_update", q_update_steps)}
REPLAY = {"episodes": 300, "alpha": 0.2, "gamma": 0.95, "eps_start": 1.0, "eps_end": 0.1, "seed": 9401}


def reference_q_learning(desc, episodes, alpha, gamma, eps_start, eps_end, seed) -> np.ndarray:
    env = rl.frozen_lake(desc)
    n_actions = int(env.action_space.n)
    Q = np.zeros((int(env.observation_space.n), n_actions))
    gen = np.random.default_rng(seed)
    for episode in range(episodes):
        epsilon = eps_start + (eps_end - eps_start) * episode / max(episodes - 1, 1)
        s = env.reset(seed=seed)[0] if episode == 0 else env.reset()[0]
        done = False
        while not done:
            a = int(gen.integers(n_actions)) if gen.random() < epsilon else int(np.argmax(Q[s]))
            s2, r, terminated, truncated, _ = env.step(a)
            Q[s, a] += alpha * (r + gamma * (0.0 if terminated else Q[s2].max()) - Q[s, a])
            s, done = s2, terminated or truncated
    return Q


@pointing_back(Q_UPDATE)
def test_q_learning_replays_exactly(submission):
    desc = random_lake(4, 9402)
    expected = reference_q_learning(desc, **REPLAY)
    got = np.asarray(submission.call("q_learning", desc, *REPLAY.values()), dtype=float)
    settings = ", ".join(f"{k}={v}" for k, v in REPLAY.items())
    assert_close(got, expected, rtol=1e-9, atol=1e-12,
                 name=f"q_learning on a 4x4 lake of the grader's ({settings}) vs the same algorithm replayed "
                      "(draws in the notebook's order: rng.random() every step, rng.integers(A) when exploring)")  # fmt: skip


@once_per_submission
def greedy_policy(submission) -> np.ndarray:
    Q = np.asarray(submission.read("frozenlake_Q"), dtype=float)
    if Q.shape != (16, 4) or not np.all(np.isfinite(Q)):
        raise CheckFailure(f"frozenlake_Q must be a finite (16, 4) table, got shape {Q.shape}")
    return np.argmax(Q, axis=1)


@pytest.mark.weight(2)
@pointing_back(Q_UPDATE)
def test_policy_succeeds_on_fresh_episodes(submission, record_property):
    rate = rl.success_rate(greedy_policy(submission), range(940_000, 943_000))
    record_property("note", f"success rate {rate:.3f} on 3000 episodes of the grader's")
    assert_at_least(rate, 0.70, name="success rate of frozenlake_Q's greedy policy on 3000 episodes of the grader's")
