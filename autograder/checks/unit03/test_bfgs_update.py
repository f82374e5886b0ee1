"""Hidden checks for unit03_bfgs_update: the BFGS inverse-Hessian update.

Random symmetric positive definite H and pairs (s, y) with y.s > 0: the result must satisfy
the secant condition H_new y = s and equal the formula.
"""

import numpy as np
import pytest

from autograder.checks.unit03.common import reference_update
from autograder.contract.kit import rng
from course_lib.testing import assert_close


def _case(seed: int, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    g = rng(seed)
    M = g.normal(size=(n, n))
    H = M @ M.T / n + 0.5 * np.eye(n)
    s = g.normal(size=n)
    N = g.normal(size=(n, n))
    y = (N @ N.T / n + 0.2 * np.eye(n)) @ s  # y = B s with B positive definite: y.s > 0
    return H, s, y


CASES = {"4d": _case(3321, 4), "6d": _case(3322, 6), "9d": _case(3323, 9)}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_secant_condition(submission, case):
    H, s, y = CASES[case]
    H_new = np.asarray(submission.call("bfgs_update", H, s, y), dtype=np.float64)
    assert_close(
        H_new @ y,
        s,
        rtol=1e-9,
        atol=1e-12,
        name=f"secant condition H_new @ y = s for a random {case} H (left: H_new @ y, expected: s)",
    )


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_matches_formula(submission, case):
    H, s, y = CASES[case]
    H_new = submission.call("bfgs_update", H, s, y)
    assert_close(
        H_new,
        reference_update(H, s, y),
        rtol=1e-9,
        atol=1e-12,
        name=f"bfgs_update on a random {case} H vs (I - rho s y^T) H (I - rho y s^T) + rho s s^T",
    )
