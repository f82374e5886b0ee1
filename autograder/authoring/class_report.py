"""``medl report``: gather a graded assignment and write the instructor's page.

The gradebook gives every submission's scores; medl's results add checks, messages,
crashes and times (see :mod:`autograder.reports.class_results`); the submitted notebooks
give the answer cells the similarity section compares; the unit's planted mistakes (when
it is one of the course's units) say which known mistakes the class makes.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from autograder.authoring import samples
from autograder.contract import notebook as notebooks
from autograder.course.directory import Course
from autograder.reports import similarity
from autograder.reports.class_page import PageInputs, write_page
from autograder.reports.class_results import collect


def answer_cells(nb) -> dict[str, str]:
    """grade_id → source of each answer cell of ``nb``."""
    return {
        meta["grade_id"]: cell.source
        for cell in nb.cells
        if cell.cell_type == "code" and (meta := notebooks.nbgrader_meta(cell)).get("solution")
    }


def submitted_answers(course: Course, assignment: str, students: list[str]) -> dict[str, dict]:
    """student → their answer cells (students whose notebook cannot be read are left out)."""
    answers = {}
    for student in students:
        folder = course.folders.path("submitted", student, assignment)
        for path in sorted(folder.glob("*.ipynb"))[:1]:
            try:
                answers[student] = answer_cells(notebooks.read(path))
            except (OSError, ValueError):
                continue
    return answers


def build_report(
    course_root: Path, assignment: str, out_dir: Path | None = None, *, similar_at_least: float = 0.5
) -> Path:
    """Write the report page for ``assignment``; return its path.

    Raises:
        CourseError, KeyError: when the course or the assignment's grades do not exist.
    """
    course = Course(Path(course_root))
    scores = course.scores(assignment)
    if not scores:
        raise KeyError(f"no graded submissions of {assignment!r} in the gradebook")
    results = collect(scores, course.root, assignment)
    answers = submitted_answers(course, assignment, sorted(scores))
    release = course.release_notebook(assignment)
    skeleton = answer_cells(notebooks.read(release)) if release.is_file() else {}
    reference = (
        answer_cells(course.reference(assignment))
        if release.is_file() and course.source_notebook(assignment).is_file()
        else {}
    )
    pairs = similarity.similar_pairs(answers, skeleton=skeleton, reference=reference or None,
                                     at_least=similar_at_least)  # fmt: skip
    baseline = None
    if reference and answers:
        ref_prints = similarity.answer_prints(reference, skeleton)
        baseline = statistics.median(
            similarity.compare(ref_prints, similarity.answer_prints(a, skeleton))[0]
            for a in answers.values()
        )
    planted = {m.name: m.message for m in samples.mutants(assignment)}
    inputs = PageInputs(planted=planted, pairs=pairs, answers=answers,
                        reference_similarity=baseline)  # fmt: skip
    out = Path(out_dir) if out_dir else course.root / "reports" / assignment
    return write_page(results, out, inputs)
