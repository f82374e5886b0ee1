"""The pieces a check points back to run as checks: they fail as checks, never as grader bugs.

``kit.inherited_mistakes`` runs a cell's pieces only after the cell failed, so the reference
run never exercises them; and it counts any exception as the student's failing piece. A
wrapper with a wrong argument or a renamed case would then blame the student. Here every
unit's pieces meet a submission that refuses everything: each must end in a CheckFailure
(the student's code "raised"), not a TypeError or KeyError of the grader's own. This
reaches each piece up to its first call into the submission (a wrapper that drops an
argument fails here); what a wrapper does after that call is exercised by the contract run
of the mistakes that declare the later cells.
"""

import importlib

import pytest

from autograder.contract.submission import StudentError
from course_lib.testing import CheckFailure

PIECE_SETS = [
    ("unit07", "test_gan_step", "LOSSES"),
    ("unit07", "test_ring_gan", "TRAINING_PIECES"),
    ("unit08", "test_multi_head_attention", "ATTENTION"),
    ("unit08", "test_reversal", "ENCODING"),
    ("unit09", "test_cartpole_dqn", "TRAINING_PIECES"),
    ("unit09", "test_policy_iteration", "TABULATE"),
    ("unit09", "test_q_learning", "Q_UPDATE"),
    ("unit10", "test_capstone", "MAKE_MODEL"),
]


class Refusing:
    """A submission whose every call, read and description fails as a student's code would."""

    def __getattr__(self, operation: str):
        def refuse(*args, **kwargs):
            raise StudentError(f"{operation} refused")

        return refuse


@pytest.mark.parametrize(("unit", "module", "attribute"), PIECE_SETS, ids=[f"{u}.{m}" for u, m, _ in PIECE_SETS])
def test_every_piece_fails_as_a_check(unit, module, attribute):
    pieces = getattr(importlib.import_module(f"autograder.checks.{unit}.{module}"), attribute)
    assert pieces
    for name, (cell, check) in pieces.items():
        assert cell.startswith(f"{unit}_"), f"{name} points to {cell}, outside {unit}"
        with pytest.raises(CheckFailure):
            check(Refusing())
