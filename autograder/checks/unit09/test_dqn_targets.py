"""Hidden checks for unit09_dqn_targets: the exploration schedule and the two targets.

``linear_epsilon`` at steps before, during, exactly at and after the decay, for two
schedules. ``td_targets`` and ``double_dqn_targets`` on a batch of 16 with 3 actions, some
transitions terminal, where the online and target networks disagree about the best next
action (so each target differs from the other and from a target without the terminal mask).
"""

import numpy as np

from autograder.contract.kit import rng
from course_lib.testing import assert_close

GAMMA = 0.97


def batch() -> tuple:
    gen = rng(9601)
    rewards = gen.normal(size=16)
    q_online, q_target = gen.normal(size=(16, 3)) * 2, gen.normal(size=(16, 3)) * 2
    terminated = (gen.random(16) < 0.3) * 1.0
    return rewards, q_online, q_target, terminated


def test_linear_epsilon(submission):
    for start, end, decay in ((0.9, 0.1, 1000), (1.0, 0.02, 37)):
        steps = [0, 1, decay // 4, decay - 1, decay, decay + 1, 50 * decay]
        got = [float(submission.call("linear_epsilon", t, start, end, decay)) for t in steps]
        expected = [end + (start - end) * max(0.0, 1.0 - t / decay) for t in steps]
        assert_close(got, expected, rtol=1e-9, atol=1e-12,
                     name=f"linear_epsilon(step, {start}, {end}, {decay}) at steps {steps}")  # fmt: skip


def test_td_targets(submission):
    rewards, _, q_target, terminated = batch()
    got = np.asarray(submission.call("td_targets", rewards, q_target, terminated, GAMMA), float)
    expected = rewards + GAMMA * (1 - terminated) * q_target.max(axis=1)
    assert_close(got, expected, rtol=1e-9, atol=1e-12, name=f"td_targets on a batch of 16 ({int(terminated.sum())} terminal), gamma {GAMMA}")


def test_double_dqn_targets(submission):
    rewards, q_online, q_target, terminated = batch()
    got = np.asarray(submission.call("double_dqn_targets", rewards, q_online, q_target, terminated, GAMMA), float)
    chosen = q_online.argmax(axis=1)
    expected = rewards + GAMMA * (1 - terminated) * q_target[np.arange(16), chosen]
    assert_close(got, expected, rtol=1e-9, atol=1e-12,
                 name="double_dqn_targets on a batch of 16 (the online network chooses a', the target "
                      "network evaluates it)")  # fmt: skip
