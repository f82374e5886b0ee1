"""Hidden checks for unit03_minibatch_sgd: the batch gradient and mini-batch SGD, replayed.

``batch_gradient`` is compared with the least-squares formula on grader data (and the
public check's finite-difference case). ``run_sgd`` is replayed on grader problems against
a reference run of the notebook's spec (one ``np.random.default_rng(seed)``, a permutation
per epoch, the last, smaller batch kept, the full loss recorded before the first step and
after each one): ``theta``, ``examples`` and ``loss`` to a relative 1e-9. ``seconds`` is a
wall-clock measurement, so only its form is checked. Seeds 3601-3609.
"""

import numpy as np
import pytest

from autograder.checks.unit03.common import public_least_squares
from autograder.contract.kit import rng
from course_lib.testing import CheckFailure, as_array, assert_close, assert_shape

RTOL = 1e-9


def least_squares(seed: int, n: int, d: int):
    gen = rng(seed)
    return gen.normal(size=(n, d)), gen.normal(size=n), gen.normal(size=d)


def full_loss(X, t, theta) -> float:
    return 0.5 * float(np.mean((X @ theta - t) ** 2))


def reference_run(X, t, theta0, *, batch_size, learning_rate, epochs, seed=0):
    theta = np.array(theta0, dtype=np.float64)
    gen = np.random.default_rng(seed)
    examples, losses = [0], [full_loss(X, t, theta)]
    for _ in range(epochs):
        order = gen.permutation(len(X))
        for start in range(0, len(X), batch_size):
            rows = order[start : start + batch_size]
            theta = theta - learning_rate * X[rows].T @ (X[rows] @ theta - t[rows]) / len(rows)
            examples.append(examples[-1] + len(rows))
            losses.append(full_loss(X, t, theta))
    return {"theta": theta, "examples": examples, "loss": losses}


# name: (problem, keyword arguments of run_sgd)
RUNS = {
    "one_full_batch": (
        public_least_squares(),
        {"batch_size": 5, "learning_rate": 0.1, "epochs": 1},
    ),
    "single_examples": (
        least_squares(3601, 7, 4),
        {"batch_size": 1, "learning_rate": 0.05, "epochs": 2, "seed": 3602},
    ),
    "last_batch_smaller": (
        least_squares(3603, 23, 5),
        {"batch_size": 5, "learning_rate": 0.08, "epochs": 3, "seed": 3604},
    ),
}


def student_run(submission, case: str) -> dict:
    (X, t, theta0), kwargs = RUNS[case]
    result = submission.call("run_sgd", X, t, theta0, **kwargs)
    if not isinstance(result, dict):
        raise CheckFailure(f"run_sgd must return a dict, got {type(result).__name__}")
    missing = [k for k in ("theta", "examples", "loss", "seconds") if k not in result]
    if missing:
        raise CheckFailure(f"run_sgd's dict lacks the keys {missing}")
    return result


def describe(case: str) -> str:
    (X, _, _), kwargs = RUNS[case]
    arguments = ", ".join(f"{k}={v}" for k, v in kwargs.items())
    return f"run_sgd on {len(X)} rows ({arguments})"


def test_batch_gradient_public_case(submission):
    X, t, theta = public_least_squares()
    assert_close(
        submission.call("batch_gradient", theta, X, t),
        X.T @ (X @ theta - t) / len(t),
        rtol=RTOL,
        name="batch_gradient on the public 5-row problem",
        causes={5.0: "the gradient of the mean: divide X^T (X theta - t) by the batch size"},
    )


def test_batch_gradient_matches_formula(submission):
    X, t, theta = least_squares(3605, 17, 6)
    assert_close(
        submission.call("batch_gradient", theta, X, t),
        X.T @ (X @ theta - t) / len(t),
        rtol=RTOL,
        name="batch_gradient on 17 rows of 6 features: X^T (X theta - t) / 17",
        causes={17.0: "the gradient of the mean: divide X^T (X theta - t) by the batch size"},
    )


@pytest.mark.parametrize("case", list(RUNS), ids=list(RUNS))
def test_run_matches_reference(submission, case):
    (X, t, theta0), kwargs = RUNS[case]
    got = student_run(submission, case)
    expected = reference_run(X, t, theta0, **kwargs)
    steps = len(expected["examples"])
    what = describe(case)
    assert_shape(
        got["examples"],
        (steps,),
        name=f'{what}["examples"] (one entry before the first step, one per step)',
    )
    assert_close(
        got["examples"], expected["examples"], rtol=0.0, atol=0.0, name=f'{what}["examples"]'
    )
    assert_close(
        got["theta"],
        expected["theta"],
        rtol=RTOL,
        atol=1e-12,
        name=f'{what}["theta"] vs a reference run of the spec (one default_rng(seed), a '
        "permutation per epoch, the last batch kept)",
    )
    assert_close(
        got["loss"],
        expected["loss"],
        rtol=RTOL,
        atol=1e-12,
        name=f'{what}["loss"] (the full training loss)',
    )


def test_seconds_is_a_running_clock(submission):
    for case in RUNS:
        got = student_run(submission, case)
        seconds = as_array(got["seconds"], name=f'{describe(case)}["seconds"]').astype(np.float64)
        (X, _, _), kwargs = RUNS[case]
        steps = (
            kwargs["epochs"] * -(-len(X) // kwargs["batch_size"]) + 1
        )  # an entry per step, and one before
        assert_shape(seconds, (steps,), name=f'{describe(case)}["seconds"]')
        if seconds[0] != 0.0 or np.any(np.diff(seconds) < 0) or not np.all(np.isfinite(seconds)):
            raise CheckFailure(
                f'{describe(case)}["seconds"] must start at 0 and never decrease (time spent in '
                f"the steps so far), got {np.array2string(seconds[:6], precision=3)}"
            )
