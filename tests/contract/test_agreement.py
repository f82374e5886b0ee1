"""Honest submissions score the same in-kernel (plain nbgrader) and isolated (medl grade).

The same notebooks nbgrader autograded in the contract run are graded again by the
isolated engine; every cell must get the same score. The students are the reference and
the submissions that carry the demo's two roles, whose partial credit exercises the
checks' weights.
"""

from __future__ import annotations

import pytest

from autograder.authoring.pipeline import REFERENCE
from autograder.engine.isolated import grade_notebook

pytestmark = pytest.mark.slow


def test_isolated_scores_equal_in_kernel_scores(graded, unit):
    from autograder.authoring import samples

    run = graded(unit)
    roles = samples.demo_roles(unit)
    carriers = {run.submission_of(mutant.name) for mutant in roles.values()}
    students = [REFERENCE, *sorted(carriers)]
    source = run.course.source_notebook(unit)
    disagreements = []
    for student in students:
        submitted = run.course.root / "submitted" / student / unit / f"{unit}.ipynb"
        isolated = grade_notebook(submitted, source=source)
        assert isolated.status == "ok", isolated.reason
        in_kernel = {gid: score for gid, (score, _) in run.scores[student].items()}
        got = {cell.grade_id: cell.score for cell in isolated.cells}
        disagreements += [
            f"{student} {gid}: in-kernel {in_kernel[gid]:g}, isolated {got.get(gid)}"
            for gid in in_kernel
            if abs(in_kernel[gid] - got.get(gid, -1)) > 1e-9
        ]
    assert disagreements == []
