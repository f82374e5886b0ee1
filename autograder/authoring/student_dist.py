"""The student-facing wheel: course_lib alone, without the checks or the solutions.

The instructor's package ("medl") carries the autograder and its hidden checks; students
install this smaller wheel instead, so the secrets never reach them.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from autograder.course.directory import repo_root

STUDENT_PYPROJECT = """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "medl-course-lib"
version = "{version}"
description = "course_lib for The Mathematical Engineering of Deep Learning (student package)"
requires-python = ">=3.10,<3.13"
# Everything a student's `jupyter lab` needs for every unit, bounded to the major versions
# the course is tested with (requirements.lock pins the exact ones).
dependencies = [
    "tensorflow>=2.16,<3", "keras>=3.0,<4", "tensorflow-datasets>=4.9,<5",
    "importlib_resources>=6.0", "numpy>=1.26,<3", "scipy>=1.11,<2", "scikit-learn>=1.4,<2",
    "mnist1d>=0.0.2,<0.1", "matplotlib>=3.8,<4", "rich>=13.0,<16", "gymnasium>=1.0,<2",
    "keras-tuner>=1.4,<2", "jupyterlab>=4.0,<5", "ipykernel>=6.29,<8",
]

[tool.setuptools.packages.find]
include = ["course_lib*"]

[tool.setuptools.package-data]
course_lib = ["data/files/*"]
"""

# Text that only instructor material contains; its presence in a student file is a leak.
SECRET_MARKERS = ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "autograder.checks", "from autograder")


def build_student_wheel(*, out_dir: Path, repo: Path | None = None) -> Path:
    """Build ``medl_course_lib-*.whl`` into ``out_dir`` and return its path.

    Raises:
        RuntimeError: with pip's output if the build fails.
    """
    import course_lib

    repo = repo or repo_root()
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="medl-student-") as tmp:
        staging = Path(tmp)
        shutil.copytree(
            repo / "course_lib",
            staging / "course_lib",
            ignore=shutil.ignore_patterns("__pycache__"),
        )
        (staging / "pyproject.toml").write_text(
            STUDENT_PYPROJECT.format(version=course_lib.__version__)
        )
        command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                   "-q", "-w", str(out_dir), str(staging)]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"student wheel build failed:\n{done.stdout}{done.stderr}")
    wheels = sorted(out_dir.glob("medl_course_lib-*.whl"), key=lambda p: p.stat().st_mtime)
    return wheels[-1]
