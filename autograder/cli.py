"""The ``medl`` command line: each command calls one function with keyword arguments."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

# The grader imports TensorFlow for its oracles; its start-up chatter is not for users.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# nbgrader's gradebook runs `alembic` by name: from an unactivated virtualenv it must still
# be this environment's.
os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])

app = typer.Typer(help="medl: course kit and autograder for Mathematical Engineering of DL.")
console = Console()


def _fail(message: str) -> NoReturn:
    """A user's mistake: one line on stderr saying what is wrong and what to do, exit 2."""
    # A console per message: it writes to whatever sys.stderr is now (tests swap it).
    Console(stderr=True, highlight=False, soft_wrap=True).print(f"[red]error:[/red] {message}")
    raise typer.Exit(2)


@app.command()
def release(
    units: Annotated[list[str], typer.Argument(help="unit ids, e.g. unit01 unit02")],
) -> None:
    """Regenerate assignments/UNIT from solutions/UNIT with nbgrader."""
    from autograder.course.directory import units as known_units
    from autograder.course.release import release as release_unit

    _require_units(units, known_units())
    for unit in units:
        path = release_unit(unit)
        console.print(f"{unit}: released to {path}")


def _require_units(asked: list[str] | tuple[str, ...], known: list[str]) -> None:
    unknown = [unit for unit in asked if unit not in known]
    if unknown:
        _fail(f"no source notebook for {', '.join(unknown)}; the units are {', '.join(known)}")


@app.command()
def demo(
    out: Annotated[Path | None, typer.Option(help="course directory to create")] = None,
    units: Annotated[
        str | None, typer.Option(help="comma-separated unit ids [default: every built unit]")
    ] = None,
) -> None:
    """Release units, grade sample submissions with nbgrader, print the grade table."""
    from autograder.authoring.demo import run_demo
    from autograder.course.directory import units as known_units

    known = known_units()
    chosen = tuple(u.strip() for u in units.split(",") if u.strip()) if units else tuple(known)
    _require_units(chosen, known)
    try:
        run_demo(out_dir=out, units=chosen, console=console)
    except FileExistsError as exc:  # checked before anything is written
        _fail(f"{exc}; pick a new folder (nothing is overwritten)")


@app.command("student-dist")
def student_dist(
    out: Annotated[Path, typer.Option(help="directory for the wheel")] = Path("dist/student"),
) -> None:
    """Build the student wheel: course_lib only, no checks, no solutions."""
    from autograder.authoring.student_dist import build_student_wheel

    console.print(f"built {build_student_wheel(out_dir=out)}")


def _grading_options(timeout: float | None, memory: int | None, device: str, show: bool):
    """The one options object a grading command builds; the engine carries it unchanged."""
    from autograder.engine.options import GradingOptions
    from autograder.engine.sandbox import DEVICES, Limits

    if device not in DEVICES:  # GradingOptions would refuse it too; this names the flag
        *first, last = sorted(DEVICES)
        _fail(f"--device must be {', '.join(first)} or {last}; got {device!r}")
    defaults = Limits()
    limits = Limits(
        cell_timeout_s=timeout or defaults.cell_timeout_s,
        notebook_timeout_s=max(timeout or 0, defaults.notebook_timeout_s),
        memory_mb=memory or defaults.memory_mb,
    )
    return GradingOptions(limits=limits, device=device, show_details=show)


