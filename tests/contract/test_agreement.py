"""Honest submissions score the same in-kernel (plain nbgrader) and isolated (medl grade).

Each unit's reference, which nbgrader autograded in the contract run, is graded again by
the isolated engine: its whole notebook runs in the sandbox, training cells included, and
every cell must get the same score (full marks) as in-kernel.

How the two modes score partial credit, a failing public check and an answer that raises
is unit-independent code; it is compared check by check, messages included, on a small
unit in ``tests/autograder/test_isolated.py``, and on real units by the cheats of
``tests/adversarial/test_contract_cheats.py``, graded in the sandbox, whose scores must be
the ones their planted mistakes declare and plain nbgrader gives. A per-unit regrade of a
submission with planted mistakes showed nothing those do not, at a sandbox run per unit
(unit06's shortest ran its whole notebook again).
"""

from __future__ import annotations

import os

import pytest

from autograder.authoring.pipeline import REFERENCE
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


def test_isolated_scores_equal_in_kernel_scores(graded, unit):
    run = graded(unit)
    source = run.course.source_notebook(unit)
    submitted = run.course.root / "submitted" / REFERENCE / unit / f"{unit}.ipynb"
    isolated = grade_notebook(submitted, source=source, options=SAME_LIMITS_AS_IN_KERNEL)
    assert isolated.status == "ok", isolated.reason
    in_kernel = {gid: score for gid, (score, _) in run.scores[REFERENCE].items()}
    got = {cell.grade_id: cell.score for cell in isolated.cells}
    disagreements = [
        f"{gid}: in-kernel {score:g}, isolated {got.get(gid)}"
        for gid, score in in_kernel.items()
        if abs(score - got.get(gid, -1)) > 1e-9
    ]
    assert disagreements == []


def test_the_isolated_cell_time_is_the_in_kernel_one(repo):
    from autograder.course.folders import _nbgrader_coursedir

    _, config = _nbgrader_coursedir(repo)
    assert config["Execute"]["timeout"] == SAME_LIMITS_AS_IN_KERNEL.limits.cell_timeout_s
