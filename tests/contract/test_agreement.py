"""Honest submissions score the same in-kernel (plain nbgrader) and isolated (medl grade).

The same notebooks nbgrader autograded in the contract run are graded again by the
isolated engine; every cell must get the same score. Two students per unit: the
reference, whose whole notebook runs in the sandbox with every check passing, and the
submission with planted mistakes whose run stops first, whose partial credit exercises
the checks' weights (and whose reset answers score 0 in both). A later-stopping
submission would pay again for the training runs the reference already took through the
sandbox, and show nothing new about how a score is computed.
"""

from __future__ import annotations

import os

import pytest

from autograder.authoring.pipeline import REFERENCE, UnitRun
from autograder.engine.isolated import grade_notebook
from autograder.engine.options import GradingOptions
from autograder.engine.sandbox import Limits

pytestmark = pytest.mark.slow

# The same per-cell time as the in-kernel run (c.Execute.timeout in nbgrader_config.py):
# with two workers on two cores a training cell can take several times its solo time
# (unit09's DQN: 67 s alone, 371 s in a busy run), and a cell cut short in one run only
# would be a disagreement about the machine, not about the scores. The same thread pools
# too: the in-kernel kernels inherit the share tests/conftest.py gives each worker.
_THREADS = os.environ.get("TF_NUM_INTRAOP_THREADS")
SAME_LIMITS_AS_IN_KERNEL = GradingOptions(
    limits=Limits(cell_timeout_s=600, threads=int(_THREADS) if _THREADS else None)
)


def shortest_packed_submission(run: UnitRun) -> str:
    """The submission with planted mistakes that runs the fewest graded cells."""
    packed = sorted(student for student, planted in run.students.items() if planted)
    return min(packed, key=lambda student: len(run.judged(student)))


def test_isolated_scores_equal_in_kernel_scores(graded, unit):
    run = graded(unit)
    source = run.course.source_notebook(unit)
    disagreements = []
    for student in (REFERENCE, shortest_packed_submission(run)):
        submitted = run.course.root / "submitted" / student / unit / f"{unit}.ipynb"
        isolated = grade_notebook(submitted, source=source, options=SAME_LIMITS_AS_IN_KERNEL)
        assert isolated.status == "ok", isolated.reason
        in_kernel = {gid: score for gid, (score, _) in run.scores[student].items()}
        got = {cell.grade_id: cell.score for cell in isolated.cells}
        disagreements += [
            f"{student} {gid}: in-kernel {in_kernel[gid]:g}, isolated {got.get(gid)}"
            for gid in in_kernel
            if abs(in_kernel[gid] - got.get(gid, -1)) > 1e-9
        ]
    assert disagreements == []


def test_the_isolated_cell_time_is_the_in_kernel_one(repo):
    from autograder.course.folders import _nbgrader_coursedir

    _, config = _nbgrader_coursedir(repo)
    assert config["Execute"]["timeout"] == SAME_LIMITS_AS_IN_KERNEL.limits.cell_timeout_s
