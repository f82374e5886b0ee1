"""Execution time of each reference notebook on this machine (median of repeats).

    python bench/notebook_times.py [--repeats 3] [--units unit01 unit02] [--json PATH]

The reference is the source notebook itself: answers filled in and hidden checks run, so
the time is what one autograded perfect submission costs. The target on a 2-core CPU is
90 s per notebook (unit 09: 180 s); the hard limits are 180 s (unit 09: 300 s).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from autograder.course.directory import repo_root, units

BUDGET_SECONDS = {"unit09": 180}
DEFAULT_BUDGET = 90
HARD_LIMIT_SECONDS = {"unit09": 300}
DEFAULT_HARD_LIMIT = 180


def time_notebook(path: Path) -> float:
    """Seconds to execute ``path`` in a fresh kernel, in a scratch copy of its folder."""
    with tempfile.TemporaryDirectory(prefix="medl-bench-") as tmp:
        work = Path(tmp) / path.parent.name
        shutil.copytree(path.parent, work)
        nb = nbformat.read(work / path.name, as_version=4)
        client = NotebookClient(nb, timeout=900, kernel_name="python3",
                                resources={"metadata": {"path": str(work)}})  # fmt: skip
        started = time.perf_counter()
        client.execute()
        return time.perf_counter() - started


def run(
    repeats: int = 3, unit_ids: list[str] | None = None, *, log: Callable[[str], None] = print
) -> dict:
    """Time each unit's reference notebook ``repeats`` times; return JSON-able results."""
    repo = repo_root()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    rows = []
    for unit in unit_ids or units(repo):
        times = [time_notebook(repo / "solutions" / unit / f"{unit}.ipynb") for _ in range(repeats)]
        budget = BUDGET_SECONDS.get(unit, DEFAULT_BUDGET)
        median = statistics.median(times)
        hard = HARD_LIMIT_SECONDS.get(unit, DEFAULT_HARD_LIMIT)
        rows.append({"unit": unit, "median_s": round(median, 1), "runs_s": [round(t, 1) for t in times],
                     "budget_s": budget, "within_budget": median <= budget, "hard_limit_s": hard,
                     "within_hard_limit": max(times) <= hard})  # fmt: skip
        log(
            f"{unit}: median {median:6.1f} s over {len(times)} runs "
            f"(budget {budget} s) runs={[round(t, 1) for t in times]}"
        )
    return {
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "notebooks": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--units", nargs="*", default=None)
    parser.add_argument("--json", type=Path, default=Path("bench/results/notebook_times.json"))
    args = parser.parse_args()
    result = run(args.repeats, args.units)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
