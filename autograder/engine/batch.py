"""``medl grade``: grade every submission of an assignment, in parallel, resumably.

Each submission is graded by :func:`autograder.engine.isolated.grade_notebook` in a worker
process; its reports go to ``medl-results/ASSIGNMENT/STUDENT/`` (results.json written
last, atomically), and the main process alone records scores in the gradebook. A crash,
timeout or out-of-memory costs that one submission, never the batch.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from autograder.course.folders import CourseError, CourseFolders, course_folders
from autograder.engine.options import GradingOptions
from autograder.reports import files as reports

if TYPE_CHECKING:  # the workers import the engine themselves; see grade_job
    from autograder.engine.isolated import NotebookGrade

RESULTS_ROOT = "medl-results"
MAX_STALLED_POOLS = 3
EXECUTED = "executed.ipynb"


@dataclass(frozen=True)
class BatchOptions:
    """Which submissions to grade and how many at once; ``grading`` says how to grade each.

    See ``medl grade --help`` for each option.
    """

    grading: GradingOptions = field(default_factory=GradingOptions)
    workers: int = 1
    shard: tuple[int, int] = (1, 1)
    resume: bool = False
    students: tuple[str, ...] = ()


@dataclass(frozen=True)
class Job:
    """One submission to grade; plain data so it can cross to a worker process."""

    course_root: Path
    assignment: str
    student: str
    notebook: Path
    source: Path
    out_dir: Path
    grading: GradingOptions


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/4"`` → (2, 4): this is shard 2 of 4 (1-based)."""
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise ValueError(f"shard must look like I/N, e.g. 2/4; got {text!r}") from None
    if not 1 <= index <= count:
        raise ValueError(f"shard index must be between 1 and N; got {text!r}")
    return index, count


def in_shard(students: list[str], shard: tuple[int, int]) -> list[str]:
    """Round-robin over the sorted ids, so shards are disjoint, covering and balanced."""
    index, count = shard
    return [s for i, s in enumerate(sorted(students)) if i % count == index - 1]


def results_dir(course_root: Path, assignment: str, student: str) -> Path:
    return Path(course_root) / RESULTS_ROOT / assignment / student


def folders_of(course: Path | CourseFolders) -> CourseFolders:
    """The course's folders (read from its nbgrader config when given a path)."""
    return course if isinstance(course, CourseFolders) else course_folders(Path(course))


def plan_jobs(course: Path | CourseFolders, assignment: str, options: BatchOptions) -> list[Job]:
    """One job per submitted student (in this shard, not yet done if resuming).

    Raises:
        CourseError: if the assignment has no source notebook, nobody submitted it, or
            ``options.students`` names a student who submitted nothing.
    """
    folders = folders_of(course)
    sources = folders.source_notebooks(assignment)
    found = folders.submitted_students(assignment)
    if options.students:
        unknown = sorted(set(options.students) - set(found))
        if unknown:
            raise CourseError(
                f"no submission of {assignment} from {', '.join(unknown)}; "
                f"submitted: {', '.join(found[:10])}{' ...' if len(found) > 10 else ''}"
            )
        found = sorted(options.students)
    # What the batch adds to the caller's options: threads shared fairly between the
    # workers' kernels, and the course's own folders hidden from every student.
    grading = options.grading.sharing_cores(options.workers, os.cpu_count() or 1)
    grading = grading.with_(hidden=(*grading.hidden, *hidden_paths(folders)))
    jobs = []
    for student in in_shard(found, options.shard):
        out = results_dir(folders.root, assignment, student)
        if options.resume and reports.read_result(out) is not None:
            continue
        submitted = folders.path("submitted", student, assignment)
        for source in sources:  # one notebook per assignment in this course, but be general
            jobs.append(Job(folders.root, assignment, student, submitted / source.name, source,
                            out, grading))  # fmt: skip
    return jobs


def hidden_paths(folders: CourseFolders) -> tuple[Path, ...]:
    """Everything in the course a student must not see: other students' work, the
    gradebook, results, feedback and the instructor's sources."""
    return (*folders.secrets(), folders.root / RESULTS_ROOT)


def grade_job(job: Job) -> NotebookGrade:
    """Grade one submission and write its reports; runs in a worker process."""
    from autograder.engine.isolated import NotebookGrade, grade_notebook

    try:
        grade = grade_notebook(job.notebook, source=job.source, options=job.grading)
        if grade.executed is not None:
            from autograder.contract import notebook as notebooks

            notebooks.write(grade.executed, job.out_dir / EXECUTED)
    except Exception as exc:  # the grader's own failure: still one zero, not a dead batch
        grade = NotebookGrade.failed(job.source, job.notebook,
                                     f"grader error: {type(exc).__name__}: {exc}")  # fmt: skip
    grade.student = job.student
    grade.executed = None  # written to disk above; keep what crosses the process pipe light
    reports.write_all(grade.to_dict(), job.out_dir, show_details=job.grading.show_details)
    return grade


