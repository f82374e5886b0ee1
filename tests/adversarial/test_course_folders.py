"""Course folders come from nbgrader's own config; user mistakes are one line, exit 2."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from autograder.cli import app
from autograder.course.directory import Course, tool_env
from autograder.course.folders import CourseError, course_folders
from autograder.engine.batch import BatchOptions, grade_batch
from autograder.engine.options import GradingOptions

# nbgrader's defaults everywhere except the course id: source/, release/, submitted/, ...
DEFAULT_CONFIG = 'c = get_config()\nc.CourseDirectory.course_id = "toy"\n'


def test_folders_follow_the_config(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text(
        DEFAULT_CONFIG + 'c.CourseDirectory.submitted_directory = "turned_in"\n'
        'c.CourseDirectory.db_url = "sqlite:///grades.sqlite"\nc.MedlGrade.details = "hide"\n'
    )
    folders = course_folders(tmp_path)
    assert folders.steps["source"] == "source" and folders.steps["release"] == "release"
    assert folders.path("submitted", "ann", "unit98") == tmp_path / "turned_in" / "ann" / "unit98"
    assert folders.db_url == "sqlite:///grades.sqlite" and folders.details == "hide"
    with pytest.raises(CourseError, match="nobody submitted 'unit98'"):
        folders.submitted_students("unit98")
    with pytest.raises(CourseError, match="no source notebook for assignment 'unit98'"):
        folders.source_notebooks("unit98")


@pytest.fixture
def default_course(toy):
    """The toy unit in a course laid out with nbgrader's defaults (source/, not solutions/)."""
    (toy.root / "nbgrader_config.py").write_text(DEFAULT_CONFIG)
    shutil.move(toy.root / "solutions", toy.root / "source")
    toy.source = toy.root / "source" / "unit98" / "unit98.ipynb"
    course = Course(toy.root)
    course.nbgrader("generate_assignment", "unit98", "--force")
    toy.hand_in(toy.release(), "honest")
    return course


@pytest.mark.slow
def test_a_course_with_nbgraders_default_layout_grades_and_exports(toy, default_course):
    options = BatchOptions(grading=GradingOptions(limits=toy.limits, checks_root=toy.checks))
    [result] = grade_batch(default_course.root, "unit98", options)
    assert (result.student, result.score, result.status) == ("honest", 6.0, "ok")
    subprocess.run([sys.executable, "-m", "nbgrader", "export"], cwd=default_course.root,
                   env=tool_env(), check=True, capture_output=True)  # fmt: skip
    with open(default_course.root / "grades.csv") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert float(rows["honest"]["score"]) == 6.0


def run_cli(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.mark.parametrize(
    "args, message",
    [
        (["grade", "{root}", "unit99"], "is not in the gradebook"),
        (["grade", "{root}/nowhere", "unit98"], "no course directory at"),
        (["grade", "{root}", "unit98", "--student", "nobody"], "no submission of unit98 from nobody"),
        (["grade", "{root}", "unit98", "--shard", "3/2"], "shard index must be between 1 and N"),
        (["grade", "{root}", "unit98", "--device", "tpu"], "--device must be auto, cpu or gpu"),
        (["merge", "{root}", "unit98", "{root}/no-shard"], "no shard results folder"),
        (["grade-notebook", "{root}/x.ipynb", "--assignment", "unit77", "--course", "{root}"],
         "no source notebook for assignment 'unit77'"),
        (["release", "unit77"], "no source notebook for unit77"),
        (["demo", "--units", "unit77"], "no source notebook for unit77"),
    ],
    ids=["unknown-assignment", "no-course", "unknown-student", "bad-shard", "bad-device",
         "missing-shard", "unknown-assignment-ci", "release-unknown-unit", "demo-unknown-unit"],
)  # fmt: skip
def test_user_mistakes_are_one_line_and_exit_2(toy, default_course, args, message):
    result = run_cli(*(a.format(root=default_course.root) for a in args))
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert "Traceback" not in result.output and len(lines) == 1, result.output
    assert message in " ".join(result.output.split())


def test_nobody_submitted_is_one_line(toy, default_course):
    shutil.rmtree(default_course.root / "submitted")
    result = run_cli("grade", str(default_course.root), "unit98")
    assert result.exit_code == 2 and "nobody submitted 'unit98'" in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output


def test_no_source_notebook_is_one_line(toy, default_course):
    (default_course.root / "source" / "unit98" / "unit98.ipynb").unlink()
    result = run_cli("grade", str(default_course.root), "unit98")
    assert result.exit_code == 2 and "no source notebook for assignment 'unit98'" in result.output
