"""Build nbgrader source-notebook cells in code: used by tests and by unit authors.

The committed .ipynb files under solutions/ are the source of truth (instructors edit them
in Jupyter); these helpers only make correct nbgrader metadata easy to write.
"""

from __future__ import annotations

import nbformat
from nbformat.notebooknode import NotebookNode

SCHEMA_VERSION = 3


def _meta(grade_id: str, *, grade: bool, solution: bool, locked: bool, points=None) -> dict:
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": SCHEMA_VERSION,
        "solution": solution,
        "task": False,
    }
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def markdown(text: str) -> NotebookNode:
    """A plain instruction cell."""
    return nbformat.v4.new_markdown_cell(text.strip())


def code(source: str) -> NotebookNode:
    """A plain code cell (imports, demos) that students may edit freely."""
    return nbformat.v4.new_code_cell(source.strip())


def given(source: str, grade_id: str) -> NotebookNode:
    """A locked code cell (setup, given helpers, plots): grading restores its source."""
    return nbformat.v4.new_code_cell(
        source.strip(), metadata=_meta(grade_id, grade=False, solution=False, locked=True)
    )


def solution(source: str, grade_id: str) -> NotebookNode:
    """An answer cell: the reference answer sits between BEGIN/END SOLUTION markers."""
    return nbformat.v4.new_code_cell(
        source.strip(), metadata=_meta(grade_id, grade=False, solution=True, locked=False)
    )


def hidden_call(grade_id: str, points: float) -> str:
    """The hidden part of a test cell: runs the hidden checks and returns partial credit."""
    return (
        "### BEGIN HIDDEN TESTS\n"
        "from autograder.contract.incell import grade\n"
        f'grade("{grade_id}", globals(), points={points:g})\n'
        "### END HIDDEN TESTS"
    )


def public_block(public: str, note: str = "") -> str:
    """Public checks inside ``with public_checks(note):``, so none stops the others.

    The notebook must import ``public_checks`` from ``course_lib.testing`` (its setup cell
    does); see :class:`course_lib.testing.public_checks`.
    """
    body = "\n".join(
        ("    " + line) if line.strip() else "" for line in public.strip().splitlines()
    )
    return f"with public_checks({note!r}):\n{body}" if note else f"with public_checks():\n{body}"


def tests(public: str, grade_id: str, points: float, *, note: str = "") -> NotebookNode:
    """A locked, graded test cell: the public checks in a ``public_checks`` block, then the
    hidden-check call."""
    source = public_block(public, note) + "\n\n" + hidden_call(grade_id, points)
    return nbformat.v4.new_code_cell(
        source, metadata=_meta(grade_id, grade=True, solution=False, locked=True, points=points)
    )


def manual(prompt_answer: str, grade_id: str, points: float) -> NotebookNode:
    """A manually graded markdown answer (reference text between the solution markers)."""
    return nbformat.v4.new_markdown_cell(
        prompt_answer.strip(),
        metadata=_meta(grade_id, grade=True, solution=True, locked=False, points=points),
    )


def notebook(cells: list[NotebookNode]) -> NotebookNode:
    """A notebook with the python3 kernelspec nbgrader expects."""
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    nb.metadata["language_info"] = {"name": "python"}
    return nb
