"""Hidden checks for unit01_polynomial_fit: least squares against scikit-learn.

``fit_polynomial``'s coefficients are evaluated here, in the check, and compared with
``LinearRegression(fit_intercept=False)`` on ``PolynomialFeatures`` (an SVD-based
least-squares solve, minimum-norm when the fit is not unique). ``predict_polynomial`` is
compared with NumPy's ``polyval`` on given coefficients, and ``polynomial_features`` with
scikit-learn's design matrix on a plain list (the public check's twin: the other checks
pass arrays, so a function that only works on arrays would lose nothing there).
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.polynomial import polynomial
from sklearn.linear_model import LinearRegression
from sklearn.preprocessing import PolynomialFeatures

from autograder.contract.kit import rng
from course_lib.testing import as_array, assert_close, assert_shape


def _data(seed: int, n: int):
    g = rng(seed)
    x = g.uniform(-1.0, 1.0, size=n)
    y = np.cos(2.0 * x) + 0.5 * x + 0.2 * g.normal(size=n)
    return x, y


# id -> (seed, n, degree)
FIT_CASES = {
    "line-n20": (71, 20, 1),
    "cubic-n40": (72, 40, 3),
    "degree-7-n50": (73, 50, 7),
    "constant-n15": (74, 15, 0),
    "degree-10-through-8-points": (75, 8, 10),
}

PREDICT_CASES = {
    "quadratic": np.array([1.5, -2.0, 0.25]),
    "degree-5": rng(76).normal(size=6),
    "constant": np.array([-3.0]),
}

X_NEW = np.linspace(-1.0, 1.0, 41)

# The public check's underdetermined fit: degree 2 through (0, 1) and (1, 3). Every w with
# w0 = 1 and w1 + w2 = 2 fits; the minimum-norm one is [1, 1, 1], and the normal equations
# are singular.
TWO_POINTS = (np.array([0.0, 1.0]), np.array([1.0, 3.0]), 2)

# A Python list, as in the public check, with 0 (where x ** 0 must still be 1) and negatives.
FEATURE_X = [0.0, -1.5, 0.5, 2.0, -0.25, 1.0]
FEATURE_DEGREE = 4


def _sklearn_predictions(x, y, degree, x_new):
    features = PolynomialFeatures(degree)
    model = LinearRegression(fit_intercept=False).fit(features.fit_transform(x[:, None]), y)
    return model.predict(features.transform(x_new[:, None]))


@pytest.mark.parametrize(
    "case",
    list(FIT_CASES) + list(PREDICT_CASES),
    ids=[f"fit-{c}" for c in FIT_CASES] + [f"predict-{c}" for c in PREDICT_CASES],
)
def test_matches_oracle(submission, case):
    """Least-squares fits (including degree 0 and an underdetermined one, where
    only the minimum-norm solution matches) and evaluation in increasing order."""
    if case in PREDICT_CASES:
        w = PREDICT_CASES[case]
        got = submission.call("predict_polynomial", w, X_NEW)
        assert_close(
            got,
            polynomial.polyval(X_NEW, w),
            rtol=1e-10,
            atol=1e-12,
            name=f"predict_polynomial with coefficients {np.round(w, 3).tolist()} (w[j] multiplies x**j)",
        )
        return
    seed, n, degree = FIT_CASES[case]
    x, y = _data(seed, n)
    w = as_array(submission.call("fit_polynomial", x, y, degree), name="fit_polynomial result")
    assert_shape(w, (degree + 1,), name=f"fit_polynomial(x, y, {degree}) coefficients")
    points = np.concatenate([x, X_NEW])
    assert_close(
        polynomial.polyval(points, w.astype(np.float64)),
        _sklearn_predictions(x, y, degree, points),
        rtol=1e-6,
        atol=1e-7,
        name=f"the degree-{degree} least-squares polynomial for {case}, evaluated at the "
        "training points and on a grid",
    )


def test_minimum_norm_fit_through_two_points(submission):
    """The public check's twin: the coefficients themselves, against scikit-learn's SVD-based
    least squares (the minimum-norm solution, unique although the fit is not)."""
    x, y, degree = TWO_POINTS
    w = as_array(submission.call("fit_polynomial", x, y, degree), name="fit_polynomial result")
    assert_shape(w, (degree + 1,), name=f"fit_polynomial(x, y, {degree}) coefficients")
    expected = (
        LinearRegression(fit_intercept=False)
        .fit(PolynomialFeatures(degree).fit_transform(x[:, None]), y)
        .coef_
    )
    assert_close(
        w,
        expected,
        rtol=1e-9,
        atol=1e-10,
        name=f"fit_polynomial({x.tolist()}, {y.tolist()}, {degree}): the minimum-norm coefficients "
        "(np.linalg.lstsq; the normal equations are singular here)",
    )


def test_polynomial_features_of_a_list(submission):
    """The design matrix itself, on a list input as in the public check (the fit and
    prediction checks send arrays): entry ``[i, j]`` is ``x[i] ** j``, with a column of
    ones for ``j = 0`` even at ``x = 0``."""
    got = as_array(
        submission.call("polynomial_features", FEATURE_X, FEATURE_DEGREE),
        name="polynomial_features result",
    )
    expected = PolynomialFeatures(FEATURE_DEGREE).fit_transform(np.array(FEATURE_X)[:, None])
    assert_shape(got, expected.shape, name=f"polynomial_features(a list of 6, {FEATURE_DEGREE})")
    assert_close(
        got,
        expected,
        rtol=1e-12,
        atol=1e-12,
        name=f"polynomial_features({FEATURE_X}, {FEATURE_DEGREE}) (entry [i, j] is x[i] ** j)",
    )
