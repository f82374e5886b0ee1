"""Hidden checks for unit03_line_search: backtracking with the Armijo condition.

The returned step must satisfy the Armijo condition and be the first acceptable trial of
alpha0, alpha0 * shrink, alpha0 * shrink^2, ... (compared with a reference loop). Two
checks reach what generic inputs never do: a trial that meets the condition with
equality, and the documented fallback when none of the max_steps trials is acceptable.
"""

import numpy as np
import pytest

from autograder.checks.unit03.common import numpy_problem, quadratic_spec, reference_alpha
from autograder.contract.kit import rng
from course_lib.testing import CheckFailure, assert_close


def _rosenbrock_steepest():
    spec = {"name": "rosenbrock", "scale": 100.0}
    x = np.array([-1.2, 1.0])
    return spec, x, -numpy_problem(spec)[1](x), {}


def _quadratic_strict():
    # Steepest descent with a demanding c = 0.45: a step of 1.6 times the exact line
    # minimum decreases f but not by enough; the first acceptable trial is 0.8 times it.
    spec = quadratic_spec(3341, [0.5, 2.0, 9.0])
    x = rng(3342).normal(size=3)
    g = numpy_problem(spec)[1](x)
    exact = (g @ g) / (g @ spec["A"] @ g)
    return spec, x, -g, {"alpha0": 1.6 * exact, "c": 0.45}


def _custom_parameters():
    # The Newton direction with alpha0 = 4, shrink = 0.3, c = 0.2: trials 4 (rejected), 1.2.
    spec = quadratic_spec(3343, [1.0, 3.0, 5.0, 8.0])
    x = rng(3344).normal(size=4)
    d = np.linalg.solve(spec["A"], spec["b"] - spec["A"] @ x)
    return spec, x, d, {"alpha0": 4.0, "shrink": 0.3, "c": 0.2}


CASES = {
    "rosenbrock_steepest_descent": _rosenbrock_steepest(),
    "quadratic_c_0.45": _quadratic_strict(),
    "quadratic_alpha0_4_shrink_0.3": _custom_parameters(),
}


def _settings(kwargs: dict) -> str:
    full = {"alpha0": 1.0, "shrink": 0.5, "c": 1e-4, **kwargs}
    return ", ".join(f"{k}={v:.6g}" for k, v in full.items())


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_armijo(submission, case):
    spec, x, d, kwargs = CASES[case]
    alpha = submission.call("backtracking_line_search", spec, x, d, **kwargs)
    alpha = float(np.asarray(alpha))
    f, grad = numpy_problem(spec)
    c = kwargs.get("c", 1e-4)
    bound = f(x) + c * alpha * (grad(x) @ d)
    if not (alpha > 0 and f(x + alpha * d) <= bound + 1e-12 * abs(bound)):
        raise CheckFailure(
            f"backtracking_line_search on {case} ({_settings(kwargs)}) returned alpha = "
            f"{alpha:.6g}, which violates the Armijo condition: f(x + alpha d) = "
            f"{f(x + alpha * d):.10g} > f(x) + c alpha grad.d = {bound:.10g}"
        )


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_first_acceptable(submission, case):
    spec, x, d, kwargs = CASES[case]
    alpha = submission.call("backtracking_line_search", spec, x, d, **kwargs)
    assert_close(
        np.asarray(alpha, dtype=np.float64),
        reference_alpha(spec, x, d, **kwargs),
        rtol=1e-12,
        atol=0.0,
        name=f"alpha on {case} ({_settings(kwargs)}): the first of alpha0 * shrink^k "
        "that satisfies Armijo",
    )


def test_armijo_equality_accepts(submission):
    """The condition is ``<=``: a trial meeting it with equality is accepted.

    f(x) = 2 x^2 from x = 1 along d = -1 with c = 3/4, everything exact in binary: alpha = 1
    fails (f = 0 > -1), alpha = 1/2 gives f = 1/2, exactly f(1) + c alpha f'(1) d = 2 - 3/2.
    A strict ``<`` rejects it and returns 1/4; generic inputs never land on the equality.
    """
    spec = {"name": "quadratic", "A": np.array([[4.0]]), "b": np.zeros(1)}
    alpha = submission.call(
        "backtracking_line_search", spec, np.array([1.0]), np.array([-1.0]), c=0.75
    )
    assert_close(
        np.asarray(alpha, dtype=np.float64),
        0.5,
        rtol=0.0,
        atol=0.0,
        name="alpha for 2 x^2 from x = 1 along d = -1 with c = 0.75, where alpha = 1/2 meets "
        "Armijo with equality (f = 1/2 = f(x) + c alpha f'(x) d): accept when f <= bound, "
        "not only when f < bound",
    )


def _no_acceptable_trial(max_steps):
    # Steepest descent on a quadratic with alpha0 = 100 times the exact line minimum: a
    # trial t times the minimum meets Armijo only for t <= 2 (1 - c), so the first five
    # (100, 50, 25, 12.5, 6.25) all fail.
    spec = quadratic_spec(3347, [1.0, 2.5, 6.0])
    x = rng(3348).normal(size=3)
    g = numpy_problem(spec)[1](x)
    exact = (g @ g) / (g @ spec["A"] @ g)
    return spec, x, -g, {"alpha0": 100.0 * exact, "max_steps": max_steps}


def test_no_acceptable_trial(submission):
    """The documented fallback: after max_steps rejected trials, return the last trial,
    alpha0 shrink^(max_steps - 1), neither one shrink more (a loop of max_steps shrinks),
    nor a step found by searching on past max_steps."""
    for max_steps in (5, 1):
        spec, x, d, kwargs = _no_acceptable_trial(max_steps)
        alpha = submission.call("backtracking_line_search", spec, x, d, **kwargs)
        expected = reference_alpha(spec, x, d, **kwargs)
        assert_close(
            np.asarray(alpha, dtype=np.float64),
            expected,
            rtol=1e-12,
            atol=0.0,
            name=f"alpha when none of the max_steps = {max_steps} trials meets Armijo "
            f"({_settings(kwargs)}): the last trial, alpha0 * shrink^{max_steps - 1} "
            f"= {expected:.6g}",
        )
