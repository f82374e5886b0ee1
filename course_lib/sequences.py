"""Generated sequence tasks for unit08: the adding problem and sequence reversal.

Both are classics because their answer is known exactly and their difficulty is a dial:

- **adding problem** (Hochreiter & Schmidhuber, 1997): each step carries a value in
  [0, 1] and a marker; exactly two steps are marked, one in each half of the sequence,
  and the target is the sum of the two marked values. Predicting the mean, 1.0, gives a
  mean squared error of Var(U1 + U2) = 2/12 = 1/6; beating it means carrying a value
  across up to ``length`` steps, which is what a simple RNN cannot learn.
- **reversal**: a sequence of tokens and its reverse. Every output position depends on
  exactly one input position, chosen by position alone: a task for attention with
  positional information.

The generators take a NumPy ``Generator``, so the notebook draws training data with its
seed and the grader draws fresh sequences with seeds of its own.
"""

from __future__ import annotations

import numpy as np

ADDING_BASELINE_MSE = 1.0 / 6.0
"""Mean squared error of always predicting 1.0, the mean of the target."""


def _check_rng(rng) -> None:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator (np.random.default_rng(seed)), "
                        f"got {type(rng).__name__}")  # fmt: skip


def adding_problem(n: int, length: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` adding-problem sequences.

    Args:
        n: number of sequences.
        length: steps per sequence, even and at least 2.
        rng: where the values and marker positions come from.

    Returns:
        ``(x, y)``: x float32 ``(n, length, 2)`` with the values in channel 0 and the
        markers (0 or 1) in channel 1; y float32 ``(n, 1)``, the sum of the two marked
        values.
    """
    _check_rng(rng)
    if length < 2 or length % 2:
        raise ValueError(f"length must be even and at least 2, got {length}")
    values = rng.uniform(0.0, 1.0, size=(n, length))
    half = length // 2
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, length, size=n)
    markers = np.zeros((n, length))
    markers[np.arange(n), first] = 1.0
    markers[np.arange(n), second] = 1.0
    x = np.stack([values, markers], axis=-1).astype(np.float32)
    y = (values * markers).sum(axis=1, keepdims=True).astype(np.float32)
    return x, y


def reversal(n: int, length: int, vocab: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` token sequences and their reverses.

    Returns:
        ``(x, y)``, both int32 ``(n, length)`` with tokens in ``0 .. vocab - 1`` and
        ``y[:, t] == x[:, length - 1 - t]``.
    """
    _check_rng(rng)
    if length < 1 or vocab < 2:
        raise ValueError(f"need length >= 1 and vocab >= 2, got length={length}, vocab={vocab}")
    x = rng.integers(0, vocab, size=(n, length)).astype(np.int32)
    return x, np.ascontiguousarray(x[:, ::-1])
