"""Hidden checks for unit03_bfgs: the student's BFGS against scipy.optimize.minimize.

Minimisers are compared on rotated quadratics and Rosenbrock functions. The minimiser
must be the student's own: it calls bfgs_update and backtracking_line_search and no SciPy
optimiser; one that does not earns nothing for matching SciPy.
"""

import numpy as np
import pytest
from scipy.optimize import minimize

from autograder.checks.unit03.common import describe, numpy_problem, quadratic_spec
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


def assert_matches_scipy(submission, spec, x0, case):
    assert_own_pieces(submission)
    f, grad = numpy_problem(spec)
    expected = minimize(f, x0, jac=grad, method="BFGS", options={"gtol": 1e-10, "maxiter": 5000})
    result = submission.call("bfgs", spec, x0)
    if not isinstance(result, dict) or "x" not in result or "fun" not in result:
        raise CheckFailure(
            f"bfgs should return a dict with keys 'x', 'fun' and 'nit', got {str(result)[:200]}"
        )
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
