"""Hidden checks for unit09_policy_iteration: ``evaluate_policy`` and ``policy_iteration``.

``evaluate_policy`` is compared with the grader's own linear solve for random policies on
gymnasium's 8x8 lake and on a random decision process (terminal entries leading to
ordinary states). ``policy_iteration`` must return V* to 1e-6 and an optimal policy on a
random 5x5 lake and a random decision process. Both use the student's ``tabulate``; a
failure names it when it fails its own check.
"""

import numpy as np
import pytest

from autograder.checks.unit09 import test_value_iteration as value_checks
from autograder.checks.unit09.common import (
    assert_optimal_policy,
    eight_by_eight,
    lake,
    optimal,
    policy_values,
    random_lake,
    random_mdp,
)
from autograder.contract.kit import pointing_back, rng
from course_lib.testing import CheckFailure, assert_close

EVALUATION = {
    "lake_8x8_gamma_0.99": (eight_by_eight, 0.99, 9201),
    "random_mdp_gamma_0.7": (lambda: random_mdp(9202, 6, 4), 0.7, 9203),
}
TABULATE = {"tabulate": ("unit09_value_iteration", value_checks.test_tabulate)}
IMPROVEMENT = {
    "random_lake_5x5_gamma_0.95": (lambda: lake(random_lake(5, 9204)), 0.95),
    "random_mdp_gamma_0.9": (lambda: random_mdp(9205, 8, 3), 0.9),
}


@pytest.mark.parametrize("case", list(EVALUATION))
@pointing_back(TABULATE)
def test_evaluate_policy(submission, case):
    make, gamma, seed = EVALUATION[case]
    P = make()
    policy = rng(seed).integers(0, len(P[0]), size=len(P))
    got = submission.call("evaluate_policy", P, policy, gamma)
    assert_close(np.asarray(got, float), policy_values(P, policy, gamma), rtol=1e-8, atol=1e-10,
                 name=f"evaluate_policy of a random policy vs the exact solve ({case} case)")  # fmt: skip


@pytest.mark.parametrize("case", list(IMPROVEMENT))
@pointing_back(TABULATE)
def test_policy_iteration(submission, case):
    make, gamma = IMPROVEMENT[case]
    P = make()
    got = submission.call("policy_iteration", P, gamma)
    if not (isinstance(got, (tuple, list)) and len(got) == 2):
        raise CheckFailure(f"policy_iteration must return (V, policy), got {type(got).__name__}")
    V_star, Q_star = optimal(P, gamma)
    assert_close(np.asarray(got[0], float), V_star, rtol=0, atol=1e-6, name=f"V of policy_iteration vs the exact V* ({case} case)")
    assert_optimal_policy(got[1], Q_star, name=f"the policy of policy_iteration ({case} case)")
