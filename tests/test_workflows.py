"""GitHub Actions workflows: actionlint-clean, and no secret ever reaches a run a student controls.

The course repository grades students' commits itself (grade-submissions.yml): students'
repositories hold at most the template workflow, which runs public checks with no secret.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
COURSE_WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
STUDENT_WORKFLOWS = sorted((REPO / "classroom" / "student-template").rglob("*.yml"))
ACTIONLINT = shutil.which("actionlint") or str(Path(sys.executable).parent / "actionlint")


def lint(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([ACTIONLINT, "-no-color", str(path)], capture_output=True, text=True)


def load(path: Path) -> dict:
    workflow = yaml.safe_load(path.read_text())
    workflow["on"] = workflow.pop(True, workflow.get("on"))  # YAML reads `on:` as True
    return workflow


def test_the_expected_workflows_exist():
    assert {p.name for p in COURSE_WORKFLOWS} == {"ci.yml", "grade-submissions.yml", "regrade.yml"}
    assert [p.name for p in STUDENT_WORKFLOWS] == ["public-checks.yml"]


@pytest.mark.parametrize(
    "workflow",
    COURSE_WORKFLOWS + STUDENT_WORKFLOWS,
    ids=lambda p: p.parent.parent.parent.name + "/" + p.name,
)
def test_workflow_passes_actionlint(workflow):
    done = lint(workflow)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_rejects_a_broken_workflow(tmp_path):
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ matrix.nothing }}\n"
    )
    done = lint(broken)
    assert done.returncode != 0 and "matrix" in done.stdout


@pytest.mark.parametrize("workflow", STUDENT_WORKFLOWS, ids=lambda p: p.name)
def test_student_workflows_reference_no_secret(workflow):
    text = workflow.read_text()
    assert "secrets." not in text and "secrets[" not in text
    assert "workflow_call" not in load(workflow)["on"]


def test_no_course_workflow_can_be_called_or_triggered_by_a_student():
    # A reusable workflow (workflow_call) would run in the caller's context, and pull
    # requests from forks would run on student code: neither may hold the course's secrets.
    for path in COURSE_WORKFLOWS:
        triggers = load(path)["on"]
        names = set(triggers) if isinstance(triggers, dict) else set(triggers or [])
        assert not names & {"workflow_call", "pull_request_target", "issue_comment"}, path.name


def test_grading_keeps_the_classroom_token_away_from_the_sandbox():
    steps = load(REPO / ".github" / "workflows" / "grade-submissions.yml")["jobs"]["grade"]["steps"]
    checkouts = [s for s in steps if s.get("uses", "").startswith("actions/checkout")]
    assert checkouts and all(s["with"]["persist-credentials"] is False for s in checkouts)
    [grading] = [s for s in steps if "medl grade-notebook" in s.get("run", "")]
    assert "secrets." not in str(grading.get("env", {}))
    assert 'cp "student/$NOTEBOOK" submission/' in grading["run"]  # the notebook alone
