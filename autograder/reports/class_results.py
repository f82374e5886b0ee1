"""A class's grades for one assignment, gathered for the instructor's report.

Two sources. The gradebook (nbgrader's) has every submission's score per graded cell,
whichever way it was graded. The per-submission ``results.json`` that ``medl grade``
writes (``medl-results/ASSIGNMENT/STUDENT/``) adds what only a medl grading knows: each
hidden check's outcome and message, whether the kernel crashed, timed out or hit a limit,
and how long the grading took. A course graded by plain ``nbgrader autograde`` has only
the first; :attr:`ClassResults.graded_by_medl` says which, and the report says what it
cannot show.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

RESULTS_ROOT = "medl-results"  # the batch runner's folder (autograder.engine.batch)


@dataclass(frozen=True)
class FailedCheck:
    """One hidden check a submission failed."""

    grade_id: str
    check: str
    message: str


@dataclass
class Submission:
    """One student's grade: per cell from the gradebook, the rest from results.json."""

    student: str
    cells: dict[str, tuple[float, float]]  # grade_id -> (score, points)
    status: str | None = None  # "ok" / "error" (medl only)
    reason: str = ""  # why the kernel stopped or the grading failed (medl only)
    seconds: float | None = None  # grading time (medl only)
    failed: list[FailedCheck] = field(default_factory=list)  # (medl only)

    @property
    def score(self) -> float:
        return sum(score for score, _ in self.cells.values())

    @property
    def max_score(self) -> float:
        return sum(points for _, points in self.cells.values())


@dataclass
class ClassResults:
    assignment: str
    submissions: list[Submission]

    @property
    def graded_by_medl(self) -> int:
        """How many submissions have a medl results.json."""
        return sum(s.status is not None for s in self.submissions)

    @property
    def cells(self) -> list[str]:
        """The graded cells, in notebook order (as the gradebook lists them)."""
        seen: dict[str, None] = {}
        for submission in self.submissions:
            seen.update(dict.fromkeys(submission.cells))
        return list(seen)

    def troubled(self) -> list[Submission]:
        """Submissions whose grading did not finish normally (error, crash, timeout, limit)."""
        return [s for s in self.submissions if s.status == "error" or s.reason]

    def most_failed(self, top: int = 10) -> list[tuple[FailedCheck, int]]:
        """The checks the most students failed, each with its most common message."""
        by_check: dict[tuple[str, str], Counter] = {}
        for submission in self.submissions:
            for failure in {(f.grade_id, f.check): f for f in submission.failed}.values():
                by_check.setdefault((failure.grade_id, failure.check), Counter())[
                    failure.message
                ] += 1
        ranked = sorted(by_check.items(), key=lambda item: (-sum(item[1].values()), item[0]))
        return [
            (FailedCheck(gid, check, messages.most_common(1)[0][0]), sum(messages.values()))
            for (gid, check), messages in ranked[:top]
        ]


def collect(scores: dict[str, dict[str, tuple[float, float]]], course_root: Path,
            assignment: str) -> ClassResults:  # fmt: skip
    """The class's results: ``scores`` from the gradebook (``Course.scores``), plus
    whatever ``medl grade`` left in ``course_root/medl-results/assignment/``."""
    submissions = []
    for student in sorted(scores):
        submission = Submission(student=student, cells=dict(scores[student]))
        _add_medl_result(submission, Path(course_root) / RESULTS_ROOT / assignment / student)
        submissions.append(submission)
    return ClassResults(assignment=assignment, submissions=submissions)


def _add_medl_result(submission: Submission, folder: Path) -> None:
    try:
        result = json.loads((folder / "results.json").read_text())
    except (OSError, ValueError):
        return  # graded by plain nbgrader, or never by medl
    submission.status = result.get("status", "ok")
    submission.reason = result.get("reason", "")
    submission.seconds = result.get("seconds")
    for cell in result.get("cells", []):
        for check in cell.get("checks", []):
            if not check.get("passed", True):
                submission.failed.append(
                    FailedCheck(cell["grade_id"], check["name"], check.get("message", ""))
                )
        if cell.get("error") and not cell.get("checks"):
            submission.failed.append(FailedCheck(cell["grade_id"], "(cell)", cell["error"]))
