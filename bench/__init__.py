"""medl benchmarks: grading cost, training-loop speed and model quality, side by side.

    python -m bench [--quick] [--only grading,batch,train,quality,notebooks,units,kernels]
                    [--units unit03,unit04] [--out PATH]
    python -m bench.report --readme        # rewrite README's table from the results

Every figure is the median of repeated runs, and every speed is a ratio against a
baseline measured in the same run (so a loaded machine slows both sides). Timings live
here and in ``bench/results/``, never in the tests.

This package imports nothing heavy: each section imports TensorFlow, nbgrader and the
grader only when it runs.
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SECTIONS = ("grading", "batch", "train", "quality", "notebooks", "units", "kernels")


def median(values: Sequence[float], digits: int = 2) -> float:
    """The median, rounded (``nan`` for no values)."""
    return round(statistics.median(values), digits) if values else float("nan")


def ratio(numerator: float, denominator: float, digits: int = 2) -> float | None:
    """``numerator / denominator`` rounded, or None when the denominator is not positive."""
    return round(numerator / denominator, digits) if denominator and denominator > 0 else None


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _gpus() -> list[str]:
    """Names of the NVIDIA GPUs ``nvidia-smi`` lists (the benchmarks run on the CPU anyway)."""
    if not shutil.which("nvidia-smi"):
        return []
    try:
        done = subprocess.run(["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"],
                              capture_output=True, text=True, timeout=20, check=False)  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [line.strip() for line in done.stdout.splitlines() if line.strip()]


def _memory_gib() -> float | None:
    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None
    return round(pages * size / 2**30, 1)


def git_commit(repo: Path = REPO) -> dict:
    """The checked-out commit and whether the working tree differs from it."""

    def git(*args: str) -> str:
        try:
            done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True,
                                  timeout=20, check=False)  # fmt: skip
        except (OSError, subprocess.TimeoutExpired):
            return ""
        return done.stdout.strip() if done.returncode == 0 else ""

    return {"commit": git("rev-parse", "HEAD") or None,
            "dirty": bool(git("status", "--porcelain", "--untracked-files=no"))}  # fmt: skip


def machine_info() -> dict:
    """What the numbers were measured on. ``device`` is where the benchmarks compute."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "cpus": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gib": _memory_gib(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "tensorflow": _version("tensorflow"),
        "keras": _version("keras"),
        "nbgrader": _version("nbgrader"),
        "device": "cpu",
        "gpus_visible": _gpus(),
        "load_average_at_start": [round(x, 2) for x in load] if load else None,
    }


def main(**kwargs):
    """Run the suite; see :func:`bench.__main__.main` for the arguments."""
    from bench.__main__ import main as run_suite

    return run_suite(**kwargs)