@app.command()
def grade(
    course_dir: Annotated[Path, typer.Argument(help="the nbgrader course directory")],
    assignment: Annotated[str, typer.Argument(help="assignment id, e.g. unit02")],
    student: Annotated[list[str] | None, typer.Option(help="grade only these students")] = None,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="submissions graded in parallel [default: usable cores]"),
    ] = None,
    timeout: Annotated[float | None, typer.Option(help="seconds per cell")] = None,
    memory: Annotated[int | None, typer.Option(help="MB of memory per kernel")] = None,
    device: Annotated[str, typer.Option(help="auto, cpu or gpu")] = "auto",
    shard: Annotated[str, typer.Option(help="I/N: grade shard I of N")] = "1/1",
    resume: Annotated[bool, typer.Option(help="skip submissions already graded")] = False,
) -> None:
    """Grade every submission in sandboxed kernels; scores go to the gradebook."""
    from rich.progress import Progress

    from autograder.course.folders import CourseError, course_folders
    from autograder.course.gradebook import assert_released
    from autograder.course.visibility import details_visible
    from autograder.engine.batch import BatchOptions, grade_batch, parse_shard, plan_jobs

    try:
        folders = course_folders(course_dir)
        duedate = assert_released(folders, assignment)
        show = details_visible(folders.details, duedate=duedate)
        grading = _grading_options(timeout, memory, device, show)
        if folders.checks:  # the course's own hidden checks (c.MedlGrade.checks)
            grading = grading.with_(checks_root=folders.checks)
        options = BatchOptions(grading=grading, workers=workers or usable_cores(),
                               shard=parse_shard(shard), resume=resume,
                               students=tuple(student or ()))  # fmt: skip
        total = len(plan_jobs(folders, assignment, options))
    except (CourseError, ValueError) as exc:
        _fail(str(exc))
    with Progress(console=console) as progress:
        task = progress.add_task(f"grading {assignment}", total=total)

        def advance(result) -> None:  # a NotebookGrade
            note = f" ({result.reason})" if result.reason else ""
            progress.console.print(
                f"{result.student}: {result.score:g} / {result.max_score:g}{note}"
            )
            progress.advance(task)

        results = grade_batch(folders, assignment, options, on_done=advance)
    console.print(
        f"graded {len(results)} submissions; reports in {folders.root}/medl-results/{assignment}/"
    )


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@app.command("grade-notebook")
def grade_notebook_command(
    path: Annotated[Path, typer.Argument(help="the student's notebook")],
    assignment: Annotated[str, typer.Option(help="assignment id, e.g. unit02")],
    out: Annotated[Path, typer.Option(help="directory for the reports")] = Path("medl-report"),
    timeout: Annotated[float | None, typer.Option(help="seconds per cell")] = None,
    memory: Annotated[int | None, typer.Option(help="MB of memory for the kernel")] = None,
    device: Annotated[str, typer.Option(help="auto, cpu or gpu")] = "auto",
    details: Annotated[str, typer.Option(help="show, hide or after_due")] = "show",
    course_dir: Annotated[
        Path | None, typer.Option("--course", help="course directory [default: this repository]")
    ] = None,
) -> None:
    """Grade one notebook (the CI mode): writes results.json, junit.xml, summary.md."""
    from autograder.course.directory import repo_root
    from autograder.course.folders import CourseError, course_folders
    from autograder.course.visibility import details_visible
    from autograder.engine.isolated import grade_notebook
    from autograder.reports import files as reports

    # A missing or broken notebook is the student's: it is graded (zero, with the reason).
    try:
        course = course_folders(course_dir or repo_root())
        source = course.source_notebooks(assignment)[0]
        show = details_visible(details, duedate=None)
    except (CourseError, FileNotFoundError, ValueError) as exc:
        _fail(str(exc))
    grading = _grading_options(timeout, memory, device, show)
    if course.checks:  # the course's own hidden checks (c.MedlGrade.checks)
        grading = grading.with_(checks_root=course.checks)
    result = grade_notebook(path, source=source, options=grading)
    written = reports.write_all(result.to_dict(), out, show_details=show)
    console.print(reports.markdown(result.to_dict(), show_details=show))
    console.print(
        f"score {result.score:g} / {result.max_score:g}; reports in {written['results'].parent}"
    )


@app.command()
def merge(
    course_dir: Annotated[Path, typer.Argument(help="the nbgrader course directory")],
    assignment: Annotated[str, typer.Argument(help="assignment id")],
    results: Annotated[
        list[Path], typer.Argument(help="shard result folders (STUDENT/results.json)")
    ],
) -> None:
    """Merge shard results into the gradebook (then nbgrader export / generate_feedback)."""
    from autograder.course.folders import CourseError, course_folders
    from autograder.course.gradebook import assert_released
    from autograder.engine.batch import merge as merge_results

    missing = [str(p) for p in results if not p.is_dir()]
    if missing:
        _fail(f"no shard results folder at {', '.join(missing)}")
    try:
        folders = course_folders(course_dir)
        assert_released(folders, assignment)
        merged = merge_results(folders, assignment, results)
    except (CourseError, ValueError) as exc:
        _fail(str(exc))
    for result in merged:
        console.print(f"{result['student']}: {result['score']:g} / {result['max_score']:g}")
    console.print(f"merged {len(merged)} submissions into {folders.db_url}")


@app.command()
def report(
    course_dir: Annotated[Path, typer.Argument(help="the nbgrader course directory")],
    assignment: Annotated[str, typer.Argument(help="assignment id, e.g. unit05")],
    out: Annotated[
        Path | None, typer.Option(help="folder for the page [default: COURSE/reports/ASSIGNMENT]")
    ] = None,
    similar: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="list pairs at least this alike (0-1)")
    ] = 0.5,
) -> None:
    """Write the class report: score spreads, failed checks, crashes, times, similar pairs."""
    from nbgrader.api import MissingEntry

    from autograder.authoring.class_report import build_report
    from autograder.course.folders import CourseError

    try:
        page = build_report(course_dir, assignment, out, similar_at_least=similar)
    except (CourseError, KeyError, MissingEntry) as exc:
        message = str(exc).strip("'\"") or f"no assignment {assignment!r} in the gradebook"
        _fail(message)
    console.print(f"report: {page}")


@app.command()
def bench(
    quick: Annotated[bool, typer.Option(help="fewer submissions, repeats and seeds")] = False,
    only: Annotated[
        str | None, typer.Option(help="comma-separated: grading,batch,train,quality,notebooks")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="results JSON")] = None,
    readme: Annotated[
        bool, typer.Option(help="rewrite README.md between the bench markers")
    ] = False,
) -> None:
    """Run the benchmark suite (a checkout's bench/): grading cost, batch, training, quality."""
    import subprocess

    from autograder.course.directory import repo_root

    # bench/ measures the package from outside and is not part of it: run it as the
    # checkout's own program, never import it.
    try:
        repo = repo_root()
    except FileNotFoundError:
        repo = None
    if repo is None or not (repo / "bench" / "__main__.py").is_file():
        _fail("medl bench needs a checkout of the medl repository (bench/ is not installed); "
              "run it from a clone or set MEDL_REPO")  # fmt: skip
    argv = [sys.executable, "-m", "bench"] + (["--quick"] if quick else [])
    argv += (["--only", only] if only else []) + (["--out", str(out)] if out else [])
    argv += ["--readme"] if readme else []
    raise typer.Exit(subprocess.run(argv, cwd=repo).returncode)


if __name__ == "__main__":
    app()
