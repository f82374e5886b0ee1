"""Which graded cells after a planted mistake's span read what its answer cell defines.

Packing (``autograder.authoring.packing``) re-runs the reference's code after each span,
so a later cell that calls the mistaken function, or reads a value computed with it, is
handed the reference's instead. Whatever the mistake would cost that cell in a student's
notebook goes unseen unless the mistake declares the cell. These are the mistakes worth
grading alone in a whole notebook (``python -m autograder.authoring.pipeline unitNN DIR
--whole``) before trusting their declarations.

The reading is syntactic, from the reference notebook: a cell reads a name when it loads
it without assigning it first in that cell (``fig, ax = plt.subplots()`` reads nothing of
an earlier ``fig``), and what a reading answer cell defines is read in turn. Only answer
cells and graded test cells count; given cells are skipped, so a value a given cell
computes with the mistaken function and a later answer reads is missed, as are names bound
by loops, ``with`` or augmented assignment. A reader is a candidate, not a verdict: many
read the function on inputs where the mistake does not show, which only a whole-notebook
run can tell.
"""

from __future__ import annotations

import ast

from nbformat.notebooknode import NotebookNode

from autograder.authoring.packing import span_of
from autograder.contract.notebook import Mutant, is_test_cell, nbgrader_meta


def defined_names(source: str) -> set[str]:
    """Top-level names a cell binds: functions, classes and assigned variables."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # magics or a half-written cell: it defines nothing we can see
        return set()
    return set().union(*(_bound_by(node) for node in tree.body))


def _bound_by(node: ast.stmt) -> set[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return set()


def read_names(source: str) -> set[str]:
    """Names a cell loads that it has not bound itself earlier in the cell."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    bound: set[str] = set()
    read: set[str] = set()
    for statement in tree.body:
        loads = {n.id for n in ast.walk(statement) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        read |= loads - bound
        bound |= _bound_by(statement)
    return read


def later_readers(nb: NotebookNode, mutant: Mutant) -> list[str]:
    """grade_ids of the graded cells after ``mutant``'s span that read what its cell defines
    and that it does not declare."""
    span = span_of(nb, mutant)
    answer = next(c for c in nb.cells if nbgrader_meta(c).get("grade_id") == mutant.cell)
    tainted = defined_names(answer.source)
    readers: list[str] = []
    pending = False  # an answer cell read a name: charge its graded cell
    # Inside the span too: the restore after it recomputes what those answers defined.
    for index in range(span.first + 1, len(nb.cells)):
        cell, meta = nb.cells[index], nbgrader_meta(nb.cells[index])
        student_code = cell.cell_type == "code" and meta.get("solution", False)
        if not (student_code or is_test_cell(cell)):
            continue  # given cells (plots, printouts) feed no check
        if read_names(cell.source) & tainted:
            pending = True
            if student_code:
                # What this answer defines is computed with the mistake too (mlp_forward
                # calls apply_activation), so a later reader of it is reached as well.
                tainted |= defined_names(cell.source)
        if is_test_cell(cell):
            if pending and index > span.last and meta["grade_id"] not in mutant.expected:
                readers.append(meta["grade_id"])
            pending = False
    return readers
