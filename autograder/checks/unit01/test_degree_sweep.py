"""Hidden checks for unit01_degree_sweep: train and dev MSE per degree, against scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_squared_error
from sklearn.preprocessing import PolynomialFeatures

from autograder.contract.kit import rng
from course_lib.testing import CheckFailure, as_array, assert_close


def _data(seed: int, n_train: int, n_dev: int, f):
    g = rng(seed)
    x = g.uniform(-1.0, 1.0, size=n_train + n_dev)
    y = f(x) + 0.25 * g.normal(size=x.size)
    return x[:n_train], y[:n_train], x[n_train:], y[n_train:]


# id -> (x_train, y_train, x_dev, y_dev, degrees)
CASES = {
    "exp-data-degrees-1-to-9": (*_data(81, 25, 40, np.exp), list(range(1, 10))),
    "cos-data-even-degrees": (*_data(82, 30, 33, lambda x: np.cos(3 * x)), [0, 2, 4, 6, 8]),
}


# The public check's twin: degree 1 through (0, 1) and (1, 0), judged on two dev points.
PUBLIC_TWO_DEV_POINTS = (
    np.array([0.0, 1.0]),
    np.array([1.0, 0.0]),
    np.array([2.0, -1.0]),
    np.array([0.0, 0.0]),
    [1],
)


def _oracle(x_train, y_train, x_dev, y_dev, degrees):
    train, dev = [], []
    for degree in degrees:
        features = PolynomialFeatures(degree)
        model = LinearRegression(fit_intercept=False).fit(
            features.fit_transform(x_train[:, None]), y_train
        )
        train.append(
            mean_squared_error(y_train, model.predict(features.transform(x_train[:, None])))
        )
        dev.append(mean_squared_error(y_dev, model.predict(features.transform(x_dev[:, None]))))
    return {"train": np.array(train), "dev": np.array(dev)}


@pytest.mark.parametrize(
    "case, part", [(c, p) for c in CASES for p in ("train", "dev")],
    ids=[f"{c}-{p}" for c in CASES for p in ("train", "dev")],
)  # fmt: skip
def test_errors_match_sklearn(submission, case, part):
    """Train and dev MSE per degree, each fitted on the training data only; one
    case sweeps 0, 2, ..., 8, so a sweep over positions instead of degrees fails."""
    data = CASES[case]
    result = submission.call("degree_sweep", *data)
    if not isinstance(result, list) or len(result) != 2:
        raise CheckFailure(f"degree_sweep should return (train_mse, dev_mse), got {result!r:.200}")
    got = as_array(result[0 if part == "train" else 1], name=f"{part}_mse")
    assert_close(
        got,
        _oracle(*data)[part],
        rtol=1e-6,
        atol=1e-10,
        name=f"{part}_mse for {case}, degrees {data[-1]} (mean squared error per degree)",
    )


def test_dev_mse_on_two_dev_points(submission):
    """The public check's twin: the dev MSE is the mean of the squared errors over the dev
    points (a sum is right only for a single dev point)."""
    result = submission.call("degree_sweep", *PUBLIC_TWO_DEV_POINTS)
    if not isinstance(result, list) or len(result) != 2:
        raise CheckFailure(f"degree_sweep should return (train_mse, dev_mse), got {result!r:.200}")
    assert_close(
        as_array(result[1], name="dev_mse"),
        _oracle(*PUBLIC_TWO_DEV_POINTS)["dev"],
        rtol=1e-6,
        atol=1e-10,
        name="dev_mse of the degree-1 fit through (0, 1), (1, 0) at the dev points x = 2 and -1",
        causes={2.0: "the sum of the squared errors? The MSE is their mean"},
    )
