"""Isolated grading (``medl grade``): one notebook, one sandboxed kernel, checks outside.

The student's notebook runs cell by cell in its own sandboxed kernel
(:mod:`autograder.engine.sandbox`, :mod:`autograder.engine.kernel`). Right after each test cell runs
cleanly, that cell's hidden checks run *here*, in the grader's process, and reach the
student's globals only through the bridge (:mod:`autograder.engine.bridge`), so every check sees
the notebook exactly as in-kernel mode would at that point. Scores come only from the
:class:`~autograder.contract.runner.CellResult` objects computed here: nothing a student prints
or writes can set one. Whatever the notebook does (loop, crash, exit, flood its output),
:func:`grade_notebook` returns a complete :class:`NotebookGrade`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbformat.notebooknode import NotebookNode

from autograder.contract import notebook as notebooks
from autograder.contract import runner
from autograder.contract.notebook import graded_code_cells, is_test_cell, nbgrader_meta
from autograder.contract.runner import CellResult, CheckResult, render_text
from autograder.contract.sources import NotebookSources, cells_of
from autograder.engine import phases, warmup
from autograder.engine.bridge import BridgeSubmission, install_code
from autograder.engine.kernel import KernelSession, KernelStartError
from autograder.engine.mounts import secret_paths
from autograder.engine.options import GradingOptions
from autograder.engine.outputs import Execution, OutputBudget
from autograder.engine.restore import restore_cells
from autograder.engine.sandbox import Layout, Limits, SandboxUnavailable, plan_launch

_HIDDEN_MARK = "### BEGIN HIDDEN TESTS"
_MAX_FILES = 10_000
# The kernel starts with -I (see sandbox); give the notebook its own folder back on
# sys.path, as Jupyter does, without adding names to the student's namespace.
_PATH_SETUP = 'exec("import os, sys\\nsys.path.insert(0, os.getcwd())", {})'


@dataclass
class NotebookGrade:
    """The result of grading one notebook in isolation.

    Attributes:
        assignment: the assignment id (the source notebook's folder name).
        notebook: the submitted notebook's path.
        cells: one result per graded code cell of the source, in source order.
        status: ``"ok"`` when the notebook was graded (even if the student's kernel
            crashed or timed out: then ``reason`` says so), ``"error"`` when it could not
            be graded at all (unreadable notebook, kernel that would not start).
        reason: why grading stopped early or failed; empty when every cell ran.
        protections: the sandbox protections that were active (see ``plan_launch``).
        integrity: changes made to restore locked and test cells from the source.
        notes: other things worth knowing (cut output, files not copied).
        seconds: wall-clock time of the whole grading.
        student: who handed it in, when graded as part of a course's batch.
        executed: the notebook as executed, with outputs and check reports (not in
            :meth:`to_dict`; write it with nbformat for feedback).
    """

    assignment: str
    notebook: Path
    cells: list[CellResult] = field(default_factory=list)
    status: str = "ok"
    reason: str = ""
    protections: dict = field(default_factory=dict)
    integrity: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    student: str = ""
    executed: NotebookNode | None = field(default=None, repr=False, compare=False)

    @classmethod
    def failed(cls, source: Path, notebook: Path, reason: str, student: str = "") -> NotebookGrade:
        """A zero for every graded cell of ``source``: the submission could not be graded."""
        graded = graded_code_cells(notebooks.read(Path(source)))
        cells = [CellResult(gid, points, error=reason) for gid, points in graded.items()]
        return cls(assignment=Path(source).resolve().parent.name, notebook=Path(notebook),
                   cells=cells, status="error", reason=reason, student=student)  # fmt: skip

    @property
    def score(self) -> float:
        return round(sum(cell.score for cell in self.cells), 4)

    @property
    def max_score(self) -> float:
        return round(sum(cell.points for cell in self.cells), 4)

    def to_dict(self) -> dict[str, Any]:
        """Everything but the executed notebook, as JSON-able data."""
        return {
            "assignment": self.assignment,
            "notebook": str(self.notebook),
            "status": self.status,
            "reason": self.reason,
            "score": self.score,
            "max_score": self.max_score,
            "seconds": round(self.seconds, 3),
            "protections": self.protections,
            "integrity": list(self.integrity),
            "notes": list(self.notes),
            "cells": [cell.to_dict() for cell in self.cells],
            **({"student": self.student} if self.student else {}),
        }


def grade_notebook(
    notebook: Path,
    *,
    source: Path,
    options: GradingOptions = GradingOptions(),  # noqa: B008 - frozen, so one shared default is safe
) -> NotebookGrade:
    """Grade ``notebook`` against the source notebook ``source`` in a sandboxed kernel.

    Args:
        notebook: the student's .ipynb; the other files of its folder are copied too.
        source: the instructor's source notebook (points, locked cells, hidden tests).
        options: limits, device, isolation, checks, what to hide and show (see
            :class:`~autograder.engine.options.GradingOptions`).

    Returns:
        The grade; it never raises for anything the submission contains or does.

    Raises:
        FileNotFoundError, ValueError: if the *source* notebook is missing or unreadable
            (the instructor's mistake, not the student's).
    """
    started = time.monotonic()
    warmup.start()  # the checks' imports overlap with the kernel's start and first cells
    source_nb = notebooks.read(Path(source))
    graded = graded_code_cells(source_nb)
    grade = NotebookGrade(assignment=Path(source).resolve().parent.name, notebook=Path(notebook))
    results: dict[str, CellResult] = {}
    try:
        submitted = _read_submission(Path(notebook))
    except ValueError as exc:
        grade.status, grade.reason = "error", str(exc)
    else:
        nb, grade.integrity = restore_cells(submitted, source_nb)
        grade.executed = nb
        context = _Context(grade, graded, results, options, started)
        try:
            _grade_in_sandbox(nb, context, source=Path(source))
        except Exception as exc:  # a grader bug must not stop a batch: report it instead
            tail = "".join(traceback.format_exception(exc)[-3:])
            grade.status, grade.reason = "error", f"internal grader error: {tail}"
    fallback = grade.reason or "the cell never ran"
    grade.cells = [
        results.get(grade_id) or CellResult(grade_id, points, error=fallback)
        for grade_id, points in graded.items()
    ]
    grade.seconds = time.monotonic() - started
    return grade


def _read_submission(path: Path) -> NotebookNode:
    try:
        nb = notebooks.read(path)
        nbformat.validate(nb)
    except Exception as exc:  # anything a hand-edited file can throw at nbformat
        raise ValueError(f"the submission cannot be graded: {str(exc)[:500]}") from None
    return nb


@dataclass
class _Context:
    grade: NotebookGrade
    graded: dict[str, float]
    results: dict[str, CellResult]
    options: GradingOptions
    started: float

    @property
    def limits(self) -> Limits:
        return self.options.limits


def _grade_in_sandbox(nb: NotebookNode, ctx: _Context, *, source: Path):
    grade = ctx.grade
    # A fallback-mode student can leave files the grader cannot delete; never fail on that.
    with tempfile.TemporaryDirectory(prefix="medl-grade-", ignore_cleanup_errors=True) as tmp:
        layout = Layout.create(Path(tmp))
        grade.notes += _copy_folder(grade.notebook.resolve().parent, layout.staging, ctx.limits)
        try:
            options = ctx.options
            secrets = secret_paths(checks_root=options.checks_root, source=source,
                                   extra=options.hidden)  # fmt: skip
            plan = plan_launch(layout, limits=options.limits, device=options.device,
                               secrets=secrets, isolation=options.isolation)  # fmt: skip
        except (SandboxUnavailable, ValueError) as exc:
            grade.status, grade.reason = "error", f"no sandbox: {exc}"
            return
        grade.protections = plan.protections
        try:
            with phases.phase("kernel_start"):
                session = KernelSession.start(plan, layout, timeout=ctx.limits.startup_timeout_s)
        except KernelStartError as exc:
            grade.status, grade.reason = "error", str(exc)
            return
        with session:
            code = install_code() + "\n" + _PATH_SETUP
            with phases.phase("bridge_install"):
                setup = session.execute(code, timeout=60, silent=True)
            if setup.status != "ok":
                grade.status = "error"
                grade.reason = (
                    f"the grading bridge could not be installed: {setup.error or setup.status}"
                )
                return
            grade.reason = _run_cells(nb, ctx, session, layout)


def _copy_folder(folder: Path, target: Path, limits: Limits) -> list[str]:
    """Copy the submission's regular files (no links): half the sandbox disk, 10,000 files."""
    room, files_left, skipped = int(limits.disk_mb) * 2**20 // 2, _MAX_FILES, []
    for root, dirs, files in os.walk(folder, followlinks=False):
        relative = Path(root).relative_to(folder)
        for name in files:
            path = Path(root) / name
            size = path.lstat().st_size
            if path.is_symlink() or not path.is_file() or size > room or files_left <= 0:
                skipped.append(str(relative / name))
                continue
            files_left -= 1
            (target / relative).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target / relative / name)
            room -= size
        dirs[:] = [d for d in dirs if not (Path(root) / d).is_symlink()]
    if not skipped:
        return []
    return [f"not copied into the sandbox (links, special or too large): {', '.join(skipped[:20])}"]