def failed_grade(job: Job, reason: str) -> NotebookGrade:
    """A zero for every graded cell of ``job``'s source, with ``reason``."""
    from autograder.engine.isolated import NotebookGrade

    return NotebookGrade.failed(job.source, job.notebook, reason, student=job.student)


def record_result(
    course: Path | CourseFolders, assignment: str, student: str, out_dir: Path
) -> dict:
    """Put a finished submission's results.json into the gradebook (and autograded/)."""
    # Imported here, not at the top: grading workers import this module too, and never
    # touch the gradebook; nbgrader's import costs each of them ~1.6 CPU s.
    from nbgrader.utils import parse_utc

    from autograder.contract import notebook as notebooks
    from autograder.course import gradebook

    folders = folders_of(course)
    result = reports.read_result(out_dir)
    if result is None:
        raise FileNotFoundError(f"no readable {reports.RESULTS} in {out_dir}")
    executed_path = Path(out_dir) / EXECUTED
    executed = notebooks.read(executed_path) if executed_path.is_file() else None
    stamp = folders.path("submitted", student, assignment) / "timestamp.txt"
    timestamp = parse_utc(stamp.read_text().strip()) if stamp.is_file() else None
    gradebook.record(folders, assignment=assignment, student=student, result=result,
                     executed=executed, timestamp=timestamp)  # fmt: skip
    return result


def _worker_init(threads: int) -> None:
    # Before TensorFlow is imported in this worker: its oracles share the cores fairly.
    for name in ("TF_NUM_INTRAOP_THREADS", "OMP_NUM_THREADS"):
        os.environ[name] = str(threads)
    os.environ["TF_NUM_INTEROP_THREADS"] = "1"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def grade_batch(
    course: Path | CourseFolders,
    assignment: str,
    options: BatchOptions,
    *,
    on_done: Callable[[NotebookGrade], None] | None = None,
) -> list[NotebookGrade]:
    """Grade the submissions ``options`` selects; record each in the gradebook as it ends.

    Args:
        on_done: called in the main process after each submission (progress bars).

    Returns:
        The grades (each with its ``student``), in completion order.
    """
    folders = folders_of(course)
    jobs = plan_jobs(folders, assignment, options)
    done: list[NotebookGrade] = []

    def finish(job: Job, result: NotebookGrade) -> None:
        if result.status == "error" and reports.read_result(job.out_dir) is None:
            reports.write_all(result.to_dict(), job.out_dir, show_details=job.grading.show_details)
        record_result(folders, assignment, job.student, job.out_dir)
        done.append(result)
        if on_done:
            on_done(result)

    # Even one worker grades in a child process: a grader process can die of something
    # outside any submission (libzmq's `!_more` assertion in fq.cpp aborted a one-worker
    # `medl grade` under load, twice in five runs), and only a child's death can be retried.
    context = multiprocessing.get_context("spawn")
    pending = list(jobs)
    stalled = 0  # pools in a row that died before finishing any submission
    while pending:  # a worker that dies breaks the pool: rebuild it for the rest
        with cf.ProcessPoolExecutor(max(1, options.workers), mp_context=context, initializer=_worker_init,
                                    initargs=(jobs[0].grading.limits.threads or 1,)) as pool:  # fmt: skip
            futures = {pool.submit(grade_job, job): job for job in pending}
            pending = []
            for future in cf.as_completed(futures):
                job = futures[future]
                try:
                    finish(job, future.result())
                except cf.process.BrokenProcessPool:
                    pending.append(job)
                except Exception as exc:
                    finish(job, failed_grade(job, f"grader worker failed: {exc}"))
        stalled = stalled + 1 if pending and len(pending) == len(futures) else 0
        # A worker that died is retried; only a pool that keeps dying with no progress is
        # given up on, loudly, so a submission that kills its worker cannot hang the batch.
        if stalled >= MAX_STALLED_POOLS:
            for job in pending:
                finish(job, failed_grade(job, "grader worker process died"))
            pending = []
    return done


def merge(course: Path | CourseFolders, assignment: str, result_roots: list[Path]) -> list[dict]:
    """Record every shard's results (``ROOT/STUDENT/results.json``) in this gradebook.

    Raises:
        ValueError: if two shards graded the same student (overlapping shards).
    """
    seen: dict[str, Path] = {}
    for root in result_roots:
        for out_dir in sorted(p.parent for p in Path(root).glob(f"*/{reports.RESULTS}")):
            if out_dir.name in seen:
                raise ValueError(
                    f"{out_dir.name} appears in both {seen[out_dir.name]} and {out_dir}"
                )
            seen[out_dir.name] = out_dir
    folders = folders_of(course)
    return [record_result(folders, assignment, s, d) for s, d in sorted(seen.items())]
