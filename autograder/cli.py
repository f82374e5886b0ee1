"""The ``medl`` command line: each command calls one function with keyword arguments."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(help="medl: course kit and autograder for Mathematical Engineering of DL.")
console = Console()


@app.command()
def release(
    units: Annotated[list[str], typer.Argument(help="unit ids, e.g. unit01 unit02")],
) -> None:
    """Regenerate assignments/UNIT from solutions/UNIT with nbgrader."""
    from autograder.release import release as release_unit

    for unit in units:
        path = release_unit(unit)
        console.print(f"{unit}: released to {path}")


@app.command()
def demo(
    out: Annotated[Path | None, typer.Option(help="course directory to create")] = None,
    units: Annotated[str, typer.Option(help="comma-separated unit ids")] = "unit01,unit02",
) -> None:
    """Release units, grade sample submissions with nbgrader, print the grade table."""
    from autograder.demo import run_demo

    run_demo(
        out_dir=out, units=tuple(u.strip() for u in units.split(",") if u.strip()), console=console
    )


@app.command("student-dist")
def student_dist(
    out: Annotated[Path, typer.Option(help="directory for the wheel")] = Path("dist/student"),
) -> None:
    """Build the student wheel: course_lib only, no checks, no solutions."""
    from autograder.student_dist import build_student_wheel

    console.print(f"built {build_student_wheel(out_dir=out)}")


if __name__ == "__main__":
    app()
