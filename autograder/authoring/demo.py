"""``medl demo``: release units, hand in sample submissions, autograde, report.

Everything runs through plain nbgrader in a fresh course directory, so the demo is also
what an instructor's own course looks like on disk afterwards.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from autograder.authoring.pipeline import UnitRun, run_unit
from autograder.course.directory import Course, repo_root
from autograder.course.directory import units as known_units
from autograder.reports import tables as report


@dataclass
class DemoResult:
    course: Course
    runs: list[UnitRun] = field(default_factory=list)

    @property
    def grades_csv(self) -> Path:
        return self.course.root / "grades.csv"

    @property
    def feedback_dir(self) -> Path:
        return self.course.root / self.course.folders.steps["feedback"]


def run_demo(
    *, out_dir: Path | None = None, units: tuple[str, ...] | None = None, console: Console
) -> DemoResult:
    """Grade the sample students of ``units`` in a new course directory and report.

    Args:
        out_dir: where to build the course; a new temporary directory when None. It must
            not exist yet or be empty, so an earlier course is never overwritten.
        units: the assignments to release and grade; every unit with a source notebook when
            None.
        console: where progress and tables go.

    Raises:
        FileExistsError: if ``out_dir`` exists and is not empty.
    """
    if out_dir is None:
        out_dir = Path(tempfile.mkdtemp(prefix="medl-demo-"))
    elif out_dir.exists() and any(out_dir.iterdir()):
        raise FileExistsError(f"demo directory {out_dir} exists and is not empty")
    units = tuple(units) if units else tuple(known_units())
    course = Course.create(out_dir, list(units), repo=repo_root())
    result = DemoResult(course=course)
    console.print(f"[bold]medl demo[/bold]: course directory {course.root}")
    for unit in units:
        started = time.perf_counter()
        with console.status(f"{unit}: release, hand in 4 sample students, nbgrader autograde"):
            run = run_unit(course, unit, which="demo")
        result.runs.append(run)
        console.print(
            f"  {unit}: graded {len(run.scores)} submissions in "
            f"{time.perf_counter() - started:.0f} s"
        )
    with console.status("nbgrader generate_feedback and export"):
        for unit in units:
            course.nbgrader("generate_feedback", unit, "--force", "--log-level=WARN")
        course.nbgrader("export", "--log-level=WARN")
    report.print_table(console, report.student_table(result.runs))
    report.print_table(console, report.cell_table(result.runs))
    console.print(f"grades:   {result.grades_csv}")
    console.print(f"feedback: {result.feedback_dir}/<student>/<unit>/<unit>.html")
    return result
