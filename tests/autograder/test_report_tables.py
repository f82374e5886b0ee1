"""The demo's grade tables: every grade_id and score readable in a CI log."""

import io

from rich.console import Console

from autograder.authoring.pipeline import UnitRun
from autograder.reports import tables as report

LONG_ID = "unit02_categorical_cross_entropy_with_a_long_name"


def _runs() -> list[UnitRun]:
    scores = {
        "reference": {LONG_ID: (2.0, 2.0), "unit02_sigmoid": (2.0, 2.0)},
        "blank": {LONG_ID: (0.0, 2.0), "unit02_sigmoid": (0.0, 2.0)},
        "planted_bug": {LONG_ID: (1.5, 2.0), "unit02_sigmoid": (2.0, 2.0)},
        "weak_model": {LONG_ID: (2.0, 2.0), "unit02_sigmoid": (1.0, 2.0)},
    }
    return [UnitRun(unit="unit02", course=None, scores=scores)]


def _printed(table, *, width: int, terminal: bool) -> str:
    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=terminal, color_system=None)
    report.print_table(console, table)
    return out.getvalue()


def test_a_log_gets_the_whole_grade_id_on_one_line():
    text = _printed(report.cell_table(_runs()), width=60, terminal=False)
    line = next(row for row in text.splitlines() if LONG_ID in row)
    assert "1.5/2" in line and "0/2" in line


def test_a_narrow_terminal_wraps_the_grade_id_instead_of_cutting_it():
    text = _printed(report.cell_table(_runs()), width=60, terminal=True)
    assert "…" not in text
    assert LONG_ID not in text  # folded over lines, so not on one line...
    joined = "".join(row.split("│")[1].strip() for row in text.splitlines() if row.count("│") > 2)
    assert LONG_ID in joined  # ...but every character is there


def test_totals_add_up_per_student():
    text = _printed(report.student_table(_runs()), width=200, terminal=False)
    rows = {line.split("│")[1].strip(): line for line in text.splitlines() if "│" in line}
    assert "4/4" in rows["reference"] and "0/4" in rows["blank"]
    assert "3.5/4" in rows["planted_bug"] and "3/4" in rows["weak_model"]
