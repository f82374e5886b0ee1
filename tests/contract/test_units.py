"""The grading contract, for every unit in solutions/.

- the reference notebook scores full marks;
- the untouched release scores zero, and the grader survives it;
- each planted mistake scores exactly what its mutant declares, every other cell up to the
  last one it declares keeps full marks, and the failing cells' output names the
  difference; mistakes share submissions where they act on disjoint cells, and every cell
  of such a submission scores as declared (the cells between mistakes keep full marks; the
  answers after the last one are reset and score 0, see ``autograder.authoring.packing``);
- every hidden check fails for at least one planted mistake (no check that cannot fail).

Each unit is released and autograded once, through plain nbgrader, for all its samples.
"""

from __future__ import annotations

import re

import pytest

from autograder.authoring import samples
from autograder.authoring.pipeline import BLANK, REFERENCE, TRIVIAL, UnitRun
from autograder.contract.runner import CHECKS_ROOT

pytestmark = pytest.mark.slow


def mismatches(run: UnitRun, student: str, cells: list[str] | None = None) -> list[str]:
    """Graded cells (all, or ``cells``) where ``student`` did not score as declared."""
    got, expected = run.scores[student], run.expected(student)
    return [
        f"{gid}: expected {expected[gid]:g}, got {got[gid][0]:g}\n"
        + run.course.cell_output(student, run.unit, gid)
        for gid in (expected if cells is None else cells)
        if abs(got[gid][0] - expected[gid]) > 1e-9
    ]


def test_reference_scores_full_marks(graded, unit):
    run = graded(unit)
    assert run.scores[REFERENCE], "the reference has no autograded cells"
    assert mismatches(run, REFERENCE) == []


def test_untouched_release_scores_zero(graded, unit):
    assert mismatches(graded(unit), BLANK) == []


@pytest.mark.parametrize("student", list(TRIVIAL))
def test_trivial_answer_bodies_score_zero(graded, unit, student):
    # pass / return 0 / an object equal to everything, in every answer of the notebook:
    # the release's skeleton alone must earn nothing.
    assert mismatches(graded(unit), student) == []


def test_planted_mistake_loses_exactly_its_points(graded, unit, mutant):
    run = graded(unit)
    student, declared = run.submission_of(mutant), run.mutant(mutant)
    assert mismatches(run, student, run.reach[mutant]) == []
    outputs = {gid: run.course.cell_output(student, unit, gid) for gid in declared.expected}
    # A mistake that spreads to later cells names its difference at least once, and every
    # cell it costs points shows why (a failed check or the error).
    assert any(declared.message in text for text in outputs.values()), (
        f"no affected cell's output contains {declared.message!r}:\n" + "\n".join(outputs.values())
    )
    for grade_id, text in outputs.items():
        assert re.search(r"\[FAIL\]|\w+(Error|Failure|Exception)\b", text), (
            f"{grade_id} lost points silently:\n{text}"
        )


def test_submissions_with_several_mistakes_score_as_declared_everywhere(graded, unit):
    # The cells between two mistakes' spans keep full marks (nothing leaked from the
    # earlier mistake) and the cells after the last one score 0.
    run = graded(unit)
    packed = [student for student, planted in run.students.items() if planted]
    assert packed, f"{unit} has no planted mistakes"
    assert [line for student in packed for line in mismatches(run, student)] == []


def test_every_graded_cell_has_a_mutant(unit):
    run_cells = {gid for m in samples.mutants(unit) for gid in m.expected}
    check_modules = {p.stem.removeprefix("test_") for p in (CHECKS_ROOT / unit).glob("test_*.py")}
    assert {f"{unit}_{name}" for name in check_modules} <= run_cells


def test_every_hidden_check_fails_on_some_mistake(graded, unit):
    run = graded(unit)
    failed: set[tuple[str, str]] = set()
    for student in run.scores:
        if not run.students.get(student):
            continue
        for grade_id in run.judged(student):  # not the cells a mistake's run skips
            output = run.course.cell_output(student, unit, grade_id)
            for name in re.findall(r"\[FAIL\] (test_\w+)", output):
                failed.add((grade_id, name))
    reference_checks = {
        (grade_id, name)
        for grade_id in run.scores[REFERENCE]
        for name in re.findall(
            r"\[PASS\] (test_\w+)", run.course.cell_output(REFERENCE, unit, grade_id)
        )
    }
    never_failed = sorted(reference_checks - failed)
    assert reference_checks, "no hidden checks ran on the reference"
    assert never_failed == [], f"checks no planted mistake makes fail: {never_failed}"
