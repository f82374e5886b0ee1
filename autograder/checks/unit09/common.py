"""What unit09's checks share: decision processes the notebook never sees, and their exact
solutions computed here by linear algebra.

A random decision process (``random_mdp``) has terminal transitions into states that are
*not* absorbing, so a solution that ignores the ``terminated`` flag gets values visibly
wrong; on FrozenLake it would not show, because gymnasium's holes and goal loop on
themselves with reward 0. The lakes are gymnasium's 8x8 map and maps drawn by
``generate_random_map`` from seeds of the grader's.
"""

from __future__ import annotations

import numpy as np

from autograder.contract.kit import rng
from course_lib import rl

Table = list[list[list[tuple[float, int, float, bool]]]]


def lake(desc: list[str] | tuple[str, ...] | None = None) -> Table:
    return rl.transition_table(rl.frozen_lake(desc))


def eight_by_eight() -> Table:
    from gymnasium.envs.toy_text.frozen_lake import MAPS

    return lake(MAPS["8x8"])


def random_lake(size: int, seed: int) -> list[str]:
    from gymnasium.envs.toy_text.frozen_lake import generate_random_map

    return generate_random_map(size=size, p=0.8, seed=seed)


def random_mdp(seed: int, n_states: int = 7, n_actions: int = 3) -> Table:
    """Each (s, a) leads to 2-3 successors (one may repeat) with random rewards; about a
    third of the entries are terminal."""
    gen = rng(seed)
    table: Table = []
    for _ in range(n_states):
        row = []
        for _ in range(n_actions):
            k = int(gen.integers(2, 4))
            p = gen.dirichlet(np.ones(k))
            successors = gen.integers(0, n_states, size=k)
            successors[-1] = successors[0] if gen.random() < 0.3 else successors[-1]
            row.append([(float(p[i]), int(successors[i]), float(np.round(gen.normal(), 3)), bool(gen.random() < 0.3))
                        for i in range(k)])  # fmt: skip
        table.append(row)
    return table


def arrays(P: Table) -> tuple[np.ndarray, np.ndarray]:
    """(T, R): continuation probabilities and expected rewards, accumulated entry by entry."""
    S, A = len(P), len(P[0])
    T, R = np.zeros((S, A, S)), np.zeros((S, A))
    for s in range(S):
        for a in range(A):
            for p, s2, r, done in P[s][a]:
                R[s, a] += p * r
                if not done:
                    T[s, a, s2] += p
    return T, R


def policy_values(P: Table, policy: np.ndarray, gamma: float) -> np.ndarray:
    T, R = arrays(P)
    rows = np.arange(len(P))
    return np.linalg.solve(np.eye(len(P)) - gamma * T[rows, policy], R[rows, policy])


def optimal(P: Table, gamma: float) -> tuple[np.ndarray, np.ndarray]:
    """(V*, Q*) by policy iteration with exact solves; verified by the Bellman residual."""
    T, R = arrays(P)
    policy = np.zeros(len(P), dtype=int)
    for _ in range(1000):
        V = policy_values(P, policy, gamma)
        Q = R + gamma * T @ V
        improve = Q.max(axis=1) > Q[np.arange(len(P)), policy] + 1e-12
        if not improve.any():
            break
        policy = np.where(improve, Q.argmax(axis=1), policy)
    residual = np.max(np.abs(Q.max(axis=1) - V))
    if residual > 1e-9:
        raise RuntimeError(f"the grader's policy iteration left a Bellman residual of {residual:g}")
    return V, Q


def assert_optimal_policy(policy, Q: np.ndarray, *, name: str) -> None:
    """Every state's action is a best action of Q* (ties allowed)."""
    from course_lib.testing import CheckFailure

    policy = np.asarray(policy)
    if policy.shape != (Q.shape[0],) or not np.issubdtype(policy.dtype, np.integer):
        raise CheckFailure(f"{name}: expected an int array of shape ({Q.shape[0]},), got "
                           f"{policy.dtype} {policy.shape}")  # fmt: skip
    if policy.min() < 0 or policy.max() >= Q.shape[1]:
        raise CheckFailure(f"{name}: actions must lie in 0..{Q.shape[1] - 1}, got {policy}")
    loss = Q.max(axis=1) - Q[np.arange(len(policy)), policy]
    bad = np.flatnonzero(loss > 1e-6)
    if bad.size:
        s = int(bad[0])
        raise CheckFailure(f"{name} is not greedy with respect to Q*: in state {s} it takes action "
                           f"{int(policy[s])} (Q* {Q[s, policy[s]]:.6f}), the best is {int(Q[s].argmax())} "
                           f"(Q* {Q[s].max():.6f}); {bad.size} states are off")  # fmt: skip
