"""Record an isolated grade in nbgrader's gradebook, as ``nbgrader autograde`` would.

Scores go in by grade_id with partial credit, and the executed notebook goes to
autograded/, so ``nbgrader generate_feedback``, ``export`` and formgrader work unchanged.
Only the grader's own process calls this; one writer at a time keeps SQLite consistent.
"""

from __future__ import annotations

import warnings
from datetime import datetime
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.api import Gradebook

from autograder.contract import notebook as notebooks
from autograder.course.folders import CourseError, CourseFolders


def record(
    folders: CourseFolders,
    *,
    assignment: str,
    student: str,
    result: dict,
    executed: NotebookNode | None,
    timestamp: datetime | None = None,
) -> None:
    """Store ``result`` (``NotebookGrade.to_dict()``) for ``student`` in the gradebook.

    Autograded code cells get the isolated score; markdown answers are left for manual
    grading (zero if unchanged from the release, as nbgrader does). A manual score a
    grader already gave is never overwritten.

    Raises:
        nbgrader.api.MissingEntry: if the assignment was never released in this course.
    """
    notebook_id = Path(result["notebook"]).stem
    scores = {cell["grade_id"]: cell["score"] for cell in result["cells"]}
    cells = notebooks.cells_by_grade_id(executed) if executed is not None else {}
    with warnings.catch_warnings(), Gradebook(folders.db_url) as gradebook:
        # nbgrader's own submission bookkeeping trips SQLAlchemy autoflush warnings (it
        # does under `nbgrader autograde` too); they are noise, not a problem with the data.
        warnings.filterwarnings("ignore", message=".*not in session.*")
        gradebook.find_assignment(assignment)
        gradebook.update_or_create_student(student)
        extra = {"timestamp": timestamp} if timestamp else {}
        submission = gradebook.update_or_create_submission(assignment, student, **extra)
        for nb in submission.notebooks:
            if nb.name != notebook_id:
                continue
            for grade in nb.grades:
                if grade.name in scores:
                    grade.auto_score = scores[grade.name]
                elif grade.name in cells:  # a manual answer: nbgrader's own rule
                    grade.auto_score, _ = utils.determine_grade(cells[grade.name])
                else:
                    grade.auto_score = 0.0
                grade.needs_manual_grade = (
                    grade.manual_score is not None or grade.auto_score is None
                )
            for comment in nb.comments:
                cell = cells.get(comment.name)
                unchanged = cell is not None and cell.metadata.nbgrader.get(
                    "checksum"
                ) == utils.compute_checksum(cell)
                comment.auto_comment = "No response." if unchanged or cell is None else None
        gradebook.db.commit()
    if executed is None:
        # An unreadable submission (corrupt, missing, not a notebook) still gets an
        # autograded notebook, so formgrader shows it graded (zero, with the reason)
        # instead of offering its autograde button, which would grade outside the sandbox.
        executed = unreadable_placeholder(folders, assignment, notebook_id, result)
    target = folders.path("autograded", student, assignment) / f"{notebook_id}.ipynb"
    notebooks.write(_clean(executed), target)


def assert_released(folders: CourseFolders, assignment: str) -> datetime | None:
    """Fail with a one-line fix when ``assignment`` is not in the gradebook.

    Returns:
        The assignment's due date (naive UTC, as nbgrader stores it), or None.

    Raises:
        CourseError: naming the command that adds it.
    """
    from nbgrader.api import MissingEntry

    if folders.db_url.startswith("sqlite:///"):
        database = Path(folders.db_url.removeprefix("sqlite:///"))
        if not database.is_file():
            raise CourseError(
                f"no gradebook at {database}: run `nbgrader generate_assignment {assignment}` "
                f"in {folders.root} first"
            )
    with Gradebook(folders.db_url) as gradebook:
        try:
            return gradebook.find_assignment(assignment).duedate
        except MissingEntry:
            raise CourseError(
                f"assignment {assignment!r} is not in the gradebook ({folders.db_url}): run "
                f"`nbgrader generate_assignment {assignment}` in {folders.root} first"
            ) from None


def unreadable_placeholder(
    folders: CourseFolders, assignment: str, notebook_id: str, result: dict
) -> NotebookNode:
    """The release notebook with a first cell saying why the submission scored zero."""
    release = folders.path("release", ".", assignment) / f"{notebook_id}.ipynb"
    try:
        nb = notebooks.read(release)
    except (FileNotFoundError, ValueError):
        nb = nbformat.v4.new_notebook()
    reason = result.get("reason") or "the submission could not be graded"
    note = nbformat.v4.new_markdown_cell(
        f"**This submission could not be graded; it scored zero.** {reason}\n\n"
        "This is the released notebook, shown in place of the submission."
    )
    nb.cells.insert(0, note)
    return nb


def _clean(nb: NotebookNode) -> NotebookNode:
    # Feedback rendering expects nbformat-valid notebooks; drop kernel-specific junk.
    nb = nbformat.from_dict(nb)
    nbformat.validator.normalize(nb)
    return nb
