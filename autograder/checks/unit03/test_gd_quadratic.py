"""Hidden checks for unit03_gd_quadratic: the critical learning rate and gradient descent.

``critical_learning_rate`` is compared with 2 / the largest eigenvalue from
``np.linalg.eigvalsh``; ``gd_on_quadratic`` with a NumPy loop; and the two together must
show the threshold: just below the student's critical rate gradient descent converges to
A^-1 b, just above it diverges.
"""

import numpy as np
import pytest

from autograder.checks.unit03.common import quadratic_spec
from autograder.contract.kit import rng
from course_lib.testing import CheckFailure, assert_close, assert_shape

SPECS = {
    "rotated_5d": quadratic_spec(3311, [0.3, 1.0, 2.5, 7.0, 16.0]),
    "rotated_3d": quadratic_spec(3312, [2.0, 3.0, 40.0]),
    "rotated_6d": quadratic_spec(3313, [0.5, 0.6, 0.8, 1.0, 1.5, 3.0]),
}
STARTS = {
    name: rng(3314 + i).normal(size=len(spec["b"])) for i, (name, spec) in enumerate(SPECS.items())
}
SLACK = 0.03  # below: 0.97 x critical; above: 1.03 x critical


def reference_gd(A, b, x0, lr, steps):
    x, path = x0.copy(), [x0.copy()]
    for _ in range(steps):
        x = x - lr * (A @ x - b)
        path.append(x.copy())
    return np.array(path)


@pytest.mark.parametrize("case", list(SPECS), ids=list(SPECS))
def test_critical_learning_rate(submission, case):
    A = SPECS[case]["A"]
    got = submission.call("critical_learning_rate", A)
    expected = 2.0 / np.linalg.eigvalsh(A)[-1]
    assert_close(
        np.asarray(got, dtype=np.float64),
        expected,
        rtol=1e-10,
        atol=0.0,
        name=f"critical_learning_rate of a symmetric {A.shape} matrix, eigenvalues "
        f"{np.round(np.linalg.eigvalsh(A), 3).tolist()} (2 / lambda_max)",
    )


@pytest.mark.parametrize("case", list(SPECS), ids=list(SPECS))
def test_iterates(submission, case):
    A, b, x0 = SPECS[case]["A"], SPECS[case]["b"], STARTS[case]
    lr = 1.0 / np.linalg.eigvalsh(A)[-1]
    got = submission.call("gd_on_quadratic", A, b, x0, lr, 40)
    assert_shape(got, (41, len(b)), name="gd_on_quadratic(A, b, x0, lr, steps=40)")
    assert_close(
        got,
        reference_gd(A, b, x0, lr, 40),
        rtol=1e-10,
        atol=1e-12,
        name=f"gd_on_quadratic iterates, x <- x - lr (A x - b), on {case} (index (step, coordinate))",
    )


@pytest.mark.parametrize("case", list(SPECS), ids=list(SPECS))
def test_stability_threshold(submission, case):
    A, b, x0 = SPECS[case]["A"], SPECS[case]["b"], STARTS[case]
    x_star = np.linalg.solve(A, b)
    critical = float(np.asarray(submission.call("critical_learning_rate", A)))
    start = np.linalg.norm(x0 - x_star)
    for factor, converges in ((1 - SLACK, True), (1 + SLACK, False)):
        path = np.asarray(
            submission.call("gd_on_quadratic", A, b, x0, factor * critical, 800), dtype=np.float64
        )
        ratio = np.linalg.norm(path[-1] - x_star) / start
        if converges and not ratio <= 1e-6:
            raise CheckFailure(
                f"gradient descent at {factor:g} x your critical_learning_rate ({critical:.6g}) "
                f"on {case} should converge to A^-1 b, but after 800 steps its distance to "
                f"A^-1 b is {ratio:.3g} times the initial distance"
            )
        if not converges and not ratio >= 1e3:
            raise CheckFailure(
                f"gradient descent at {factor:g} x your critical_learning_rate ({critical:.6g}) "
                f"on {case} should diverge, but after 800 steps its distance to A^-1 b is only "
                f"{ratio:.3g} times the initial distance"
            )
