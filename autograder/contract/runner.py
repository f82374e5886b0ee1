"""Run the hidden checks of one graded cell with pytest and turn them into a score.

Checks for grade_id ``unit02_softmax`` live in ``autograder/checks/unit02/test_softmax.py``.
Each test function is one check, worth 1 unless marked ``@pytest.mark.weight(w)``; the
cell's score is ``points × passed weight / total weight`` (partial credit). A check marked
``@pytest.mark.gate`` checks structure the release already gives (a base class, a
signature): it earns nothing itself, and when it fails the cell earns nothing, so no
credit comes from the skeleton alone. Pytest runs in-process with a plugin that provides
the ``submission`` fixture, so the same modules work in-kernel and in the isolated engine.
"""

from __future__ import annotations

import contextlib
import io
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pytest

from autograder.contract.submission import Submission
from course_lib.testing import strict_checks

CHECKS_ROOT = Path(__file__).resolve().parents[1] / "checks"
# An ini of our own keeps the project's (or a student's) pytest config out of grading.
_CHECKS_INI = CHECKS_ROOT / "pytest.ini"


@dataclass
class CheckResult:
    """One hidden check: its outcome and, when it failed, the student-facing message."""

    name: str
    passed: bool
    weight: float = 1.0
    message: str = ""
    gate: bool = False  # weight 0; failing it zeroes the cell
    note: str = ""  # shown pass or fail, e.g. a metric on the public and held-out data


@dataclass
class CellResult:
    """All checks of one graded cell, and the partial credit they earn."""

    grade_id: str
    points: float
    checks: list[CheckResult] = field(default_factory=list)
    error: str = ""

    @property
    def score(self) -> float:
        total = sum(c.weight for c in self.checks if not c.gate)
        closed = any(c.gate and not c.passed for c in self.checks)
        if self.error or total == 0 or closed:
            return 0.0
        earned = sum(c.weight for c in self.checks if c.passed and not c.gate)
        return round(self.points * earned / total, 4)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "score": self.score}


def check_module(grade_id: str, *, checks_root: Path = CHECKS_ROOT) -> Path:
    """The hidden-check module for ``grade_id`` (``unitNN_rest`` → ``unitNN/test_rest.py``).

    Raises:
        ValueError: if the id is malformed or no module exists for it.
    """
    unit, _, rest = grade_id.partition("_")
    if not (unit.startswith("unit") and unit[4:].isdigit() and rest):
        raise ValueError(f"grade_id must look like 'unit02_softmax', got {grade_id!r}")
    path = checks_root / unit / f"test_{rest}.py"
    if not path.is_file():
        raise ValueError(f"no hidden checks for grade_id {grade_id!r}: {path} is missing")
    return path


class _SubmissionPlugin:
    """Gives checks their ``submission`` fixture and records each check's outcome."""

    def __init__(self, submission: Submission):
        self._submission = submission
        self.results: list[CheckResult] = []
        self.collect_errors: list[str] = []

    @pytest.fixture
    def submission(self) -> Submission:
        return self._submission

    def pytest_configure(self, config: pytest.Config) -> None:
        config.addinivalue_line("markers", "weight(w): this check's share of the cell's points")
        config.addinivalue_line("markers", "gate: no credit of its own; failing it zeroes the cell")

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collect_errors.append(str(report.longrepr)[-2000:])

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        outcome = yield
        report = outcome.get_result()
        failed_setup = report.when == "setup" and not report.passed
        if report.when != "call" and not failed_setup:
            return
        gate = item.get_closest_marker("gate") is not None
        marker = item.get_closest_marker("weight")
        weight = 0.0 if gate else float(marker.args[0]) if marker else 1.0
        message = _failure_message(call.excinfo) if not report.passed else ""
        notes = [str(value) for key, value in item.user_properties if key == "note"]
        result = CheckResult(item.name, report.passed, weight, message, gate, "; ".join(notes))
        self.results.append(result)


def _failure_message(excinfo: Any) -> str:
    if excinfo is None:
        return "skipped"
    exc = excinfo.value
    if isinstance(exc, AssertionError) and str(exc):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def run_checks(
    grade_id: str, submission: Submission, *, points: float, checks_root: Path = CHECKS_ROOT
) -> CellResult:
    """Run every hidden check of ``grade_id`` against ``submission``.

    Never raises for a student's mistake: a broken check module or a pytest failure is
    recorded in ``CellResult.error`` and scores zero, so one cell cannot stop a batch.
    """
    result = CellResult(grade_id=grade_id, points=float(points))
    try:
        module = check_module(grade_id, checks_root=checks_root)
    except ValueError as exc:
        result.error = str(exc)
        return result
    plugin = _SubmissionPlugin(submission)
    args = [
        str(module),
        "-c", str(_CHECKS_INI),
        "--rootdir", str(checks_root),
        "--import-mode=importlib",
        "--capture=sys",
        "-p", "no:cacheprovider",
        # That plugin runs a full garbage collection after each session; with TensorFlow
        # loaded each one walks ~10^6 objects (0.3 s), twice per graded cell.
        "-p", "no:unraisableexception",
        "-q",
    ]  # fmt: skip
    log = io.StringIO()
    # strict_checks: a check fails even if the notebook left a public_checks block open.
    with _no_plugin_autoload(), strict_checks():
        with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
            exit_code = pytest.main(args, plugins=[plugin])
    result.checks = plugin.results
    if plugin.collect_errors:
        result.error = "the hidden checks could not be loaded:\n" + "\n".join(plugin.collect_errors)
    elif not plugin.results:
        result.error = (
            f"pytest ran no checks (exit code {int(exit_code)}):\n{log.getvalue()[-2000:]}"
        )
    return result


@contextlib.contextmanager
def _no_plugin_autoload():
    # Third-party pytest plugins (xdist, a student's own) have no business in grading.
    saved = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
        else:
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = saved


def render_text(result: CellResult, *, show_details: bool = True) -> str:
    """A short report for the notebook output and the feedback HTML."""
    lines = [f"{result.grade_id}: {result.score:g} / {result.points:g} points"]
    if result.error:
        lines.append(f"  error: {result.error}")
    for check in result.checks:
        mark = "PASS" if check.passed else "FAIL"
        gate = " (gate: the cell earns nothing without it)" if check.gate else ""
        lines.append(f"  [{mark}] {check.name}{gate}")
        if check.note and show_details:
            lines.append(f"        {check.note}")
        if not check.passed and show_details:
            lines.extend("        " + line for line in check.message.splitlines())
    return "\n".join(lines)
