"""Plant several mistakes in one submission, so a unit's mistakes cost a few notebook runs.

Each planted mistake edits one answer cell and declares the graded cells it costs. Its
*span* runs from the answer cell it edits to the test cell of the last graded cell it
declares. Mistakes whose spans do not overlap share one submission: the notebook runs
once, each span scores as its mistake declares, and after each span a few added cells
re-run the reference's code of that span, so the next mistake starts from the state the
reference would have (the functions, and whatever the span's cells computed with them).
Students may add cells, and nbgrader leaves such cells alone, so this is an ordinary
submission. Re-running a span that trains a network pays for the training twice; a unit
names the answer cells whose results no later graded cell reads (``RESULTS_NOT_REUSED``
in its samples module), and their restore re-runs only their definitions (functions,
classes, imports). A wrong name there cannot hide: the later spans would run on the
mistake's results and score other than declared.

After the last span every answer is reset to the release's stub: those cells stop at once
and score 0, as in a blank notebook. A unit's training runs come late in its notebook, so
the early mistakes never pay for them.

The contract stays as strict as one submission per mistake: every graded cell of a
packed submission is checked, the cells between spans must keep full marks, and a
mistake that leaks state past its span (an input changed in place, a random stream drawn
out of order) shows up as a mismatch in a later span. Such a mistake is marked
``solo`` and gets a submission of its own. One thing the restore does hide: a later cell
that calls the mistaken function gets the reference's, so a mistake must declare the
later cells it costs, which stretches its span over them; the pipeline's ``--whole`` mode
grades a mistake alone in a whole notebook to find those cells.
"""

from __future__ import annotations

import ast
from collections.abc import Collection
from dataclasses import dataclass

import nbformat
from nbformat.notebooknode import NotebookNode

from autograder.contract.notebook import Mutant, cells_by_grade_id, is_test_cell, nbgrader_meta

# Marks the added cells (metadata), so a reader of an autograded sample sees what they are.
RESTORE_KEY = "medl_restores"


@dataclass(frozen=True)
class Span:
    """Cell indices (inclusive) from the answer a mistake edits to its last declared test."""

    first: int
    last: int


def span_of(nb: NotebookNode, mutant: Mutant) -> Span:
    """Where ``mutant`` acts in ``nb``.

    Raises:
        ValueError: if it declares no score, names a cell the notebook lacks, or declares
            no graded cell at or after the one it edits.
    """
    position = {nbgrader_meta(c).get("grade_id"): i for i, c in enumerate(nb.cells)}
    if not mutant.expected:
        raise ValueError(f"mutant {mutant.name} declares no score")
    missing = sorted({mutant.cell, *mutant.expected} - set(position))
    if missing:
        raise ValueError(f"mutant {mutant.name} names cells the notebook lacks: {missing}")
    last = max(position[gid] for gid in mutant.expected)
    if position[mutant.cell] > last:
        raise ValueError(f"mutant {mutant.name} declares no cell after the one it edits")
    return Span(position[mutant.cell], last)


def graded_in(nb: NotebookNode, span: Span) -> list[str]:
    """grade_ids of the test cells inside ``span``."""
    return [
        nbgrader_meta(cell)["grade_id"]
        for cell in nb.cells[span.first : span.last + 1]
        if is_test_cell(cell)
    ]


def plan(nb: NotebookNode, mutants: list[Mutant]) -> list[list[Mutant]]:
    """Group ``mutants`` into submissions whose spans do not overlap, in notebook order.

    Spans are taken by where they start; each joins the open submission whose last span
    ended latest before it starts (so a submission that stopped early stays short), or
    opens a new one. For intervals this uses as few submissions as any grouping can: a new
    one opens only where every other is still inside a span.
    """
    spans = {m.name: span_of(nb, m) for m in mutants}
    groups: list[list[Mutant]] = []
    for mutant in sorted(mutants, key=lambda m: (spans[m.name].first, spans[m.name].last)):
        start = spans[mutant.name].first
        free = [
            group
            for group in groups
            if not (mutant.solo or group[-1].solo) and spans[group[-1].name].last < start
        ]
        if free:
            max(free, key=lambda group: spans[group[-1].name].last).append(mutant)
        else:
            groups.append([mutant])
    return groups


def plant(
    reference: NotebookNode,
    release: NotebookNode,
    mutants: list[Mutant],
    *,
    definitions_only: Collection[str] = (),
) -> tuple[NotebookNode, list[str]]:
    """The reference with ``mutants`` planted, restored after each span, stopped after the last.

    Args:
        reference: the perfect submission.
        release: the release notebook (its stubs replace the answers after the last span).
        mutants: mistakes with pairwise disjoint spans (see :func:`plan`).
        definitions_only: grade_ids of answer cells whose restore re-runs only their
            top-level definitions, not the computation (a training run) around them.

    Returns:
        The submission and the grade_ids after the last span (they will score 0).

    Raises:
        ValueError: if two spans overlap, or a mutant no longer applies.
    """
    if not mutants:
        raise ValueError("plant needs at least one mutant")
    spans = sorted(((span_of(reference, m), m) for m in mutants), key=lambda pair: pair[0].first)
    for (before, a), (after, b) in zip(spans, spans[1:]):
        if after.first <= before.last:
            raise ValueError(f"mutants {a.name} and {b.name} act on overlapping cells")
    nb = reference
    for _, mutant in spans:
        nb = mutant.apply(nb)
    stubs = cells_by_grade_id(release)
    skipped = []
    end = spans[-1][0].last
    for cell in nb.cells[end + 1 :]:
        meta = nbgrader_meta(cell)
        if meta.get("solution") and meta["grade_id"] in stubs:
            cell.source = stubs[meta["grade_id"]].source
        elif is_test_cell(cell):
            skipped.append(meta["grade_id"])
    # Insert from the back, so the earlier spans' indices still hold.
    for span, mutant in reversed(spans[:-1]):
        restored = _restore_cells(reference, span, mutant, set(definitions_only))
        nb.cells[span.last + 1 : span.last + 1] = restored
    return nb, skipped


def _restore_cells(
    reference: NotebookNode, span: Span, mutant: Mutant, definitions_only: set[str]
) -> list[NotebookNode]:
    """Copies of the reference's code cells in ``span`` (not its tests), as plain cells."""
    restored = []
    for cell in reference.cells[span.first : span.last + 1]:
        if cell.cell_type != "code" or is_test_cell(cell):
            continue
        source = cell.source
        if nbgrader_meta(cell).get("grade_id") in definitions_only:
            source = definitions_of(source)
        if source.strip():
            copy = nbformat.v4.new_code_cell(source)
            copy.metadata[RESTORE_KEY] = mutant.name
            restored.append(copy)
    return restored


_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)


def definitions_of(source: str) -> str:
    """The top-level functions, classes and imports of ``source``, in their order.

    Raises:
        ValueError: if ``source`` is not plain Python (a cell with magics cannot be cut).
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        message = f"cannot keep only the definitions of a cell that does not parse: {exc}"
        raise ValueError(message) from exc
    lines = source.splitlines()
    kept = []
    for node in tree.body:
        if isinstance(node, _DEFINITIONS):
            first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
            kept.append("\n".join(lines[first - 1 : node.end_lineno]))
    return "\n\n\n".join(kept) + ("\n" if kept else "")
