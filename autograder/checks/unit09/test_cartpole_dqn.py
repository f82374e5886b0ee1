"""Hidden checks for unit09_cartpole_dqn: the Q-network and the trained policy.

``q_network(units)`` must build Input((4,)) -> Dense(units, relu) -> Dense(units, relu) ->
Dense(2); the grader builds it with 128 units, a width the notebook does not use.
The trained ``cartpole_q`` is judged through the grader's own network of that shape
holding its weights (gate: it must be exactly that network), so only what was learned
counts: its greedy policy plays 20 CartPole-v1 episodes from seeds only the grader has,
and the mean return must reach 195 (a random policy lasts about 22 steps; the reference
reaches 500, the most an episode allows). The training loop ran on the student's
exploration schedule, targets, replay buffer and loss; when the policy falls short, the
message names those of them that fail their own checks.
"""

import keras
import pytest

from autograder.checks.unit09 import test_dqn_loss as loss_checks
from autograder.checks.unit09 import test_dqn_targets as target_checks
from autograder.checks.unit09 import test_replay_buffer as buffer_checks
from autograder.contract.kit import grader_copy, layers_in_order, once_per_submission, pointing_back
from course_lib import rl
from course_lib.testing import CheckFailure, assert_at_least

SPEC = "Input((4,)) -> Dense(256, relu) -> Dense(256, relu) -> Dense(2)"


def buffer_stores_and_samples(submission) -> None:
    buffer_checks.test_lengths(submission)
    buffer_checks.test_sampling_is_uniform(submission)  # partly filled and wrapped


# What rl.train_dqn called in the notebook, each with a check of the part the loop uses.
TRAINING_PIECES = {
    "linear_epsilon": ("unit09_dqn_targets", target_checks.test_linear_epsilon),
    "td_targets": ("unit09_dqn_targets", target_checks.test_td_targets),
    "ReplayBuffer": ("unit09_replay_buffer", buffer_stores_and_samples),
    "dqn_loss": ("unit09_dqn_loss", loss_checks.test_dqn_loss_gradient),
}


def reference_network(units: int = 256) -> keras.Model:
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(units, activation="relu"),
                             keras.layers.Dense(units, activation="relu"), keras.layers.Dense(2)])  # fmt: skip


def test_q_network_layers(submission):
    from autograder.contract import model_facts

    facts = submission.describe("q_network", 128)
    got, want = layers_in_order(facts), layers_in_order(model_facts.describe_model(reference_network(128)))
    if got != want or facts["inputs"] != [[None, 4]]:
        raise CheckFailure(f"q_network(128) must be {SPEC.replace('256', '128')}; got input {facts['inputs']} and layers (class, settings, "
                           f"weight shapes) {[(c, dict(s), w) for c, s, w in got]}")  # fmt: skip


@once_per_submission
def policy_copy(submission) -> keras.Model:
    return grader_copy(submission, "cartpole_q", reference_network(), spec=SPEC)


@pytest.mark.gate
def test_cartpole_q_is_the_q_network(submission):
    policy_copy(submission)


@pytest.mark.weight(3)
@pointing_back(TRAINING_PIECES)
def test_greedy_policy_balances_the_pole(submission, record_property):
    model = policy_copy(submission)
    returns = rl.greedy_returns(lambda x: model(x, training=False).numpy(), range(9_090_000, 9_090_020))
    record_property("note", f"greedy returns on 20 episodes of the grader's: mean {returns.mean():.1f}, "
                            f"min {returns.min():.0f}")  # fmt: skip
    assert_at_least(returns.mean(), 195, name="mean return of cartpole_q's greedy policy on 20 CartPole-v1 "
                    "episodes of the grader's")  # fmt: skip
