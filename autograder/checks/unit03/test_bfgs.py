"""Hidden checks for unit03_bfgs: the student's BFGS against scipy.optimize.minimize and,
step by step, against the algorithm section 3c spells out.

Minimisers are compared on rotated quadratics and Rosenbrock functions. A wrong algorithm
(no H0 rescaling, no curvature test) still finds the same minimiser, so the iterates are
also compared one by one with :func:`common.reference_bfgs`: ``bfgs(..., max_iter=k)``
stops after k iterations, and its ``x`` is the k-th iterate. The stopping rules (gtol,
max_iter, a start at the minimum) and ``nit`` are checked too. The minimiser must be the
student's own: it calls bfgs_update and backtracking_line_search and no SciPy optimiser;
one that does not earns nothing for matching SciPy.
"""

import numpy as np
import pytest
from scipy.optimize import minimize

from autograder.checks.unit03.common import (
    describe,
    numpy_problem,
    quadratic_spec,
    reference_bfgs,
)
from autograder.contract.kit import assert_no_forbidden_names, names_used, rng
from course_lib.testing import CheckFailure, assert_close

QUADRATICS = {
    "quadratic_5d": (quadratic_spec(3351, [0.2, 0.7, 2.0, 5.0, 30.0]), rng(3352).normal(size=5)),
    "quadratic_8d": (
        quadratic_spec(3353, np.logspace(-1.0, 1.5, 8)),
        rng(3354).normal(scale=3.0, size=8),
    ),
}
ROSENBROCKS = {
    "rosenbrock_2d_from_(-1.5,2)": ({"name": "rosenbrock", "scale": 100.0}, np.array([-1.5, 2.0])),
    "rosenbrock_3d_scale_20": ({"name": "rosenbrock", "scale": 20.0}, np.array([-0.5, 1.2, 0.3])),
}
SCIPY_NAMES = frozenset(
    {"scipy", "optimize", "minimize", "fmin_bfgs", "fmin_l_bfgs_b", "line_search", "BFGS"}
)
PIECES = ("bfgs_update", "backtracking_line_search")


def assert_own_pieces(submission):
    source = submission.source("bfgs")
    if source is None:
        raise CheckFailure("could not read the source of bfgs; is it a plain function?")
    missing = [piece for piece in PIECES if piece not in names_used(source)]
    if missing:
        raise CheckFailure(f"bfgs must call your own {' and '.join(missing)}")
    assert_no_forbidden_names(
        submission,
        "bfgs",
        SCIPY_NAMES,
        why="write BFGS yourself; SciPy's BFGS is what the checks compare it with",
    )


def call_bfgs(submission, spec, x0, **kwargs) -> dict:
    """The student's result, checked to be a dict with 'x', 'fun' and 'nit'."""
    result = submission.call("bfgs", spec, x0, **kwargs)
    if not isinstance(result, dict) or not {"x", "fun", "nit"} <= set(result):
        raise CheckFailure(
            f"bfgs should return a dict with keys 'x', 'fun' and 'nit', got {str(result)[:200]}"
        )
    return result


def assert_matches_scipy(submission, spec, x0, case):
    assert_own_pieces(submission)
    f, grad = numpy_problem(spec)
    expected = minimize(f, x0, jac=grad, method="BFGS", options={"gtol": 1e-10, "maxiter": 5000})
    result = call_bfgs(submission, spec, x0)
    where = f"on {describe(spec)} from x0 = {np.round(x0, 3).tolist()} ({case})"
    assert_close(
        np.asarray(result["x"], dtype=np.float64),
        expected.x,
        rtol=1e-6,
        atol=1e-6,
        name=f"bfgs minimiser vs scipy.optimize.minimize(method='BFGS') {where}",
    )
    assert_close(
        float(result["fun"]),
        expected.fun,
        rtol=1e-8,
        atol=1e-10,
        name=f"bfgs 'fun' (f at the minimiser) vs SciPy {where}",
    )


@pytest.mark.parametrize("case", list(QUADRATICS), ids=list(QUADRATICS))
def test_quadratic_minimum(submission, case):
    spec, x0 = QUADRATICS[case]
    assert_matches_scipy(submission, spec, x0, case)


@pytest.mark.parametrize("case", list(ROSENBROCKS), ids=list(ROSENBROCKS))
def test_rosenbrock_minimum(submission, case):
    spec, x0 = ROSENBROCKS[case]
    assert_matches_scipy(submission, spec, x0, case)


@pytest.mark.gate
def test_uses_own_pieces(submission):
    assert_own_pieces(submission)


# Step-by-step cases: id -> (problem, start, iterations compared). On the Rosenbrock
# functions the curvature condition fails, on the first iteration (so the H0 rescaling
# must wait for the first update that happens) and on the sixth; on generic inputs (the
# SciPy cases above) it never does.
TRAJECTORIES = {
    "rosenbrock_2d_scale_10_from_(-1.2,1.5)": (
        {"name": "rosenbrock", "scale": 10.0}, np.array([-1.2, 1.5]), 15
    ),
    "rosenbrock_2d_scale_20_from_(1.4,-0.1)": (
        {"name": "rosenbrock", "scale": 20.0}, np.array([1.4, -0.1]), 12
    ),
    "quadratic_6d": (
        quadratic_spec(3355, [0.3, 0.8, 1.5, 4.0, 9.0, 25.0]),
        rng(3356).normal(scale=2.0, size=6),
        10,
    ),
}  # fmt: skip
# Runs to convergence have gradient norms far from gtol in their last iterations, so the
# iteration counts do not hinge on rounding.
ROSENBROCK_3D = ({"name": "rosenbrock", "scale": 10.0}, np.array([-1.1, 1.0, 0.6]))
# On ROSENBROCK_3D |grad f| is 0.14 at iteration 25 (max|g_i| 0.11) and 0.023 at 26.
GTOL = 0.125
# Another order of the same floating-point operations (the update multiplied out) moves
# these iterates by at most ~1e-11; a different step is off by far more.
ITERATE_RTOL, ITERATE_ATOL = 1e-7, 1e-9


