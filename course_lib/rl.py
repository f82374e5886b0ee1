"""Reinforcement-learning pieces for unit09: FrozenLake's tables, greedy rollouts, the DQN loop.

What the student writes (value and policy iteration, the Q-learning update, the replay
buffer, the targets and the loss) stays in the notebook; this module holds what is
plumbing rather than mathematics:

- ``transition_table`` turns gymnasium's ``env.unwrapped.P`` into plain nested lists, the
  form the notebook's functions and the grader's bridge both accept;
- ``greedy_returns`` and ``success_rate`` play many episodes side by side, so judging a
  policy costs one network call per time step, not one per episode and step;
- ``train_dqn`` is the DQN loop of Mnih et al. (2015) in the form that trains CartPole in
  well under a minute on a CPU: act for a burst of steps with fixed weights, then take a
  burst of gradient steps, then copy the online network into the target network, and
  keep the weights whose greedy policy scored best.
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

FROZEN_LAKE_4X4 = ("SFFF", "FHFH", "FFFH", "HFFG")
"""gymnasium's default 4x4 map: S start, F frozen, H hole, G goal (reward 1)."""

CARTPOLE_SOLVED = 475.0
"""gymnasium's reward threshold for CartPole-v1 (episodes are cut at 500 steps)."""


def frozen_lake(desc: Sequence[str] | None = None, *, slippery: bool = True):
    """``gym.make("FrozenLake-v1")`` on ``desc`` (gymnasium's 4x4 map when None)."""
    import gymnasium as gym

    return gym.make("FrozenLake-v1", desc=list(desc or FROZEN_LAKE_4X4), is_slippery=slippery)


def transition_table(env) -> list[list[list[tuple[float, int, float, bool]]]]:
    """``P[s][a]``: the list of ``(probability, next_state, reward, terminated)`` of ``env``.

    gymnasium keeps the table as dicts of dicts with NumPy scalars; this gives plain
    Python lists and numbers, indexed the same way, so it can be sent anywhere as JSON.
    """
    P = env.unwrapped.P
    return [
        [[(float(p), int(s2), float(r), bool(done)) for p, s2, r, done in P[s][a]] for a in sorted(P[s])]
        for s in sorted(P)
    ]


def dense_relu_forward(weights: Sequence[np.ndarray], x: np.ndarray) -> np.ndarray:
    """A stack of Dense layers, ReLU between them and linear at the end, in NumPy.

    ``weights`` is ``model.get_weights()`` of such a stack (kernel, bias, kernel, bias, ...).
    Acting needs one forward pass per environment step; in NumPy it costs microseconds,
    where a Keras call costs a millisecond.
    """
    h = np.asarray(x, dtype=np.float32)
    pairs = list(zip(weights[0::2], weights[1::2]))
    for i, (kernel, bias) in enumerate(pairs):
        h = h @ kernel + bias
        if i < len(pairs) - 1:
            h = np.maximum(h, 0.0)
    return h


def greedy_returns(
    q_values: Callable[[np.ndarray], np.ndarray],
    seeds: Sequence[int],
    *,
    env_id: str = "CartPole-v1",
) -> np.ndarray:
    """The undiscounted return of the greedy policy of ``q_values`` in one episode per seed.

    Args:
        q_values: maps observations ``(n, obs_dim)`` to action values ``(n, n_actions)``.
        seeds: each episode starts from ``env.reset(seed=seed)``.
        env_id: a gymnasium environment with a Box observation and Discrete actions.

    Returns:
        float64 ``(len(seeds),)``, the sum of rewards until termination or truncation.
    """
    import gymnasium as gym

    envs = [gym.make(env_id) for _ in seeds]
    obs = np.stack([env.reset(seed=int(seed))[0] for env, seed in zip(envs, seeds)])
    returns = np.zeros(len(envs))
    running = np.ones(len(envs), dtype=bool)
    while running.any():
        actions = np.argmax(np.asarray(q_values(obs)), axis=1)
        for i in np.flatnonzero(running):
            obs[i], reward, terminated, truncated, _ = envs[i].step(int(actions[i]))
            returns[i] += reward
            running[i] = not (terminated or truncated)
    for env in envs:
        env.close()
    return returns


def success_rate(policy: Sequence[int], seeds: Sequence[int], desc: Sequence[str] | None = None) -> float:
    """The fraction of FrozenLake episodes (slippery) that ``policy[state]`` ends in the goal."""
    env = frozen_lake(desc)
    policy = np.asarray(policy, dtype=int)
    wins = 0.0
    for seed in seeds:
        state, _ = env.reset(seed=int(seed))
        done = False
        while not done:
            state, reward, terminated, truncated, _ = env.step(int(policy[state]))
            done = terminated or truncated
        wins += reward
    return wins / len(seeds)