def _run_cells(nb: NotebookNode, ctx: _Context, session: KernelSession, layout: Layout) -> str:
    """Execute the notebook's code cells in order; return why it stopped early, if it did."""
    limits = ctx.limits
    deadline = ctx.started + float(limits.notebook_timeout_s)
    budget = OutputBudget(int(limits.output_bytes))
    # The restored notebook's code, parsed once; each graded cell's checks see the cells up
    # to it (what has run), as in-kernel mode does.
    parsed = NotebookSources(cells_of(nb))
    for index, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code":
            continue
        grade_id = nbgrader_meta(cell).get("grade_id")
        where = f"cell {index}" + (f" ({grade_id})" if grade_id else "")
        code = notebooks.strip_hidden_tests(cell.source) if is_test_cell(cell) else cell.source
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return (
                f"the notebook's {limits.notebook_timeout_s:g} s time limit ran out before {where}"
            )
        timeout = min(float(limits.cell_timeout_s), remaining)
        with phases.phase("cell", index=index, grade_id=grade_id or ""):
            run = (
                session.execute(code, timeout=timeout, budget=budget)
                if code.strip()
                else Execution("ok")
            )
        cell.outputs = run.outputs
        if run.truncated:
            ctx.grade.notes.append(
                f"output of {where} cut: over the {limits.output_bytes}-byte limit"
            )
        if run.status == "timeout" and timeout < limits.cell_timeout_s:
            return f"the notebook's {limits.notebook_timeout_s:g} s time limit ran out in {where}"
        if run.status == "timeout":
            return f"{where} timed out after {timeout:g} s"
        if run.status == "died":
            return f"{session.death()} while running {where}"
        if grade_id in ctx.graded and nbgrader_meta(cell).get("grade"):
            submission = BridgeSubmission(
                session, layout, limits=limits, sources=parsed.upto(index)
            )
            result = _score(cell, run, ctx, submission)
            ctx.results[grade_id] = result
            text = render_text(result, show_details=ctx.options.show_details) + "\n"
            cell.outputs.append(nbformat.v4.new_output("stream", name="stdout", text=text))
            if session.broken or not session.alive:
                return session.broken or f"{session.death()} while the checks of {where} ran"
    return ""


def _score(
    cell: NotebookNode, run: Execution, ctx: _Context, submission: BridgeSubmission
) -> CellResult:
    grade_id = nbgrader_meta(cell)["grade_id"]
    points = ctx.graded[grade_id]
    if run.status == "error":
        # As in nbgrader: a graded cell that raises earns nothing.
        return CellResult(grade_id, points, error=f"the cell raised {run.error}")
    if _HIDDEN_MARK not in cell.source:
        return CellResult(grade_id, points, checks=[CheckResult("runs without errors", True)])
    with phases.phase("warmup_wait"):
        warmup.wait()
    with phases.phase("checks", grade_id=grade_id):
        return runner.run_checks(
            grade_id, submission, points=points, checks_root=ctx.options.checks_root
        )