@pytest.mark.parametrize("case", list(TRAJECTORIES), ids=list(TRAJECTORIES))
def test_iterates(submission, case):
    """The iterates x_1..x_K equal section 3c's, to rounding: H0 = I, d = -H g, the line
    search's step, the update only when y.s > 0, H0 rescaled before the first update. Each
    of these is invisible in the minimiser, which is all the SciPy checks see."""
    assert_own_pieces(submission)
    spec, x0, steps = TRAJECTORIES[case]
    expected, skipped = reference_bfgs(spec, x0, max_iter=steps)
    got = [x0]
    for k in range(1, steps + 1):
        x = np.asarray(call_bfgs(submission, spec, x0, max_iter=k)["x"], dtype=np.float64)
        if x.shape != x0.shape:
            raise CheckFailure(
                f"bfgs(..., max_iter={k})['x'] should have shape {x0.shape}, got {x.shape}"
            )
        got.append(x)
    got = np.array(got)
    label = (
        f"bfgs(problem, x0, max_iter=k)['x'] for k = 0..{steps} on {describe(spec)} from "
        f"x0 = {x0.round(3).tolist()} vs section 3c's iterates (H0 = I, d = -H g, your line "
        "search's alpha, H0 rescaled by y.s / y.y before the first update, "
        + (f"no update where y.s <= 0: iteration {skipped}" if skipped else "y.s > 0 throughout")
        + ")"
    )
    close = np.isclose(got, expected, rtol=ITERATE_RTOL, atol=ITERATE_ATOL).all(axis=1)
    if not close.all():
        label += (
            f"; first differing iterate: k = {np.flatnonzero(~close)[0]} (index (k, coordinate))"
        )
    assert_close(got, expected, rtol=ITERATE_RTOL, atol=ITERATE_ATOL, name=label)


def test_stops_at_gtol(submission):
    """gtol is the stopping rule on the Euclidean norm of the gradient: with gtol = 1/8 the
    loop stops at iteration 26, the first with |grad f| <= gtol. A hard-coded tolerance
    runs on to the minimum; SciPy's max-norm max|g_i| drops below 1/8 one iteration early."""
    assert_own_pieces(submission)
    spec, x0 = ROSENBROCK_3D
    expected, _ = reference_bfgs(spec, x0, gtol=GTOL)
    result = call_bfgs(submission, spec, x0, gtol=GTOL)
    where = f"bfgs(problem, x0, gtol={GTOL}) on {describe(spec)} from x0 = {x0.tolist()}"
    if result["nit"] != len(expected) - 1:
        raise CheckFailure(
            f"{where} should stop after {len(expected) - 1} iterations, the first with "
            f"|grad f| = sqrt(sum g_i^2) <= gtol; its 'nit' is {result['nit']!r}"
        )
    assert_close(
        np.asarray(result["x"], dtype=np.float64),
        expected[-1],
        rtol=ITERATE_RTOL,
        atol=ITERATE_ATOL,
        name=f"{where}: x where |grad f| first drops to gtol",
    )


def test_iteration_count(submission):
    """'nit' counts the iterations: max_iter when the budget runs out, and the reference's
    count at convergence (a for loop over range(max_iter) is one short at the budget)."""
    assert_own_pieces(submission)
    spec, x0 = ROSENBROCK_3D
    for max_iter in (1, 5):
        nit = call_bfgs(submission, spec, x0, max_iter=max_iter)["nit"]
        if nit != max_iter:
            raise CheckFailure(
                f"bfgs(problem, x0, max_iter={max_iter}) on {describe(spec)} runs out of "
                "iterations long before |grad f| <= gtol, so 'nit' should be max_iter = "
                f"{max_iter}; got {nit!r}"
            )
    spec, x0, _ = TRAJECTORIES["rosenbrock_2d_scale_10_from_(-1.2,1.5)"]
    expected = len(reference_bfgs(spec, x0)[0]) - 1
    nit = call_bfgs(submission, spec, x0)["nit"]
    if nit != expected:
        raise CheckFailure(
            f"bfgs(problem, x0) on {describe(spec)} from x0 = {x0.tolist()} converges "
            f"(|grad f| <= 1e-8) after {expected} iterations; its 'nit' is {nit!r}"
        )


def test_start_at_minimum(submission):
    """A zero gradient at the start: the loop tests |g| <= gtol first and takes no step,
    so bfgs returns x0 with nit = 0 and fun = 0 (a loop that steps before testing counts
    one iteration)."""
    assert_own_pieces(submission)
    spec, x0 = {"name": "rosenbrock", "scale": 100.0}, np.ones(4)
    result = call_bfgs(submission, spec, x0)
    where = f"bfgs on {describe(spec)} from its minimum x0 = (1, 1, 1, 1), where grad f = 0"
    assert_close(
        np.asarray(result["x"], dtype=np.float64), x0, rtol=0.0, atol=0.0, name=f"{where}: x"
    )
    if result["nit"] != 0 or float(result["fun"]) != 0.0:
        raise CheckFailure(
            f"{where}, should return nit = 0 and fun = 0 (no iteration); got nit = "
            f"{result['nit']!r}, fun = {result['fun']!r}"
        )
