"""Hidden checks for unit03_gradient_noise: the mini-batch gradient's noise, predicted and measured.

``predicted_gradient_noise`` against the exact expectation computed here from the
per-example gradients, for batch sizes from 1 to N. ``measured_gradient_noise`` is random:
it is compared with the exact expectation within 5 standard errors, the standard error
estimated here from 4000 batches of the check's own (at a batch of half the data, sampling
with replacement is off by a factor of about 2, far outside). At B = N a batch drawn without
replacement is the whole set: exactly no noise. Seeds 3701-3709.
"""

import numpy as np

from autograder.checks.unit03.common import public_least_squares
from autograder.contract.kit import rng
from course_lib.testing import CheckFailure, assert_close

SIGMAS = 5.0
N_DRAWS = 2000


def problem(seed: int, n: int, d: int):
    gen = rng(seed)
    return gen.normal(size=(n, d)), gen.normal(size=n), gen.normal(size=d)


def per_example_gradients(X, t, theta) -> np.ndarray:
    return (X @ theta - t)[:, None] * X


def exact_noise(X, t, theta, batch_size: int) -> float:
    """E ||g_B - grad L||^2 without replacement: sigma^2 (N - B) / (B (N - 1))."""
    grads = per_example_gradients(X, t, theta)
    sigma2 = float(np.mean(np.sum((grads - grads.mean(axis=0)) ** 2, axis=1)))
    n = len(X)
    return sigma2 * (n - batch_size) / (batch_size * (n - 1))


def squared_distances(X, t, theta, batch_size: int, draws: int, seed: int) -> np.ndarray:
    grads = per_example_gradients(X, t, theta)
    full = grads.mean(axis=0)
    gen = rng(seed)
    return np.array(
        [
            np.sum((grads[gen.choice(len(X), batch_size, replace=False)].mean(axis=0) - full) ** 2)
            for _ in range(draws)
        ]
    )


def missing_factor_cause(n: int, size: int) -> dict[float, str]:
    """sigma^2 / B alone is (N - 1)/(N - B) times the expectation without replacement."""
    if size >= n:
        return {}
    return {(n - 1) / (n - size): "the factor (N - B)/(N - 1) is missing (it comes from drawing "
            "without replacement)"}  # fmt: skip


def test_prediction_public_cases(submission):
    """The public checks' B = 1 (sigma^2) and B = N (0) on the 5-row problem."""
    X, t, theta = public_least_squares()
    for size in (1, 5):
        assert_close(
            submission.call("predicted_gradient_noise", X, t, theta, size),
            exact_noise(X, t, theta, size),
            rtol=1e-9,
            atol=1e-12,
            name=f"predicted_gradient_noise at B = {size} on the public 5-row problem",
        )


def test_prediction_matches_exact_expectation(submission):
    X, t, theta = problem(3701, 40, 6)
    for size in (1, 3, 20, 39, 40):
        assert_close(
            submission.call("predicted_gradient_noise", X, t, theta, size),
            exact_noise(X, t, theta, size),
            rtol=1e-9,
            atol=1e-12,
            name=f"predicted_gradient_noise at B = {size} of N = 40: sigma^2 (N - B) / (B (N - 1))",
            causes=missing_factor_cause(40, size),
        )


def test_measurement_within_standard_errors(submission):
    X, t, theta = problem(3702, 60, 5)
    for size in (2, 30):
        expected = exact_noise(X, t, theta, size)
        spread = squared_distances(X, t, theta, size, 4000, 3703 + size).std()
        tolerance = SIGMAS * spread / np.sqrt(N_DRAWS)
        got = float(
            submission.call(
                "measured_gradient_noise", X, t, theta, size, n_draws=N_DRAWS, seed=3704
            )
        )
        if not abs(got - expected) <= tolerance:
            raise CheckFailure(
                f"measured_gradient_noise at B = {size} of N = 60 over {N_DRAWS} batches: got "
                f"{got:.5g}, expected {expected:.5g} +- {tolerance:.2g} ({SIGMAS:g} standard "
                "errors); draw each batch with gen.choice(N, B, replace=False) and average "
                "||g_B - grad L||^2 (with the mean over the batch in g_B)"
            )
    # B = N: a batch of every row, drawn without replacement, is the whole set. (In the same
    # check as the two above, so that a constant 0 earns nothing here.)
    got = float(submission.call("measured_gradient_noise", X, t, theta, 60, n_draws=50, seed=1))
    assert_close(
        got,
        0.0,
        atol=1e-20,
        name="measured_gradient_noise at B = N = 60: a batch of every row without replacement "
        "is the whole set",
    )


def test_measurement_reproducible(submission):
    X, t, theta = problem(3706, 25, 3)
    runs = [
        float(submission.call("measured_gradient_noise", X, t, theta, 4, n_draws=30, seed=seed))
        for seed in (7, 7, 8)
    ]
    if runs[0] != runs[1]:
        raise CheckFailure(
            f"measured_gradient_noise with the same seed twice gave {runs[0]!r} and {runs[1]!r}: "
            "draw from np.random.default_rng(seed)"
        )
    if runs[0] == runs[2]:
        raise CheckFailure(
            "measured_gradient_noise gave the same value for seeds 7 and 8: the seed must "
            "choose the batches"
        )
