"""Hidden checks for unit01_polynomial_fit: least squares against scikit-learn.

``fit_polynomial``'s coefficients are evaluated here, in the check, and compared with
``LinearRegression(fit_intercept=False)`` on ``PolynomialFeatures`` (an SVD-based
least-squares solve, minimum-norm when the fit is not unique). ``predict_polynomial`` is
compared with NumPy's ``polyval`` on given coefficients.
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
