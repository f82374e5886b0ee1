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


def test_integer_inputs_and_no_steps(submission):
    """Spec edge cases no other case reaches: integer arrays A, b, x0 (a start such as
    np.array([2, -1, 3])) still give the float64 iterates, not an error or iterates
    truncated to integers by an in-place update of an integer array; and steps = 0 gives
    the start alone, shape (1, n)."""
    A = np.array([[3, 1, 0], [1, 4, 1], [0, 1, 2]])
    b, x0 = np.array([1, -2, 2]), np.array([2, -1, 3])
    try:
        got = submission.call("gd_on_quadratic", A, b, x0, 0.125, 12)
    except CheckFailure as exc:
        raise CheckFailure(
            f"gd_on_quadratic with integer arrays A, b and x0 = {x0.tolist()} failed; the "
            f"iterates are floats even when the inputs are integers:\n{exc}"
        ) from None
    assert_shape(got, (13, 3), name="gd_on_quadratic(A, b, x0, lr, steps=12) with integer A, b, x0")
    assert_close(
        np.asarray(got, dtype=np.float64),
        reference_gd(A.astype(float), b.astype(float), x0.astype(float), 0.125, 12),
        rtol=1e-10,
        atol=1e-12,
        name=f"gd_on_quadratic iterates with integer A, b and x0 = {x0.tolist()}, lr = 0.125 "
        "(index (step, coordinate))",
    )
    spec, x0 = SPECS["rotated_3d"], STARTS["rotated_3d"]
    got = submission.call("gd_on_quadratic", spec["A"], spec["b"], x0, 0.01, 0)
    assert_shape(got, (1, 3), name="gd_on_quadratic(A, b, x0, lr, steps=0)")
    assert_close(got, x0[None, :], rtol=0.0, atol=0.0, name="gd_on_quadratic with steps=0: [x0]")
