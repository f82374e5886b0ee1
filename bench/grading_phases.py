"""Where one ``medl grade`` of one notebook spends its time, phase by phase.

``python -m bench.grading_phases NOTEBOOK SOURCE COURSE_ROOT`` grades the notebook in this
process, listening to the engine's phase hook (:mod:`autograder.engine.phases`), and prints
one JSON line; :func:`bench.grading_cost.breakdown_in_subprocess` runs it in a fresh
interpreter so that the interpreter's own start-up is measured too.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from pathlib import Path

from bench import median


def breakdown(notebook: Path, source: Path, course_root: Path) -> dict:
    """Grade one notebook in this process, listening to the engine's phase timings.

    Phases (see :mod:`autograder.engine.phases`): ``kernel_start`` (sandbox up, kernel
    answering), ``bridge_install``, ``first_cell`` (the notebook's imports: TensorFlow in
    the kernel), ``other_cells``, ``warmup_wait`` (what is left of the grader's background
    import of TensorFlow and pytest when the first checks are due, see
    :mod:`autograder.engine.warmup`), ``first_checks``, ``other_checks`` (including the
    bridge calls they make into the kernel), ``shutdown``; ``other`` is the rest of
    ``grade_notebook``. The bridge round trips (each call of a check into the student's
    code) are counted and timed too, and so are full garbage collections (through
    ``gc.callbacks``); their time is part of the checks' phases.
    """
    from autograder.course.folders import course_folders
    from autograder.engine import isolated, phases
    from autograder.engine.batch import hidden_paths
    from autograder.engine.options import GradingOptions
    from autograder.engine.sandbox import Limits

    times = dict.fromkeys(["kernel_start", "bridge_install", "first_cell", "other_cells",
                           "warmup_wait", "first_checks", "other_checks", "shutdown"],
                          0.0)  # fmt: skip
    counts = {"cell": 0, "checks": 0}
    requests: list[tuple[str, float]] = []
    by_cell: dict[str, float] = {}

    def record(name: str, seconds: float, info: dict) -> None:
        if name in ("cell", "checks"):
            counts[name] += 1
            first = counts[name] == 1
            key = {"cell": ("first_cell", "other_cells"),
                   "checks": ("first_checks", "other_checks")}[name][0 if first else 1]  # fmt: skip
            times[key] += seconds
            if name == "checks":
                by_cell[info["grade_id"]] = round(by_cell.get(info["grade_id"], 0.0) + seconds, 2)
        elif name == "bridge_request":
            requests.append((info["op"], seconds))
        elif name in times:
            times[name] += seconds

    collections: list[float] = []
    started: list[float] = []

    def on_gc(phase: str, info: dict) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            started.append(time.perf_counter())
        elif started:
            collections.append(time.perf_counter() - started.pop())

    gc.callbacks.append(on_gc)
    try:
        with phases.listening(record):
            options = GradingOptions(limits=Limits(threads=os.cpu_count() or 1), device="cpu",
                                     hidden=hidden_paths(course_folders(course_root)))  # fmt: skip
            grade = isolated.grade_notebook(notebook, source=source, options=options)
    finally:
        gc.callbacks.remove(on_gc)
    by_op: dict[str, int] = {}
    for op, _ in requests:
        by_op[op] = by_op.get(op, 0) + 1
    phase_times = {key: round(value, 2) for key, value in times.items()}
    phase_times["other"] = round(grade.seconds - sum(times.values()), 2)
    return {
        "total_s": round(grade.seconds, 2),
        "phases_s": phase_times,
        "cells_run": counts["cell"],
        "check_runs": counts["checks"],
        "checks_s_by_cell": by_cell,
        # Full (generation-2) garbage collections in the grader: pytest's
        # unraisableexception plugin ran two per graded cell until the runner turned it
        # off; with TensorFlow loaded each one walks hundreds of thousands of objects.
        "gc_collect_calls": len(collections),
        "gc_collect_s": round(sum(collections), 2),
        # Each call a hidden check makes to the student's code is one bridge round trip.
        "bridge_requests": len(requests),
        "bridge_requests_by_op": by_op,
        "bridge_s": round(sum(t for _, t in requests), 2),
        "bridge_ms_median": round(1000 * median([t for _, t in requests], 4), 1)
        if requests
        else None,
        "score": grade.score,
        "max_score": grade.max_score,
        "isolation": grade.protections.get("isolation"),
    }


if __name__ == "__main__":
    notebook, source, course_root = (Path(arg) for arg in sys.argv[1:4])
    print(json.dumps(breakdown(notebook, source, course_root)), flush=True)
