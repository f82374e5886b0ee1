"""What unit03's checks share: the test problems, Keras reference runs, class-source checks,
and float64 references for section 3 (line search, BFGS update, the BFGS loop).

The problems come from :mod:`course_lib.problems`, which the notebook imports too: from
the same plain dictionaries the checks send to the notebook, a student's optimizer and
Keras' see bit-identical gradients.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from autograder.contract.kit import float64, rng
from autograder.contract.scratch import assert_written_from_scratch
from autograder.contract.submission import Submission
from course_lib.problems import describe, make_problem, rotated_quadratic
from course_lib.testing import assert_close

# keras.optimizers classes: a from-scratch optimizer may not use (or inherit) any of them.
KERAS_OPTIMIZER_NAMES = frozenset(
    {"SGD", "RMSprop", "Adam", "AdamW", "Adamax", "Nadam", "Adagrad", "Adadelta",
     "Adafactor", "Ftrl", "Lion", "Lamb", "Muon", "LossScaleOptimizer"}
)  # fmt: skip

# Trajectories agree to rounding when the hyperparameters are exact in float32 (Keras casts
# some of them through float32); a wrong rule is off by far more within a few steps.
TRAJECTORY_RTOL, TRAJECTORY_ATOL = 1e-9, 1e-12
STEPS = 100


def quadratic_spec(seed: int, eigenvalues: Iterable[float]) -> dict:
    """A quadratic problem with a random rotation of the given Hessian spectrum."""
    return rotated_quadratic(rng(seed), eigenvalues)


def numpy_problem(spec: dict) -> tuple[Callable, Callable]:
    """``(f, grad)`` in NumPy, for SciPy and for the line-search reference."""
    problem = make_problem(spec)
    return problem.f, problem.grad


def keras_trajectory(
    make_optimizer: Callable, spec: dict, x0: np.ndarray, steps: int
) -> np.ndarray:
    """Every iterate of a Keras optimizer from ``x0``, in float64."""
    from course_lib.optimizers import trajectory

    with float64():
        return trajectory(
            make_optimizer(), make_problem(spec).f_ops, np.asarray(x0, np.float64), steps
        )


def assert_matches_keras(
    submission: Submission,
    class_name: str,
    hyperparameters: dict,
    keras_name: str,
    make_keras: Callable,
    spec: dict,
    x0: np.ndarray,
    steps: int = STEPS,
) -> None:
    """The student's class and the Keras optimizer visit the same points for ``steps``.

    A class that is not written from scratch earns nothing for matching Keras: it fails
    here too (and in its own source check).
    """
    assert_from_scratch(submission, class_name)
    expected = keras_trajectory(make_keras, spec, x0, steps)
    if not np.all(np.isfinite(expected)):
        raise RuntimeError(f"check inputs diverge for {keras_name} on {describe(spec)}")
    got = np.asarray(
        submission.call("run_optimizer", class_name, hyperparameters, spec, x0, steps),
        dtype=np.float64,
    )
    label = f"{class_name}({_kwargs(hyperparameters)}) vs {keras_name} on {describe(spec)}"
    if got.shape == expected.shape:
        close = np.isclose(got, expected, rtol=TRAJECTORY_RTOL, atol=TRAJECTORY_ATOL)
        bad_rows = np.flatnonzero(~close.all(axis=1))
        if bad_rows.size:
            label += f", first differing iterate: step {bad_rows[0]} of {steps} (index (step, coordinate))"
    assert_close(got, expected, rtol=TRAJECTORY_RTOL, atol=TRAJECTORY_ATOL, name=label)


def _kwargs(values: dict) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in values.items())


def assert_from_scratch(submission: Submission, class_name: str) -> None:
    """``class_name`` subclasses ScratchOptimizer and never names a Keras optimizer."""
    assert_written_from_scratch(
        submission,
        class_name,
        base="ScratchOptimizer",
        forbidden=KERAS_OPTIMIZER_NAMES,
        why="write the update rule yourself; Keras' optimizers are what the checks compare it with",
    )


# The optimizer checks' problems: two rotated quadratics (one ill-conditioned, one with a
# flat direction) and a 3-D Rosenbrock valley, each with its own start.
ILL_QUADRATIC = quadratic_spec(3301, [0.5, 1.0, 4.0, 12.0])
FLAT_QUADRATIC = quadratic_spec(3302, [0.05, 0.3, 2.0])
ROSENBROCK = {"name": "rosenbrock", "scale": 10.0}
STARTS = {
    "ill_quadratic": rng(3303).normal(size=4),
    "flat_quadratic": rng(3304).normal(scale=2.0, size=3),
    "rosenbrock": np.array([-0.8, 0.6, 0.2]),
}
PROBLEMS = {
    "ill_quadratic": ILL_QUADRATIC,
    "flat_quadratic": FLAT_QUADRATIC,
    "rosenbrock": ROSENBROCK,
}


def optimizer_cases(class_name: str, keras_name: str, make_keras: Callable, hyper: dict) -> dict:
    """id -> (class, hyperparameters, Keras name, factory, problem, start), one per problem.

    ``hyper`` maps each problem name to the hyperparameters used on it.
    """
    return {
        f"{class_name}-{problem}": (
            class_name,
            hyper[problem],
            keras_name,
            make_keras,
            PROBLEMS[problem],
            STARTS[problem],
        )
        for problem in PROBLEMS
    }


# Section 3's references, written from the notebook's spec (not from its solution): the
# line search, the update and the BFGS loop, so the BFGS checks can replay the algorithm.


def reference_alpha(spec, x, d, alpha0=1.0, shrink=0.5, c=1e-4, max_steps=60) -> float:
    """The first of alpha0, alpha0 shrink, ... (max_steps trials) meeting Armijo, else the last."""
    f, grad = numpy_problem(spec)
    fx, slope = f(x), grad(x) @ d
    trials = [alpha0]
    for _ in range(max_steps - 1):
        trials.append(trials[-1] * shrink)
    for alpha in trials:
        if f(x + alpha * d) <= fx + c * alpha * slope:
            return alpha
    return trials[-1]


def reference_update(H, s, y) -> np.ndarray:
    """(I - rho s y^T) H (I - rho y s^T) + rho s s^T with rho = 1 / (y.s)."""
    rho = 1.0 / (y @ s)
    V = np.eye(len(s)) - rho * np.outer(s, y)
    return V @ H @ V.T + rho * np.outer(s, s)


def reference_bfgs(spec, x0, gtol=1e-8, max_iter=1000) -> tuple[np.ndarray, list[int]]:
    """Section 3c step by step: every iterate (nit + 1, n) and the iterations whose
    update was skipped (1-based) because the curvature condition y.s > 0 failed."""
    _, grad = numpy_problem(spec)
    x = np.asarray(x0, dtype=np.float64).copy()
    g, H, scaled = grad(x), np.eye(x.size), False
    iterates, skipped = [x.copy()], []
    while np.linalg.norm(g) > gtol and len(iterates) <= max_iter:
        d = -H @ g
        s = reference_alpha(spec, x, d) * d
        x_new = x + s
        g_new = grad(x_new)
        y = g_new - g
        if y @ s > 0:
            if not scaled:  # rescale H0 before the first update that happens
                H, scaled = (y @ s) / (y @ y) * np.eye(x.size), True
            H = reference_update(H, s, y)
        else:
            skipped.append(len(iterates))
        x, g = x_new, g_new
        iterates.append(x.copy())
    return np.array(iterates), skipped


def public_least_squares() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X, t, theta) of section 5's public checks: 5 rows, 3 features (their seed, 6)."""
    gen = np.random.default_rng(6)
    return gen.normal(size=(5, 3)), gen.normal(size=5), gen.normal(size=3)
