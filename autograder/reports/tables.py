"""Grade tables for the terminal: per student and per graded cell."""

from __future__ import annotations

from typing import Protocol

from rich.console import Console
from rich.measure import Measurement
from rich.table import Table


class UnitRun(Protocol):
    """One unit's grades: ``scores`` student → grade_id → (score, points); ``students``
    lists the students in hand-in order (see :class:`autograder.authoring.pipeline.UnitRun`)."""

    unit: str
    scores: dict[str, dict[str, tuple[float, float]]]
    students: dict


def _fmt(score: float, maximum: float) -> str:
    text = f"{score:g}/{maximum:g}"
    if score >= maximum:
        return f"[green]{text}[/green]"
    return f"[red]{text}[/red]" if score == 0 else f"[yellow]{text}[/yellow]"


def students_of(runs: list[UnitRun]) -> list[str]:
    """Students in the order they were handed in (reference, blank, then the rest)."""
    seen: dict[str, None] = {}
    for run in runs:
        seen.update(dict.fromkeys(s for s in run.students if s in run.scores))
        seen.update(dict.fromkeys(run.scores))
    return list(seen)


def cell_table(runs: list[UnitRun]) -> Table:
    """Rows are graded cells, columns are students: where each student lost points."""
    students = students_of(runs)
    table = Table(title="Autograded cells (score / points)")
    # A grade_id is what an instructor looks up: wrap it in a narrow terminal, never cut it.
    table.add_column("graded cell", overflow="fold")
    for student in students:
        table.add_column(student, justify="right", overflow="fold")
    for run in runs:
        reference = run.scores.get(students[0], {})
        for grade_id in reference:
            cells = [run.scores.get(s, {}).get(grade_id) for s in students]
            table.add_row(grade_id, *(_fmt(*c) if c else "-" for c in cells))
        table.add_section()
    return table


def student_table(runs: list[UnitRun]) -> Table:
    """Rows are students, columns are units and the total."""
    table = Table(title="Totals per student (autograded points)")
    table.add_column("student")
    for run in runs:
        table.add_column(run.unit, justify="right")
    table.add_column("total", justify="right")
    for student in students_of(runs):
        row, earned, possible = [], 0.0, 0.0
        for run in runs:
            cells = run.scores.get(student, {})
            score = sum(s for s, _ in cells.values())
            maximum = sum(m for _, m in cells.values())
            earned, possible = earned + score, possible + maximum
            row.append(_fmt(score, maximum))
        table.add_row(student, *row, _fmt(earned, possible))
    return table


def print_table(console: Console, table: Table) -> None:
    """Print ``table``; into a file or pipe (CI logs), at its full width rather than 80 columns."""
    if console.is_terminal:
        console.print(table)
        return
    natural = Measurement.get(console, console.options.update_width(10_000), table).maximum
    saved = console.width  # a file's width is fixed (80, or $COLUMNS): safe to put back
    console.width = max(saved, natural)
    try:
        console.print(table)
    finally:
        console.width = saved
