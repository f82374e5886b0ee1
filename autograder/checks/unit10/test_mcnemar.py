"""Hidden checks for unit10_mcnemar: the exact McNemar test against scipy.stats.binomtest.

Pairs of correctness vectors of the grader's: no disagreements (p = 1), as many one way as
the other (p = 1), a lopsided small case, and 2,000 samples with 140 disagreements (a
p-value of about 1e-3, where a one-sided or an unclipped computation is off by a factor of
two). The counts b and c must be right too.
"""

import numpy as np
import pytest
from scipy.stats import binomtest

from autograder.contract.kit import rng
from course_lib.testing import CheckFailure, assert_close


def pair(n: int, b: int, c: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Correctness of A and B on n samples, with exactly b and c disagreements, shuffled."""
    gen = rng(seed)
    both = int(gen.integers(0, n - b - c + 1))
    a = np.r_[np.ones(b, bool), np.zeros(c, bool), np.ones(both, bool), np.zeros(n - b - c - both, bool)]
    other = np.r_[np.zeros(b, bool), np.ones(c, bool), np.ones(both, bool), np.zeros(n - b - c - both, bool)]
    order = gen.permutation(n)
    return a[order], other[order]


CASES = {"no_disagreement": (30, 0, 0), "balanced": (40, 6, 6), "lopsided": (25, 9, 1), "large": (2000, 55, 85)}


def result(submission, case: str, seed: int) -> tuple[dict, int, int]:
    n, b, c = CASES[case]
    got = submission.call("mcnemar_test", *pair(n, b, c, seed))
    if not isinstance(got, dict) or not {"b", "c", "p_value"} <= set(got):
        raise CheckFailure(f'mcnemar_test must return a dict with keys "b", "c" and "p_value", got {got!r:.200}')
    return got, b, c


def test_counts(submission):
    for i, case in enumerate(CASES):
        got, b, c = result(submission, case, 10_201 + i)
        if (int(got["b"]), int(got["c"])) != (b, c):
            raise CheckFailure(f"mcnemar_test ({case} case): b, c = {got['b']}, {got['c']}; expected {b}, {c} "
                               "(b: A right and B wrong)")  # fmt: skip


@pytest.mark.parametrize("case", list(CASES))
def test_p_value(submission, case):
    got, b, c = result(submission, case, 10_301)
    expected = 1.0 if b + c == 0 else binomtest(b, b + c, 0.5).pvalue
    assert_close(float(got["p_value"]), expected, rtol=1e-6, atol=1e-12,
                 name=f"mcnemar_test p-value ({case} case: b = {b}, c = {c}) vs scipy.stats.binomtest")  # fmt: skip
