"""Submissions score the same in-kernel (plain nbgrader) and isolated (medl grade).

The notebooks nbgrader autograded in the contract run are graded again by the isolated
engine, and every cell must get the same score. Per unit:

- the reference: its whole notebook runs in the sandbox, training cells included, and
  keeps full marks;
- the submission with planted mistakes whose run stops first, when it stops before the
  unit's last graded cell: its partial credit, failed checks (unit02's fails a public
  check) and reset answers go through the bridge and the sandbox's limits, paths the
  reference never takes. Where every such submission runs to the last graded cell (units
  06 and 10 today), its regrade would repeat the unit's trainings in the sandbox (over a
  minute each on a busy core) and is left out: there, wrong answers reach the sandbox
  through the blank releases of the hostile-cell tests
  (``tests/adversarial/test_contract_cheats.py``).

Check-by-check results, messages included, are compared between the modes on the small
unit of ``tests/autograder/test_isolated.py``: the reference, a wrong value, a failing
public check and an answer that raises.
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


def packed_submission_that_stops_early(run: UnitRun) -> str | None:
    """The submission with planted mistakes that runs the fewest graded cells, if it stops
    before the last one (None when every such submission runs the whole notebook)."""
    packed = sorted(student for student, planted in run.students.items() if planted)
    shortest = min(packed, key=lambda student: len(run.judged(student)))
    return shortest if run.skipped.get(shortest) else None


def test_isolated_scores_equal_in_kernel_scores(graded, unit):
    run = graded(unit)
    source = run.course.source_notebook(unit)
    early = packed_submission_that_stops_early(run)
    disagreements = []
    for student in (REFERENCE, *([early] if early else [])):
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
