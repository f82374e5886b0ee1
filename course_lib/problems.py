"""Test functions for optimizers: rotated quadratics and the Rosenbrock valley.

unit03's notebook and its checks build every problem here, from the same plain
dictionaries (``{"name": "quadratic", "A": A, "b": b}``, ``{"name": "rosenbrock",
"scale": s}``), so an optimizer run in the notebook and the same optimizer run by a check
see bit-identical values and gradients.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple

import numpy as np


class Problem(NamedTuple):
    """A test function: f and its gradient in NumPy, and f in ``keras.ops``."""

    f: Callable  # (n,) array -> float
    grad: Callable  # (n,) array -> (n,) array
    f_ops: Callable  # (n,) tensor -> scalar tensor, differentiable by TensorFlow


def quadratic(A, b) -> Problem:
    """f(x) = x.A.x / 2 - b.x for a symmetric positive definite A (n, n) and b (n,)."""
    from keras import ops

    A, b = np.asarray(A, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return Problem(
        f=lambda x: 0.5 * x @ A @ x - b @ x,
        grad=lambda x: A @ x - b,
        f_ops=lambda x: 0.5 * ops.sum(x * ops.matmul(A, x)) - ops.sum(b * x),
    )


def rosenbrock(scale: float = 100.0) -> Problem:
    """f(x) = sum_i scale (x[i+1] - x[i]^2)^2 + (1 - x[i])^2, minimum at (1, ..., 1)."""
    from keras import ops

    def f(x):
        return float(np.sum(scale * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2))

    def grad(x):
        inner = x[1:] - x[:-1] ** 2
        g = np.zeros_like(x)
        g[:-1] = -4.0 * scale * x[:-1] * inner - 2.0 * (1.0 - x[:-1])
        g[1:] += 2.0 * scale * inner
        return g

    def f_ops(x):
        return ops.sum(scale * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)

    return Problem(f, grad, f_ops)


def make_problem(spec) -> Problem:
    """A Problem from ``{"name": "quadratic", "A": ..., "b": ...}`` or
    ``{"name": "rosenbrock", "scale": ...}`` (a Problem is returned as it is).

    Raises:
        ValueError: for another name.
    """
    if isinstance(spec, Problem):
        return spec
    if spec["name"] == "quadratic":
        return quadratic(spec["A"], spec["b"])
    if spec["name"] == "rosenbrock":
        return rosenbrock(float(spec.get("scale", 100.0)))
    raise ValueError(f"unknown problem {spec['name']!r}; use 'quadratic' or 'rosenbrock'")


def rotated_quadratic(rng: np.random.Generator, eigenvalues: Iterable[float]) -> dict:
    """A quadratic's spec whose Hessian has the given spectrum in a random rotation."""
    eigenvalues = np.asarray(list(eigenvalues), dtype=np.float64)
    q, _ = np.linalg.qr(rng.normal(size=(eigenvalues.size, eigenvalues.size)))
    A = q @ np.diag(eigenvalues) @ q.T
    return {"name": "quadratic", "A": (A + A.T) / 2.0, "b": rng.normal(size=eigenvalues.size)}


def describe(spec: dict) -> str:
    """A short name for a problem spec, for messages and plot titles."""
    if spec["name"] == "quadratic":
        lam = np.linalg.eigvalsh(spec["A"])
        return f"a {lam.size}-D quadratic with Hessian eigenvalues {lam[0]:.3g}..{lam[-1]:.3g}"
    return f"the Rosenbrock function with scale {spec.get('scale', 100.0):g}"
