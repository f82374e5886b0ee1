"""Hidden checks for unit09_q_update: one Q-learning update, step by step.

The grader walks a sequence of 30 transitions of its own on a random 6x3 table (alpha 0.3,
gamma 0.85) and compares the student's table after every step with its own, feeding the
student the grader's table each time so that one wrong step does not hide the next. The
ordinary transitions and the terminal ones (no bootstrap) are separate checks.
"""

import numpy as np
import pytest

from autograder.contract.kit import rng
from course_lib.testing import CheckFailure, assert_close

ALPHA, GAMMA = 0.3, 0.85


def transitions(terminal: bool) -> list[tuple]:
    gen = rng(9301 + terminal)
    return [(int(gen.integers(6)), int(gen.integers(3)), float(np.round(gen.normal(), 3)),
             int(gen.integers(6)), bool(terminal and gen.random() < 0.5)) for _ in range(30)]  # fmt: skip


@pytest.mark.parametrize("kind", ["ordinary", "terminal"])
def test_q_update_steps(submission, kind):
    Q = rng(9303).normal(size=(6, 3))
    steps = transitions(kind == "terminal")
    for i, (s, a, r, s2, done) in enumerate(steps):
        if kind == "terminal" and not done:
            continue
        target = r + GAMMA * (0.0 if done else Q[s2].max())
        expected = Q.copy()
        expected[s, a] += ALPHA * (target - Q[s, a])
        got = np.asarray(submission.call("q_update", Q.copy(), s, a, r, s2, done, ALPHA, GAMMA), dtype=float)
        if got.shape != Q.shape:
            raise CheckFailure(f"q_update must return the whole table, shape {Q.shape}; got shape {got.shape}")
        assert_close(got, expected, rtol=1e-9, atol=1e-12,
                     name=f"Q after q_update on transition {i} (s={s}, a={a}, r={r}, s_next={s2}, "
                          f"terminated={done}, alpha={ALPHA}, gamma={GAMMA})")  # fmt: skip
        Q = expected
