"""Hidden checks for unit06_expected_improvement: EI for minimisation, in closed form.

EI(x) = E[max(best - f(x) - xi, 0)] under f(x) ~ N(mean, std^2)
      = (best - mean - xi) Phi(z) + std phi(z),  z = (best - mean - xi) / std,
and max(best - mean - xi, 0) where std = 0. Compared with that formula written with
``scipy.stats.norm`` and with a Monte Carlo estimate, including points far below and far
above the incumbent (where a formula that cancels badly loses all its digits) and points
without uncertainty.
"""

import numpy as np
from scipy.stats import norm

from autograder.contract.kit import rng
from course_lib.testing import assert_close, assert_shape

NAME = "expected_improvement"


def closed_form(mean, std, best, xi):
    improvement = best - mean - xi
    safe = np.where(std > 0, std, 1.0)
    z = improvement / safe
    ei = improvement * norm.cdf(z) + safe * norm.pdf(z)
    return np.where(std > 0, ei, np.maximum(improvement, 0.0))


def test_matches_the_closed_form(submission):
    gen = rng(6301)
    mean, std = gen.normal(size=40), gen.uniform(0.05, 2.0, size=40)
    for xi in (0.0, 0.1):
        got = submission.call(NAME, mean, std, 0.3, xi)
        assert_shape(got, mean.shape, name=f"{NAME}(mean, std, best=0.3, xi={xi})")
        assert_close(got, closed_form(mean, std, 0.3, xi), rtol=1e-8, atol=1e-12,
                     name=f"{NAME}(mean, std, best=0.3, xi={xi}) vs the closed form")  # fmt: skip


def test_agrees_with_monte_carlo(submission):
    gen = rng(6302)
    mean, std = np.array([0.0, 0.5, -1.0]), np.array([1.0, 0.3, 2.0])
    samples = gen.normal(mean, std, size=(200_000, 3))
    estimate = np.maximum(0.2 - samples, 0.0).mean(axis=0)
    got = submission.call(NAME, mean, std, 0.2, 0.0)
    assert_close(got, estimate, rtol=0.02, atol=2e-3,
                 name=f"{NAME} vs a Monte Carlo average of max(best - f, 0)")  # fmt: skip


def test_no_uncertainty_and_extreme_points(submission):
    mean = np.array([-1.0, 2.0, -40.0, 40.0])
    std = np.array([0.0, 0.0, 1.0, 1.0])
    got = submission.call(NAME, mean, std, 0.0, 0.0)
    # std = 0: the improvement itself, clipped at 0; 40 std below: the improvement; above: 0
    assert_close(got, [1.0, 0.0, 40.0, 0.0], rtol=1e-9, atol=1e-12,
                 name=f"{NAME} where std = 0 and 40 standard deviations from the incumbent")
