"""Hidden checks for unit07_optimal_discriminator: D*, the Jensen-Shannon divergence and
the generator's value against D*, on 1-D Gaussians.

``optimal_discriminator`` is compared elementwise with p / (p + q) (1/2 where both vanish)
on density values the grader draws, zeros included. ``gaussian_js`` and
``value_at_optimum`` are compared (relative 1e-6) with integrals the grader computes itself
with ``scipy.integrate.quad`` on pairs of Gaussians the notebook never uses: identical,
overlapping, of different widths, far apart (JS near log 2), and narrow; and
``value_at_optimum`` must equal 2 JS - log 4 with the grader's JS.
"""

import numpy as np
import pytest
from scipy import integrate
from scipy.stats import norm

from autograder.contract.kit import rng
from course_lib.testing import assert_close

PAIRS = {
    "identical": (0.3, 0.8, 0.3, 0.8),
    "overlapping": (-0.5, 1.0, 0.7, 1.3),
    "different_widths": (1.0, 0.2, 1.5, 2.5),
    "far_apart": (-20.0, 0.5, 25.0, 1.5),
    "narrow": (0.0, 0.01, 0.03, 0.02),
}


def grader_integral(f, mu_p, s_p, mu_q, s_q) -> float:
    # Split at the means and integrate each piece: independent of the notebook's recipe.
    edges = sorted({mu_p - 15 * s_p, mu_q - 15 * s_q, mu_p, mu_q, mu_p + 15 * s_p, mu_q + 15 * s_q})
    return sum(integrate.quad(f, a, b, limit=200, epsabs=1e-13, epsrel=1e-11)[0] for a, b in zip(edges, edges[1:]))


def js_reference(mu_p, s_p, mu_q, s_q) -> float:
    def f(x):
        lp, lq = norm.logpdf(x, mu_p, s_p), norm.logpdf(x, mu_q, s_q)
        lm = np.logaddexp(lp, lq) - np.log(2)
        return 0.5 * np.exp(lp) * (lp - lm) + 0.5 * np.exp(lq) * (lq - lm)

    return grader_integral(f, mu_p, s_p, mu_q, s_q)


def test_optimal_discriminator_elementwise(submission):
    gen = rng(7301)
    p, q = gen.exponential(size=30), gen.exponential(size=30)
    p[:5], q[3:8] = 0.0, 0.0  # p = 0 (D* = 0), both 0 (1/2), q = 0 (D* = 1)
    total = p + q
    expected = np.where(total > 0, p / np.where(total > 0, total, 1), 0.5)
    assert_close(submission.call("optimal_discriminator", p, q), expected, rtol=1e-12,
                 name="optimal_discriminator(p_data, p_g) (1/2 where both are 0)")  # fmt: skip


@pytest.mark.parametrize("pair", PAIRS, ids=str)
def test_js_and_value_at_optimum(submission, pair):
    mu_p, s_p, mu_q, s_q = PAIRS[pair]
    js = js_reference(mu_p, s_p, mu_q, s_q)
    call = f"({mu_p}, {s_p}, {mu_q}, {s_q})"
    assert_close(submission.call("gaussian_js", mu_p, s_p, mu_q, s_q), js, rtol=1e-6, atol=1e-9,
                 name=f"gaussian_js{call} vs the grader's integral")  # fmt: skip
    assert_close(submission.call("value_at_optimum", mu_p, s_p, mu_q, s_q), 2 * js - np.log(4),
                 rtol=1e-6, atol=1e-9, name=f"value_at_optimum{call} vs 2 JS - log 4")  # fmt: skip
