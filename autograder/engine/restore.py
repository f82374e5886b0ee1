"""Put a submission's protected cells back as the source notebook has them.

What nbgrader's ``OverwriteCells`` (with ``add_missing_cells``) does, without a gradebook:
every locked cell and every test cell (graded, not an answer) is matched by ``grade_id``
and its source, type and nbgrader metadata are restored from the source notebook; a
deleted one is put back after the cell that precedes it in the source. Points and all
other metadata always come from the source. Answer cells keep the student's code (the
source's reference answer never leaks into a submission), but their metadata is restored.
Every change is reported, so a grade report can say what a student tampered with.
"""

from __future__ import annotations

import copy

import nbformat
from nbformat.notebooknode import NotebookNode

from autograder.contract.notebook import (
    is_protected,
    nbgrader_meta,
    strip_hidden_tests,
)


def restore_cells(submitted: NotebookNode, source: NotebookNode) -> tuple[NotebookNode, list[str]]:
    """Return a copy of ``submitted`` whose protected cells match ``source``, and the changes.

    Args:
        submitted: the student's notebook.
        source: the instructor's source notebook (with hidden tests).

    Returns:
        The restored notebook and one message per change found.
    """
    nb = nbformat.from_dict(copy.deepcopy(submitted))
    originals = {
        meta["grade_id"]: cell
        for cell in source.cells
        if "grade_id" in (meta := nbgrader_meta(cell))
    }
    messages: list[str] = []
    seen: set[str] = set()
    for index, cell in enumerate(nb.cells, start=1):
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id is None:
            continue
        if grade_id not in originals or grade_id in seen:
            why = "is not in the source" if grade_id not in originals else "appears twice"
            messages.append(
                f"cell {index}: grade_id {grade_id!r} {why}; its nbgrader metadata was removed"
            )
            cell.metadata.pop("nbgrader", None)
            continue
        seen.add(grade_id)
        messages += _restore(cell, originals[grade_id], grade_id)
    messages += _put_back_missing(nb, source, originals, seen)
    return nb, messages


def _restore(cell: NotebookNode, original: NotebookNode, grade_id: str) -> list[str]:
    messages = []
    want, got = nbgrader_meta(original), nbgrader_meta(cell)
    if cell.cell_type != original.cell_type:
        messages.append(f"{grade_id}: cell type changed to {cell.cell_type}; restored")
        _set_type(cell, original.cell_type)
    if want.get("grade") and _points(got.get("points")) != _points(want.get("points")):
        messages.append(
            f"{grade_id}: points changed from {_points(want.get('points')):g} to "
            f"{str(got.get('points'))[:40]}; the source's {_points(want.get('points')):g} count"
        )
    changed = sorted(k for k in ("grade", "solution", "locked") if got.get(k) != want.get(k))
    if changed:
        messages.append(f"{grade_id}: nbgrader flags changed ({', '.join(changed)}); restored")
    cell.metadata["nbgrader"] = copy.deepcopy(dict(want))
    if is_protected(want):
        # The release drops the hidden block, so compare what the student was shown.
        if strip_hidden_tests(cell.source).strip() != strip_hidden_tests(original.source).strip():
            messages.append(f"{grade_id}: the locked cell was edited; restored from the source")
        cell.source = original.source
    return messages


def _points(value) -> float:
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return float("nan")  # never equal to the source's points, so it gets reported


def _set_type(cell: NotebookNode, cell_type: str) -> None:
    cell.cell_type = cell_type
    if cell_type == "code":
        cell.outputs, cell.execution_count = [], None
    else:
        cell.pop("outputs", None)
        cell.pop("execution_count", None)


def _put_back_missing(
    nb: NotebookNode, source: NotebookNode, originals: dict, present: set[str]
) -> list[str]:
    messages = []
    order = list(originals)
    for position, grade_id in enumerate(order):
        if grade_id in present:
            continue
        meta = nbgrader_meta(originals[grade_id])
        if not is_protected(meta):
            messages.append(f"{grade_id}: the answer cell is missing")
            continue
        # After the nearest earlier source cell that is in the notebook, else at the top.
        at = 0
        for earlier in reversed(order[:position]):
            if earlier in present:
                at = 1 + next(i for i, c in enumerate(nb.cells) if _grade_id(c) == earlier)
                break
        nb.cells.insert(at, nbformat.from_dict(copy.deepcopy(originals[grade_id])))
        present.add(grade_id)
        messages.append(f"{grade_id}: the cell was deleted; restored from the source")
    return messages


def _grade_id(cell: NotebookNode) -> str | None:
    return nbgrader_meta(cell).get("grade_id")
