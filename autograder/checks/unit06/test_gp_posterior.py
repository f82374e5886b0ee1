"""Hidden checks for unit06_gp_posterior: the Gaussian-process posterior mean and variance.

Compared with scikit-learn's ``GaussianProcessRegressor`` holding the same kernel with its
hyperparameters fixed (``ConstantKernel(signal_var, "fixed") * RBF(length_scale,
"fixed")``, ``alpha=noise_var``, ``optimizer=None``, no normalisation), on inputs of one and
two dimensions, with tiny and large noise, at query points on and off the training points.
"""

import numpy as np
import pytest
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ConstantKernel

from autograder.contract.kit import rng
from course_lib.testing import CheckFailure, assert_close, assert_shape

NAME = "gp_posterior"
# name: (seed, n_train, n_query, dims, length_scale, signal_var, noise_var)
CASES = {
    "1d_noise_free": (6201, 6, 9, 1, 0.8, 1.0, 1e-8),
    "1d_noisy": (6202, 10, 7, 1, 1.5, 2.0, 0.3),
    "2d_short_scale": (6203, 12, 5, 2, 0.5, 0.7, 1e-4),
}


def make_case(name: str):
    seed, n, m, dims, *hyper = CASES[name]
    gen = rng(seed)
    x = gen.uniform(-3, 3, size=(n, dims))
    y = np.sin(2 * x).sum(axis=1) + 0.1 * gen.normal(size=n)
    query = np.concatenate([gen.uniform(-4, 4, size=(m - 1, dims)), x[:1]])  # one on a point
    return x, y, query, hyper


def sklearn_posterior(x, y, query, length_scale, signal_var, noise_var):
    kernel = ConstantKernel(signal_var, "fixed") * RBF(length_scale, "fixed")
    gpr = GaussianProcessRegressor(kernel, alpha=noise_var, optimizer=None, normalize_y=False)
    mean, std = gpr.fit(x, y).predict(query, return_std=True)
    return mean, std**2


@pytest.mark.parametrize("case", CASES, ids=str)
def test_matches_scikit_learn(submission, case):
    x, y, query, hyper = make_case(case)
    expected_mean, expected_var = sklearn_posterior(x, y, query, *hyper)
    result = submission.call(NAME, x, y, query, *hyper)
    if not (isinstance(result, list) and len(result) == 2):
        raise CheckFailure(f"{NAME} must return (mean, var), got {type(result).__name__}")
    mean, var = result
    call = f"{NAME} on case {case} (length scale {hyper[0]}, signal var {hyper[1]}, noise {hyper[2]})"
    assert_shape(mean, (len(query),), name=f"{call}: mean")
    assert_shape(var, (len(query),), name=f"{call}: var")
    assert_close(mean, expected_mean, rtol=1e-6, atol=1e-8, name=f"{call}: mean vs scikit-learn")
    assert_close(var, expected_var, rtol=1e-5, atol=1e-8,
                 name=f"{call}: variance vs scikit-learn (the variance, not the std)")  # fmt: skip
