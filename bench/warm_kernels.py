"""Warm against cold kernels: the same ``nbgrader autograde``, kernels forked or fresh.

    python -m bench --only kernels [--quick]

A scratch course gets N copies of a unit's reference answers (as in
:mod:`bench.grading_cost`); ``Course.nbgrader("autograde", ...)`` then grades all N
in one invocation, once with warm kernels (forked from a server that has imported
TensorFlow; ``autograder.course.warm_kernels``) and once cold (each kernel a fresh
process, as plain nbgrader starts it), repeats alternating which goes first. Every run
must give full marks. The figure is wall seconds per submission; the ratio warm / cold
is what the fork server saves on every notebook the contract tests, the demo and an
instructor's autograde run.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import median, ratio

MODES = ("warm", "cold")


def _autograde(course, unit: str, *, warm: bool) -> float:
    """Seconds of one ``nbgrader autograde`` of every submission; checks full marks."""
    started = time.perf_counter()
    course.nbgrader("autograde", unit, "--force", "--log-level=WARN", warm=warm)
    seconds = time.perf_counter() - started
    scores = course.scores(unit)
    short = [s for s, cells in scores.items() if any(got != most for got, most in cells.values())]
    if not scores or short:
        raise RuntimeError(
            f"{unit}: not full marks for {short or 'anyone'} ({'warm' if warm else 'cold'})"
        )
    return seconds


def run(
    unit: str = "unit01",
    submissions: int = 4,
    repeats: int = 3,
    *,
    log: Callable[[str], None] = print,
) -> dict:
    from bench.grading_cost import _students, prepare_course

    runs: dict[str, list[float]] = {mode: [] for mode in MODES}
    with tempfile.TemporaryDirectory(prefix="medl-bench-kernels-") as tmp:
        course = prepare_course(Path(tmp) / "course", unit, _students(submissions))
        for repeat in range(repeats):
            for mode in MODES[repeat % 2 :] + MODES[: repeat % 2]:
                seconds = _autograde(course, unit, warm=mode == "warm")
                runs[mode].append(round(seconds, 2))
                log(f"kernels {unit} {mode}: {submissions} submissions in {seconds:.1f} s")
    per_submission = {mode: median([s / submissions for s in runs[mode]]) for mode in MODES}
    return {
        "unit": unit,
        "submissions": submissions,
        "repeats": repeats,
        "runs_s": runs,
        "seconds_per_submission": per_submission,
        "saved_per_submission_s": round(per_submission["cold"] - per_submission["warm"], 2),
        "ratio_warm_to_cold": ratio(per_submission["warm"], per_submission["cold"]),
    }
