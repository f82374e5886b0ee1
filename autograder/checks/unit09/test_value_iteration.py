"""Hidden checks for unit09_value_iteration: ``tabulate`` and ``value_iteration``.

``tabulate`` is compared entry by entry on a random decision process whose successor lists
repeat states (the probabilities must be summed) and whose terminal entries lead to
ordinary states (they must not continue). ``value_iteration`` must return V* to 1e-6 and a
policy greedy with respect to Q*, both computed here by exact policy iteration, on
gymnasium's 8x8 lake, a random 6x6 lake, and a random decision process.
"""

import numpy as np
import pytest

from autograder.checks.unit09.common import (
    arrays,
    assert_optimal_policy,
    eight_by_eight,
    lake,
    optimal,
    random_lake,
    random_mdp,
)
from course_lib.testing import CheckFailure, assert_close

CASES = {
    "lake_8x8_gamma_0.95": (eight_by_eight, 0.95),
    "random_lake_6x6_gamma_0.9": (lambda: lake(random_lake(6, 9101)), 0.9),
    "random_mdp_gamma_0.8": (lambda: random_mdp(9102), 0.8),
}


def test_tabulate(submission):
    P = random_mdp(9103)
    got = submission.call("tabulate", P)
    if not (isinstance(got, (tuple, list)) and len(got) == 2):
        raise CheckFailure(f"tabulate must return (T, R), got {type(got).__name__}")
    T, R = arrays(P)
    assert_close(np.asarray(got[1], float), R, rtol=1e-9, atol=1e-12, name="R of tabulate on a random decision process")
    assert_close(np.asarray(got[0], float), T, rtol=1e-9, atol=1e-12,
                 name="T of tabulate on a random decision process (a successor may be listed twice; "
                      "terminal entries do not continue)")  # fmt: skip


@pytest.mark.parametrize("case", list(CASES))
def test_value_iteration(submission, case):
    make, gamma = CASES[case]
    P = make()
    got = submission.call("value_iteration", P, gamma)
    if not (isinstance(got, (tuple, list)) and len(got) == 2):
        raise CheckFailure(f"value_iteration must return (V, policy), got {type(got).__name__}")
    V_star, Q_star = optimal(P, gamma)
    assert_close(np.asarray(got[0], float), V_star, rtol=0, atol=1e-6, name=f"V of value_iteration vs the exact V* ({case} case)")
    assert_optimal_policy(got[1], Q_star, name=f"the policy of value_iteration ({case} case)")
