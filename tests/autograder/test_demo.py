"""``medl demo`` end to end on one unit: table printed, grades.csv and feedback written."""

import csv

import pytest
from typer.testing import CliRunner

from autograder.cli import app

# One worker runs the whole module, so its module-scoped demo runs once, not once per worker.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("demo")]


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "course"
    result = CliRunner().invoke(app, ["demo", "--out", str(out), "--units", "unit01"])
    return out, result


def test_demo_succeeds_and_prints_tables(demo_run):
    _, result = demo_run
    assert result.exit_code == 0, result.output
    for text in ("Totals per student", "Autograded cells", "reference", "blank",
                 "planted_bug", "weak_model", "grades.csv"):  # fmt: skip
        assert text in result.output


def test_demo_exports_grades_for_every_student(demo_run):
    out, _ = demo_run
    with open(out / "grades.csv") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert set(rows) == {"reference", "blank", "planted_bug", "weak_model"}
    assert float(rows["blank"]["score"]) == 0.0
    # Manual answers are not graded yet, so the reference earns exactly the autograded points.
    assert float(rows["reference"]["score"]) > float(rows["planted_bug"]["score"])
    assert float(rows["reference"]["score"]) > float(rows["weak_model"]["score"])


def test_demo_writes_feedback_html(demo_run):
    out, _ = demo_run
    for student in ("reference", "blank", "planted_bug", "weak_model"):
        page = out / "feedback" / student / "unit01" / "unit01.html"
        assert page.is_file() and "unit01" in page.read_text()


def test_demo_refuses_a_non_empty_directory(tmp_path):
    (tmp_path / "keep.txt").write_text("an earlier course")
    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path), "--units", "unit01"])
    assert result.exit_code == 2 and "exists and is not empty" in result.output
    assert (tmp_path / "keep.txt").read_text() == "an earlier course"


def test_demo_roles_run_whole_and_score_what_their_mutants_declare(demo_run):
    # The contract tests stop a mistake's run after its last declared cell; the demo runs
    # whole notebooks, so here a cost past that cell would show as a different total.
    from autograder.authoring import samples
    from autograder.contract import notebook as notebooks
    from autograder.course.directory import Course

    out, _ = demo_run
    points = notebooks.graded_code_cells(notebooks.read(Course(out).source_notebook("unit01")))
    with open(out / "grades.csv") as handle:
        totals = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}
    for role, mutant in samples.demo_roles("unit01").items():
        lost = sum(points[gid] - score for gid, score in mutant.expected.items())
        assert totals[role] == pytest.approx(sum(points.values()) - lost, abs=1e-3), role
