"""Hidden checks for unit10_bootstrap: the percentile bootstrap, replayed and against SciPy.

The notebook fixes the algorithm (all indices drawn at once with ``rng.integers(0, n,
size=(B, n))``, the statistic along axis 1, ``np.quantile`` at the two tails), so the
grader replays it exactly for the mean of a skewed sample and the median of a small one.
Against ``scipy.stats.bootstrap(method="percentile")``, which draws its own resamples, the
ends must agree within 4 % of the interval's width: with 20,000 resamples each, the
difference between two Monte Carlo estimates of an end has a standard deviation of about
0.7 % of the width (the reference's ends land 0.01 % and 1.8 % away), while quantiles at the wrong levels (5 % and 95 % for a 95 % interval)
move each end by 8 %.
"""

import numpy as np
import pytest
from scipy.stats import bootstrap

from autograder.contract.kit import rng
from course_lib.testing import CheckFailure, assert_close

STATISTICS = {"mean": np.mean, "median": np.median}
REPLAYS = {
    "mean_of_a_skewed_sample": (lambda: rng(10_101).exponential(size=40), "mean", 2000, 0.9, 10_102),
    "median_of_a_small_sample": (lambda: rng(10_103).normal(size=15), "median", 3000, 0.95, 10_104),
}


def interval(submission, values, statistic: str, n_resamples: int, confidence: float, seed: int) -> np.ndarray:
    # Functions and generators do not cross the bridge: the notebook's bootstrap_by_name
    # turns the statistic's name and the seed into them and calls bootstrap_ci.
    got = submission.call("bootstrap_by_name", values, statistic, n_resamples, confidence, seed)
    got = np.asarray(got, dtype=float)
    if got.shape != (2,):
        raise CheckFailure(f"bootstrap_ci must return (low, high), got shape {got.shape}")
    return got


@pytest.mark.parametrize("case", list(REPLAYS))
def test_bootstrap_replays_exactly(submission, case):
    make, statistic, n_resamples, confidence, seed = REPLAYS[case]
    values = make()
    gen = np.random.default_rng(seed)
    replicates = STATISTICS[statistic](values[gen.integers(0, len(values), size=(n_resamples, len(values)))], axis=1)
    tail = (1 - confidence) / 2
    expected = np.quantile(replicates, [tail, 1 - tail])
    assert_close(interval(submission, values, statistic, n_resamples, confidence, seed), expected, rtol=1e-9,
                 name=f"bootstrap_ci ({case.replace('_', ' ')}, {n_resamples} resamples, confidence {confidence}) "
                      "vs the algorithm replayed")  # fmt: skip


def test_bootstrap_agrees_with_scipy(submission):
    values = rng(10_105).gamma(2.0, size=60)
    got = interval(submission, values, "mean", 20_000, 0.95, 10_106)
    scipy_ci = bootstrap((values,), np.mean, n_resamples=20_000, confidence_level=0.95, method="percentile",
                         rng=np.random.default_rng(10_107)).confidence_interval  # fmt: skip
    expected = np.array([scipy_ci.low, scipy_ci.high])
    assert_close(got, expected, rtol=0, atol=0.04 * (expected[1] - expected[0]),
                 name="bootstrap_ci of the mean (60 samples, 20,000 resamples, 95%) vs scipy.stats.bootstrap "
                      "(percentile), up to 4% of the width")  # fmt: skip