def train_dqn(
    q_network,
    *,
    buffer: Any,
    epsilon: Callable[[int], float],
    targets: Callable[..., np.ndarray],
    loss: Callable,
    optimizer,
    steps: int = 50_000,
    gamma: float = 0.99,
    burst: int = 256,
    updates_per_burst: int = 128,
    batch_size: int = 64,
    warmup: int = 1_000,
    eval_every: int = 2_560,
    eval_episodes: int = 10,
    stop_at: float = 500.0,
    seed: int = 0,
    env_id: str = "CartPole-v1",
    verbose: bool = True,
) -> dict[str, Any]:
    """Train ``q_network`` by DQN and leave in it the weights whose greedy policy did best.

    Every ``burst`` environment steps taken with the ε-greedy policy of fixed weights, the
    loop takes ``updates_per_burst`` gradient steps on minibatches from ``buffer`` and then
    copies the online network into the target network. Every ``eval_every`` steps it plays
    ``eval_episodes`` greedy episodes (seeds of its own); the best weights so far are kept
    (ties go to the later ones), and training stops once their mean return reaches ``stop_at``.

    Args:
        q_network: a Keras stack of Dense layers, ReLU hidden and linear output, mapping
            observations to one value per action.
        buffer: has ``add(s, a, r, s2, terminated)``, ``len()`` and
            ``sample(batch_size, rng)`` returning a dict of arrays keyed
            ``"s", "a", "r", "s2", "terminated"``.
        epsilon: environment step → exploration rate.
        targets: ``(rewards, next_q_online, next_q_target, terminated, gamma)`` → the
            regression targets ``(batch,)``; gets NumPy arrays: ``next_q_target`` from
            the target network, ``next_q_online`` from the online network as it is at
            that update.
        loss: ``(q_values, actions, targets)`` → scalar, in TensorFlow ops (it is
            differentiated).
        optimizer: a Keras optimizer.

    Returns:
        ``episode_returns`` and ``episode_ends`` (the step each training episode ended),
        ``eval_steps`` and ``eval_returns`` (mean greedy return), ``best_return``,
        ``best_step`` and ``seconds``.
    """
    import gymnasium as gym
    import keras
    import tensorflow as tf

    rng = np.random.default_rng(seed)
    target_network = keras.models.clone_model(q_network)
    target_network.set_weights(q_network.get_weights())
    eval_seeds = [10_000 * (seed + 1) + i for i in range(eval_episodes)]

    @tf.function(reduce_retracing=True)
    def update(s, a, y, s2_next):
        """One gradient step, then the updated online values of the next batch's s2."""
        with tf.GradientTape() as tape:
            value = loss(q_network(s, training=True), a, y)
        grads = tape.gradient(value, q_network.trainable_variables)
        optimizer.apply_gradients(zip(grads, q_network.trainable_variables))
        return q_network(s2_next, training=False)

    env = gym.make(env_id)
    obs, _ = env.reset(seed=seed)
    weights = q_network.get_weights()
    history: dict[str, Any] = {"episode_returns": [], "episode_ends": [], "eval_steps": [], "eval_returns": []}
    best_return, best_step, best_weights = -np.inf, 0, weights
    episode_return, step, started = 0.0, 0, time.perf_counter()
    while step < steps:
        for _ in range(burst):
            if rng.random() < epsilon(step):
                action = int(rng.integers(env.action_space.n))
            else:
                action = int(np.argmax(dense_relu_forward(weights, obs[None])[0]))
            next_obs, reward, terminated, truncated, _ = env.step(action)
            buffer.add(obs, action, float(reward), next_obs, bool(terminated))
            obs, episode_return, step = next_obs, episode_return + reward, step + 1
            if terminated or truncated:
                history["episode_returns"].append(episode_return)
                history["episode_ends"].append(step)
                obs, episode_return = env.reset()[0], 0.0
        if len(buffer) >= warmup:
            target_weights = target_network.get_weights()
            batch = buffer.sample(batch_size, rng)
            # The online values of s2 come from the network as it is at each update (double
            # DQN needs them; at the start of a burst the two networks are equal).
            next_online = dense_relu_forward(weights, batch["s2"])
            for k in range(updates_per_burst):
                following = buffer.sample(batch_size, rng) if k + 1 < updates_per_burst else batch
                next_target = dense_relu_forward(target_weights, batch["s2"])
                y = targets(np.asarray(batch["r"], np.float32), next_online, next_target,
                            np.asarray(batch["terminated"], np.float32), gamma)  # fmt: skip
                next_online = update(tf.constant(batch["s"], tf.float32), tf.constant(batch["a"], tf.int32),
                                     tf.constant(np.asarray(y), tf.float32),
                                     tf.constant(following["s2"], tf.float32)).numpy()  # fmt: skip
                batch = following
            target_network.set_weights(q_network.get_weights())
            weights = q_network.get_weights()
        if step % eval_every < burst:
            score = float(greedy_returns(functools.partial(dense_relu_forward, weights), eval_seeds, env_id=env_id).mean())
            history["eval_steps"].append(step)
            history["eval_returns"].append(score)
            if score >= best_return:
                best_return, best_step, best_weights = score, step, weights
            if verbose:
                print(f"step {step:6d}  epsilon {epsilon(step):.2f}  greedy return {score:5.1f}  "
                      f"best {best_return:5.1f}  ({time.perf_counter() - started:.0f} s)", file=sys.stdout)  # fmt: skip
            if best_return >= stop_at:
                break
    q_network.set_weights(best_weights)
    history.update(best_return=best_return, best_step=best_step, seconds=time.perf_counter() - started)
    return history
