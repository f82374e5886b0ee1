"""Hidden checks for unit01_chosen_degree: the dev set, not the training set, picks the degree.

The oracle regenerates the notebook's sine data (same recipe, same seed) and sweeps the
degrees with scikit-learn; a choice passes when its oracle dev error is within 5% of the
best, so that near-ties cannot cost points.
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_squared_error
from sklearn.preprocessing import PolynomialFeatures

from course_lib.testing import CheckFailure, as_array

TOLERANCE = 1.05


def _notebook_data():
    # The recipe of the notebook's data cell: seed 2, 20 training then 50 dev points.
    rng = np.random.default_rng(2)

    def sample(n):
        x = rng.uniform(-1.0, 1.0, size=n)
        return x, np.sin(np.pi * x) + 0.3 * rng.normal(size=n)

    return (*sample(20), *sample(50))


def _oracle_dev_mse(degrees):
    x_train, y_train, x_dev, y_dev = _notebook_data()
    errors = []
    for degree in degrees:
        features = PolynomialFeatures(int(degree))
        model = LinearRegression(fit_intercept=False).fit(
            features.fit_transform(x_train[:, None]), y_train
        )
        errors.append(mean_squared_error(y_dev, model.predict(features.transform(x_dev[:, None]))))
    return np.array(errors)


def _chosen(submission) -> int:
    chosen = submission.read("chosen_degree")
    if isinstance(chosen, bool) or not isinstance(chosen, (int, float)) or chosen != int(chosen):
        raise CheckFailure(f"chosen_degree should be an int, got {chosen!r:.100}")
    return int(chosen)


def test_minimises_your_dev_error(submission):
    """The choice follows the student's own dev errors (not the training ones)."""
    chosen = _chosen(submission)
    degrees = as_array(submission.read("degrees"), name="degrees").astype(np.int64)
    dev_mse = as_array(submission.read("dev_mse"), name="dev_mse").astype(np.float64)
    if dev_mse.shape != degrees.shape:
        raise CheckFailure(f"dev_mse has shape {dev_mse.shape}, degrees has shape {degrees.shape}")
    best = int(degrees[np.argmin(dev_mse)])
    if chosen != best:
        raise CheckFailure(
            f"chosen_degree is {chosen}, but your smallest dev error is at degree {best} "
            f"(dev MSE {dev_mse.min():.4g}); pick the degree by the dev error"
        )


def test_near_the_oracle_optimum(submission):
    """The choice is (near) the best degree on the notebook's data, recomputed
    here, so a wrong sweep cannot make a wrong choice look right."""
    chosen = _chosen(submission)
    degrees = np.arange(1, 13)
    if chosen not in degrees:
        raise CheckFailure(f"chosen_degree should be one of 1..12, got {chosen}")
    dev = _oracle_dev_mse(degrees)
    if not dev[chosen - 1] <= TOLERANCE * dev.min():
        raise CheckFailure(
            f"degree {chosen} has dev MSE {dev[chosen - 1]:.4g} on the notebook's data, the best "
            f"degree {int(degrees[np.argmin(dev)])} has {dev.min():.4g}: choose by the dev error"
        )
