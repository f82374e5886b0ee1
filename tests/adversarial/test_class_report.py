"""`medl report` on a toy class graded by `medl grade`: the page an instructor opens."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.course.directory import Course, tool_env
from autograder.engine.batch import BatchOptions, grade_batch
from autograder.engine.options import GradingOptions

pytestmark = pytest.mark.slow

# The honest answer with its names changed and a comment: the similarity section's pair.
COPIED = "def double(values):\n    # twice\n    return 2 * np.asarray(values, dtype=float)\n"


def test_report_on_a_class_graded_by_medl(toy, repo, tmp_path_factory):
    shutil.copy2(repo / "nbgrader_config.py", toy.root / "nbgrader_config.py")
    course = Course(toy.root)
    course.nbgrader("generate_assignment", "unit98", "--force")
    toy.hand_in_class(copycat={"unit98_double_impl": COPIED})
    grading = GradingOptions(limits=toy.limits, checks_root=toy.checks)
    grade_batch(course.root, "unit98", BatchOptions(grading=grading, workers=2))

    out = tmp_path_factory.mktemp("page")
    run = subprocess.run(
        [str(Path(sys.executable).parent / "medl"), "report", str(course.root), "unit98",
         "--out", str(out), "--similar", "0.3"],
        capture_output=True, text=True, env=tool_env(),
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    text = (out / "index.html").read_text()
    assert "4 submissions, 2 graded cells" in text
    assert "test_negative" in text and "double(-1): values differ" in text
    assert "exited with code 7" in text  # the crasher, in the crashes table
    assert "Similar submissions" in text and "copycat and honest" in text
    for image in ("cells.png", "totals.png", "seconds.png"):
        assert (out / image).stat().st_size > 1000


def test_report_refuses_an_assignment_nobody_graded(toy, repo):
    shutil.copy2(repo / "nbgrader_config.py", toy.root / "nbgrader_config.py")
    run = subprocess.run(
        [str(Path(sys.executable).parent / "medl"), "report", str(toy.root), "unit97"],
        capture_output=True, text=True, env=tool_env(),
    )  # fmt: skip
    assert run.returncode == 2 and "error:" in run.stderr and "Traceback" not in run.stderr
