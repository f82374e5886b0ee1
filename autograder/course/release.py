"""``medl release``: regenerate assignments/unitNN from solutions/unitNN with nbgrader."""

from __future__ import annotations

import filecmp
import shutil
import tempfile
from pathlib import Path

from autograder.course.directory import Course, repo_root


def build_release(unit: str, out_dir: Path, *, repo: Path | None = None) -> Path:
    """Run ``nbgrader generate_assignment`` on ``unit`` and copy the result to ``out_dir``.

    A throwaway course directory keeps the gradebook nbgrader writes out of the repo.

    Returns:
        ``out_dir``, now holding exactly the release files.
    """
    repo = repo or repo_root()
    with tempfile.TemporaryDirectory(prefix="medl-release-") as tmp:
        course = Course.create(Path(tmp), [unit], repo=repo)
        course.nbgrader("generate_assignment", unit, "--force", "--log-level=WARN")
        if out_dir.exists():
            shutil.rmtree(out_dir)
        shutil.copytree(course.folders.path("release", ".", unit), out_dir)
    return out_dir


def release(unit: str, *, repo: Path | None = None) -> Path:
    """Regenerate the committed release of ``unit`` in the repository's assignments/."""
    repo = repo or repo_root()
    return build_release(unit, repo / "assignments" / unit, repo=repo)


def stale_files(unit: str, *, repo: Path | None = None) -> list[str]:
    """Files of the committed release that differ from a fresh release (empty: up to date)."""
    repo = repo or repo_root()
    committed = repo / "assignments" / unit
    with tempfile.TemporaryDirectory(prefix="medl-fresh-") as tmp:
        fresh = build_release(unit, Path(tmp) / unit, repo=repo)
        return _differences(fresh, committed)


def _differences(fresh: Path, committed: Path) -> list[str]:
    if not committed.is_dir():
        return [f"{committed} is missing"]
    comparison = filecmp.dircmp(fresh, committed)
    found: list[str] = []

    def walk(cmp: filecmp.dircmp, prefix: str) -> None:
        found.extend(f"{prefix}{name} is missing from the commit" for name in cmp.left_only)
        found.extend(f"{prefix}{name} is not in a fresh release" for name in cmp.right_only)
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
        found.extend(f"{prefix}{name} differs" for name in mismatch + errors)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(comparison, "")
    return found
