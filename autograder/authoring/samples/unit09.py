"""Sample submissions for unit09: planted mistakes per graded function, and the demo roles.

Scores were measured with ``python -m autograder.authoring.pipeline unit09 DIR`` and are
``points × passed weight / total weight`` over a cell's hidden checks (4 decimals). The
module is a catalogue: one entry per planted mistake, with the comment that says why a
student would write it and which check meets it. A mistake also declares what it costs the
later cells that run the mistaken function (policy_iteration runs tabulate, the DQN trains
with the targets and the loss), as measured with ``--whole --only MUTANT``.
"""

from __future__ import annotations

from autograder.contract.notebook import Mutant

MUTANTS = [
    # --- value iteration (3 points: tabulate on a random process, V* and an optimal policy
    # on gymnasium's 8x8 lake, a random lake and a random process) ---------------------------
    Mutant(
        # = instead of +=: a successor listed twice (slipping into a wall) keeps one share.
        name="tabulate_assigns_instead_of_summing",
        cell="unit09_value_iteration_impl",
        find="T[s, a, s_next] += p * (1.0 - done)",
        replace="T[s, a, s_next] = p * (1.0 - done)",
        # policy_iteration tabulates with it too.
        expected={"unit09_value_iteration": 0.0, "unit09_policy_iteration": 0.75},
        message="T of tabulate on a random decision process",
    ),
    Mutant(
        # The terminated flag ignored: harmless on FrozenLake, whose terminal states loop on
        # themselves with reward 0, wrong wherever a terminal transition leads elsewhere.
        name="tabulate_ignores_terminated",
        cell="unit09_value_iteration_impl",
        find="T[s, a, s_next] += p * (1.0 - done)",
        replace="T[s, a, s_next] += p",
        expected={"unit09_value_iteration": 1.5, "unit09_policy_iteration": 1.5},
        message="V of value_iteration vs the exact V* (random_mdp_gamma_0.8 case)",
    ),
    Mutant(
        # A fixed number of sweeps instead of the stopping rule.
        name="value_iteration_fixed_100_sweeps",
        cell="unit09_value_iteration_impl",
        find="""    while True:
        V_new = (R + gamma * T @ V).max(axis=1)
        converged = np.max(np.abs(V_new - V)) < theta
        V = V_new
        if converged:
            return V, np.argmax(R + gamma * T @ V, axis=1)""",
        replace="""    for _ in range(100):
        V = (R + gamma * T @ V).max(axis=1)
    return V, np.argmax(R + gamma * T @ V, axis=1)""",
        # 100 sweeps leave an error of about 0.95^100 = 6e-3 at gamma 0.95; at 0.9 the lake's
        # values (below 1, reached in few steps) are already within 1e-6.
        expected={"unit09_value_iteration": 2.25},
        message="V of value_iteration vs the exact V* (lake_8x8_gamma_0.95 case)",
    ),
    # --- policy iteration (3 points: evaluate_policy on two cases, policy_iteration on two) --
    Mutant(
        # One Bellman sweep from zero instead of the linear solve: V^pi = R_pi.
        name="evaluate_policy_one_sweep",
        cell="unit09_policy_iteration_impl",
        find="return np.linalg.solve(np.eye(len(P)) - gamma * T_pi, R_pi)",
        replace="return R_pi + gamma * T_pi @ np.zeros(len(P))",
        expected={"unit09_policy_iteration": 0.0},
        message="evaluate_policy of a random policy vs the exact solve",
    ),
    Mutant(
        # Stops after the first improvement: returns a better policy, not the best one.
        name="policy_iteration_one_improvement",
        cell="unit09_policy_iteration_impl",
        find="policy = np.where(better, Q.argmax(axis=1), policy)",
        replace="return evaluate_policy(P, np.where(better, Q.argmax(axis=1), policy), gamma), "
        "np.where(better, Q.argmax(axis=1), policy)",
        expected={"unit09_policy_iteration": 1.5},
        message="V of policy_iteration vs the exact V*",
    ),
    # --- the Q-learning update (2 points: ordinary and terminal transitions) -----------------
    Mutant(
        # Bootstraps from the next state even when the episode has ended.
        name="q_update_bootstraps_after_termination",
        cell="unit09_q_update_impl",
        find="target = r + gamma * (1.0 - float(terminated)) * Q[s_next].max()",
        replace="target = r + gamma * Q[s_next].max()",
        expected={"unit09_q_update": 1.0},
        message="terminated=True",
    ),
    Mutant(
        # The max over the current state's actions: the wrong row of the table.
        name="q_update_max_over_current_state",
        cell="unit09_q_update_impl",
        find="target = r + gamma * (1.0 - float(terminated)) * Q[s_next].max()",
        replace="target = r + gamma * (1.0 - float(terminated)) * Q[s].max()",
        # Terminal transitions do not bootstrap, so only the ordinary ones show it. q_learning
        # learns nothing with it: the replay differs and no episode reaches the goal.
        expected={"unit09_q_update": 1.0, "unit09_q_learning": 0.0},
        message="Q after q_update on transition 0",
    ),
    # --- Q-learning (3 points: the exact replay, the success rate of frozenlake_Q) -----------
    Mutant(
        # The lake is seeded with a constant, not the seed argument: the notebook's own call
        # (seed=0) learns the reference's table, but the grader's replay on its seed differs.
        # (Leaving the lake unseeded would show the same way, but its policy is then a
        # random draw that can fall under 0.70 and cost the second check too.)
        name="q_learning_lake_seeded_with_a_constant",
        cell="unit09_q_learning_impl",
        find="s, _ = env.reset(seed=seed) if episode == 0 else env.reset()",
        replace="s, _ = env.reset(seed=0) if episode == 0 else env.reset()",
        expected={"unit09_q_learning": 2.0},
        message="q_learning on a 4x4 lake of the grader's",
    ),
    Mutant(
        # Too few episodes: the table has not settled and the greedy policy falls in holes.
        name="q_learning_trained_briefly",
        cell="unit09_q_learning_impl",
        find="frozenlake_Q = q_learning(rl.FROZEN_LAKE_4X4, 10_000, 0.1, 0.99, 1.0, 0.01, seed=0)",
        replace="frozenlake_Q = q_learning(rl.FROZEN_LAKE_4X4, 150, 0.1, 0.99, 1.0, 0.01, seed=0)",
        expected={"unit09_q_learning": 1.0},
        message="success rate of frozenlake_Q's greedy policy on 3000 episodes",
    ),
    # --- the replay buffer (3 points: lengths, the newest transitions whole, uniformity) -----
    Mutant(
        # len counts every add: past the capacity it samples rows that do not exist.
        name="replay_length_not_capped",
        cell="unit09_replay_buffer_impl",
        find="return min(self.added, self.capacity)",
        replace="return self.added",
        expected={"unit09_replay_buffer": 0.0},
        message="len(buffer) after each of 12 adds with capacity 5",
    ),
    Mutant(
        # Once full, every new transition lands in the last slot: the oldest are kept.
        name="replay_overwrites_the_newest",
        cell="unit09_replay_buffer_impl",
        find="i = self.added % self.capacity",
        replace="i = min(self.added, self.capacity - 1)",
        expected={"unit09_replay_buffer": 1.0},
        message="once full, add must overwrite the oldest",
    ),
    Mutant(
        # Draws from every slot, the empty ones too, before the buffer is full.
        name="replay_samples_empty_slots",
        cell="unit09_replay_buffer_impl",
        find="rows = rng.integers(0, len(self), size=batch_size)",
        replace="rows = rng.integers(0, self.capacity, size=batch_size)",
        # Not declared: what it costs the CartPole DQN. Trained on zero rows for a while,
        # the agent ends near the bar (whole notebook on the 2-core CPU: 1 of 4, a mean of
        # about 220 on the public episodes), so the cost depends on the machine's steps.
        expected={"unit09_replay_buffer": 2.0},
        message="no transition that was added",
    ),
    Mutant(
        # Each field drawn with its own indices: the rewards no longer belong to the states.
        name="replay_fields_from_different_transitions",
        cell="unit09_replay_buffer_impl",
        find='"r": self.r[rows]',
        replace='"r": self.r[rng.integers(0, len(self), size=batch_size)]',
        expected={"unit09_replay_buffer": 1.0},
        message='its "r" does not belong to the transition',
    ),
    # --- targets (3 points: the epsilon schedule, the DQN target, the double-DQN target) -----
    Mutant(
        # The schedule keeps falling after decay_steps, below end and then below zero.
        name="epsilon_not_held_at_end",
        cell="unit09_dqn_targets_impl",
        find="return end + (start - end) * max(0.0, 1.0 - step / decay_steps)",
        replace="return end + (start - end) * (1.0 - step / decay_steps)",
        expected={"unit09_dqn_targets": 2.0},
        message="linear_epsilon(step, 0.9, 0.1, 1000)",
    ),
    Mutant(
        # Bootstraps past the end of an episode.
        name="td_targets_without_terminal_mask",
        cell="unit09_dqn_targets_impl",
        find="return rewards + gamma * (1.0 - terminated) * next_q_target.max(axis=1)",
        replace="return rewards + gamma * next_q_target.max(axis=1)",
        # The DQN trains with it: every step bootstraps, the values only grow, and the
        # greedy policy drops the pole within ten steps.
        expected={"unit09_dqn_targets": 2.0, "unit09_cartpole_dqn": 1.0},
        message="td_targets on a batch of 16",
    ),
    Mutant(
        # "Double" DQN that still lets the target network choose: plain DQN again.
        name="double_dqn_chosen_by_the_target_network",
        cell="unit09_dqn_targets_impl",
        find="chosen = np.argmax(next_q_online, axis=1)",
        replace="chosen = np.argmax(next_q_target, axis=1)",
        expected={"unit09_dqn_targets": 2.0},
        message="double_dqn_targets on a batch of 16",
    ),
    Mutant(
        # The networks' roles swapped: the target network chooses, the online one evaluates.
        name="double_dqn_roles_swapped",
        cell="unit09_dqn_targets_impl",
        find="next_q_target[np.arange(len(chosen)), chosen]",
        replace="next_q_online[np.arange(len(chosen)), np.argmax(next_q_target, axis=1)]",
        expected={"unit09_dqn_targets": 2.0},
        message="double_dqn_targets on a batch of 16",
    ),
    # --- the loss (2 points: huber, the loss against Keras, its gradient) --------------------
    Mutant(
        # Squared error everywhere: the large TD errors get unclipped gradients.
        name="huber_is_squared_error",
        cell="unit09_dqn_loss_impl",
        find="return tf.where(small, 0.5 * tf.square(x), delta * (tf.abs(x) - 0.5 * delta))",
        replace="return 0.5 * tf.square(x)",
        expected={"unit09_dqn_loss": 0.0},
        message="huber(x, delta=1.0) elementwise",
    ),
    Mutant(
        # delta fixed at 1 in the formula: right only for the default.
        name="huber_ignores_delta",
        cell="unit09_dqn_loss_impl",
        find="return tf.where(small, 0.5 * tf.square(x), delta * (tf.abs(x) - 0.5 * delta))",
        replace="return tf.where(tf.abs(x) <= 1.0, 0.5 * tf.square(x), tf.abs(x) - 0.5)",
        expected={"unit09_dqn_loss": 0.6667},
        message="huber(x, delta=2.5) elementwise",
    ),
    Mutant(
        # Summed over the batch: the step size then grows with the batch.
        name="dqn_loss_summed",
        cell="unit09_dqn_loss_impl",
        find="return tf.reduce_mean(huber(tf.cast(targets, q_values.dtype) - taken, delta))",
        replace="return tf.reduce_sum(huber(tf.cast(targets, q_values.dtype) - taken, delta))",
        expected={"unit09_dqn_loss": 0.6667},
        message="dqn_loss on a batch of 12 with delta 1.0",
    ),
    Mutant(
        # The taken values picked in NumPy: the value is right, the tape sees no path.
        name="dqn_loss_through_numpy",
        cell="unit09_dqn_loss_impl",
        find="taken = tf.gather(q_values, tf.cast(actions, tf.int32), batch_dims=1)",
        replace="taken = tf.constant(np.take_along_axis(q_values.numpy(), np.asarray(actions)[:, None], 1)[:, 0])",
        # The DQN cannot learn through it either.
        expected={"unit09_dqn_loss": 1.3333, "unit09_cartpole_dqn": 1.0},
        message="dqn_loss has no gradient with respect to q_values",
    ),
    # --- CartPole (4 points: the network's layers, gate, the grader's 20 episodes) -----------
    Mutant(
        # A smaller network than specified: its weights do not fit the grader's copy.
        name="q_network_64_units",
        cell="unit09_cartpole_dqn_impl",
        find='keras.layers.Dense(units, activation="relu"),\n        keras.layers.Dense(units, activation="relu"),',
        replace='keras.layers.Dense(64, activation="relu"),\n        keras.layers.Dense(64, activation="relu"),',
        expected={"unit09_cartpole_dqn": 0.0},
        message="q_network(128) must be Input((4,)) -> Dense(128, relu)",
    ),
    Mutant(
        # Stopped after 1,000 steps, before the first evaluation: the network keeps its initial
        # weights, and the pole falls within a few dozen steps.
        name="cartpole_trained_briefly",
        cell="unit09_cartpole_dqn_impl",
        find="    steps=50_000,",
        replace="    steps=1_000,",
        expected={"unit09_cartpole_dqn": 1.0},
        message="mean return of cartpole_q's greedy policy on 20 CartPole-v1 episodes",
    ),
    Mutant(
        # A cheat: a hand-written controller (push towards where the pole falls) in a Lambda
        # layer, no learning at all. It balances well, but the grader plays its own copy of
        # the specified network, and this model is not that network: the gate fails, and a
        # failed gate leaves the cell nothing.
        name="cartpole_hand_written_controller",
        cell="unit09_cartpole_dqn_impl",
        find="cartpole_q = q_network()\ndqn_history = rl.train_dqn(\n    cartpole_q,",
        replace="cartpole_q = keras.Sequential([keras.Input((4,)), keras.layers.Lambda("
        "lambda s: tf.stack([-(s[:, 2] + s[:, 3]), s[:, 2] + s[:, 3]], axis=1))])\n"
        "dqn_history = rl.train_dqn(\n    q_network(), stop_at=0.0,",
        expected={"unit09_cartpole_dqn": 0.0},
        message="cartpole_q must be Input((4,))",
    ),
]

DEMO = {"planted_bug": "td_targets_without_terminal_mask", "weak_model": "cartpole_trained_briefly"}

# Restored as definitions only after a mistake's span (see autograder.authoring.packing).
# Only its own test and the lake plot read frozenlake_Q.
RESULTS_NOT_REUSED = (
    "unit09_q_learning_impl",
)
