"""Hidden checks for unit10_t_interval: the Student t interval against scipy.stats.t.

Three seeds at 95 % (where 1.96 instead of t = 4.30 is the classic mistake), ten scores at
90 % and 99 %, and fewer than two scores, which must raise ValueError.
"""

import numpy as np
import pytest
from scipy.stats import t

from autograder.contract.kit import assert_raises_value_error, rng
from course_lib.testing import CheckFailure, assert_close

CASES = {"three_seeds_95": (3, 0.95), "ten_seeds_90": (10, 0.90), "ten_seeds_99": (10, 0.99)}


@pytest.mark.parametrize("case", list(CASES))
def test_t_interval(submission, case):
    k, confidence = CASES[case]
    scores = 0.8 + 0.05 * rng(10_401 + k).normal(size=k)
    got = submission.call("t_interval", scores, confidence)
    if np.shape(got) != (2,):
        raise CheckFailure(f"t_interval must return (mean, half_width), got {got!r:.100}")
    half = t.ppf((1 + confidence) / 2, k - 1) * scores.std(ddof=1) / np.sqrt(k)
    assert_close(np.asarray(got, float), [scores.mean(), half], rtol=1e-6,
                 name=f"(mean, half_width) of t_interval for {k} scores at confidence {confidence} "
                      "vs scipy.stats.t")  # fmt: skip


def test_one_score_raises(submission):
    assert_raises_value_error(submission, "t_interval", [0.9], 0.95, what="t_interval([0.9], 0.95)")
