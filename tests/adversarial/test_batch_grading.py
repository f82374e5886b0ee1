"""Batches: parallel workers, one broken submission costs only itself, resume, shards, merge,
and nbgrader's feedback and export working on isolated grades."""

from __future__ import annotations

import contextlib
import csv
import json
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import psutil
import pytest

from autograder.course.directory import Course, tool_env
from autograder.engine.batch import (
    BatchOptions,
    folders_of,
    grade_batch,
    hidden_paths,
    in_shard,
    merge,
    parse_shard,
    plan_jobs,
    results_dir,
)
from autograder.engine.options import GradingOptions

pytestmark = pytest.mark.slow


def make_course(toy, repo: Path) -> Course:
    shutil.copy2(repo / "nbgrader_config.py", toy.root / "nbgrader_config.py")
    course = Course(toy.root)
    course.nbgrader("generate_assignment", "unit98", "--force")
    toy.hand_in_class()
    return course


def options(toy, **kwargs) -> BatchOptions:
    grading = GradingOptions(limits=toy.limits, checks_root=toy.checks,
                             show_details=kwargs.pop("show_details", True))  # fmt: skip
    return BatchOptions(grading=grading, **kwargs)


@pytest.fixture
def course(toy, repo):
    return make_course(toy, repo)


def test_parallel_batch_isolates_a_crashing_submission(toy, course):
    results = grade_batch(course.root, "unit98", options(toy, workers=2))
    by_student = {r.student: r for r in results}
    assert set(by_student) == {"honest", "wrong", "crasher"}
    assert by_student["honest"].score == 6.0
    assert by_student["wrong"].score == 3.0  # double: 1 of 4 (partial credit), square: 2
    assert by_student["crasher"].score == 0.0
    assert "exited with code 7" in by_student["crasher"].reason
    scores = course.scores("unit98")
    assert scores["honest"] == {"unit98_double": (4.0, 4.0), "unit98_square": (2.0, 2.0)}
    assert scores["crasher"]["unit98_double"] == (0.0, 4.0)
    for student in by_student:
        out = results_dir(course.root, "unit98", student)
        assert {p.name for p in out.iterdir()} >= {"results.json", "junit.xml", "summary.md"}


def test_a_grader_process_that_dies_is_retried_with_one_worker(toy, course):
    # What libzmq's `!_more` assertion did to a one-worker batch under load: the grading
    # process aborts mid-submission, through no fault of the submission.
    aborted = []

    def abort_the_worker_once_its_kernel_runs() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not aborted:
            for child in psutil.Process().children():
                with contextlib.suppress(psutil.Error):  # it may end while looked at
                    worker = "spawn_main" in " ".join(child.cmdline())
                    if worker and child.children():  # its kernel runs: mid-submission
                        child.send_signal(signal.SIGABRT)
                        aborted.append(child.pid)
                        return
            time.sleep(0.05)

    watcher = threading.Thread(target=abort_the_worker_once_its_kernel_runs, daemon=True)
    watcher.start()
    results = grade_batch(course.root, "unit98", options(toy, workers=1))
    watcher.join()
    assert aborted, "no worker process was seen grading"
    assert {r.student: r.score for r in results} == {"honest": 6.0, "wrong": 3.0, "crasher": 0.0}
    assert {s: sum(p for p, _ in c.values()) for s, c in course.scores("unit98").items()} == {
        "honest": 6.0, "wrong": 3.0, "crasher": 0.0,
    }  # fmt: skip


def test_resume_skips_finished_submissions(toy, course):
    grade_batch(course.root, "unit98", options(toy, students=("honest",)))
    stamp = (results_dir(course.root, "unit98", "honest") / "results.json").stat().st_mtime_ns
    again = grade_batch(course.root, "unit98", options(toy, resume=True))
    assert sorted(r.student for r in again) == ["crasher", "wrong"]
    assert (
        results_dir(course.root, "unit98", "honest") / "results.json"
    ).stat().st_mtime_ns == stamp


def test_shards_merge_into_the_same_gradebook(toy, course, tmp_path, repo):
    shards = []
    for index in (1, 2):
        grade_batch(course.root, "unit98", options(toy, shard=(index, 2)))
        moved = tmp_path / f"shard{index}"
        shutil.move(course.root / "medl-results" / "unit98", moved)
        shards.append(moved)
    assert sorted(p.name for s in shards for p in s.iterdir()) == ["crasher", "honest", "wrong"]
    merged = merge(course.root, "unit98", shards)
    assert {r["student"]: r["score"] for r in merged} == {
        "crasher": 0.0,
        "honest": 6.0,
        "wrong": 3.0,
    }
    with pytest.raises(ValueError, match="appears in both"):
        merge(course.root, "unit98", [shards[0], shards[0]])


def test_feedback_and_export_work_on_isolated_grades(toy, course):
    grade_batch(course.root, "unit98", options(toy))
    course.nbgrader("generate_feedback", "unit98", "--force")
    course.nbgrader("export")
    with open(course.root / "grades.csv") as handle:
        rows = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}
    assert rows == {"honest": 6.0, "wrong": 3.0, "crasher": 0.0}
    page = (course.root / "feedback" / "wrong" / "unit98" / "unit98.html").read_text()
    assert "double(-1): values differ" in page and "expected -2, got 2" in page


def test_details_hidden_keep_messages_out_of_reports(toy, course):
    grade_batch(course.root, "unit98", options(toy, students=("wrong",), show_details=False))
    out = results_dir(course.root, "unit98", "wrong")
    assert "values differ" not in (out / "summary.md").read_text()
    assert "details hidden" in (out / "junit.xml").read_text()
    assert "details are shown after the due date" in (out / "summary.md").read_text()


def test_grade_notebook_cli_writes_reports_and_step_summary(toy, tmp_path, monkeypatch):
    # The CI mode on a real unit is covered in tests/contract; here: the command's plumbing.
    summary = tmp_path / "step_summary.md"
    env = {**tool_env(), "GITHUB_STEP_SUMMARY": str(summary)}
    missing = subprocess.run(
        [sys.executable, "-m", "autograder.cli", "grade-notebook", str(tmp_path / "none.ipynb"),
         "--assignment", "unit02", "--out", str(tmp_path / "out")],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert missing.returncode == 0, missing.stderr
    result = json.loads((tmp_path / "out" / "results.json").read_text())
    assert result["status"] == "error" and result["score"] == 0.0
    assert "no notebook" in result["reason"].lower() or "not found" in result["reason"].lower()
    assert "unit02: 0 / 20 points" in summary.read_text()


@pytest.mark.parametrize(
    "text, expected", [("1/1", (1, 1)), ("2/4", (2, 4))], ids=["whole", "second-of-four"]
)
def test_parse_shard(text, expected):
    assert parse_shard(text) == expected


@pytest.mark.parametrize(
    "bad", ["0/2", "3/2", "x", "1-2"], ids=["zero", "past-end", "word", "dash"]
)
def test_parse_shard_rejects(bad):
    with pytest.raises(ValueError, match="shard"):
        parse_shard(bad)


def test_shards_are_disjoint_covering_and_balanced():
    students = [f"s{i:02d}" for i in range(11)]
    parts = [in_shard(students, (i, 3)) for i in (1, 2, 3)]
    assert sorted(sum(parts, [])) == students
    assert {len(p) for p in parts} == {3, 4}


def test_unknown_student_is_refused(toy, course):
    with pytest.raises(ValueError, match="no submission of unit98 from nobody"):
        grade_batch(course.root, "unit98", replace(options(toy), students=("nobody",)))


def test_every_job_carries_the_callers_options(toy, course, tmp_path):
    # One options object from the CLI to the worker: the batch adds the threads each of
    # its kernels may use and the course's secrets to hide, and changes nothing else.
    extra = tmp_path / "another-course"
    grading = GradingOptions(limits=toy.limits, checks_root=toy.checks, show_details=False,
                             isolation="none", hidden=(extra,))  # fmt: skip
    jobs = plan_jobs(course.root, "unit98", BatchOptions(grading=grading, workers=2))
    assert sorted(job.student for job in jobs) == ["crasher", "honest", "wrong"]
    for job in jobs:
        assert job.grading.limits.threads >= 1
        assert job.grading.hidden == (extra, *hidden_paths(folders_of(course.root)))
        assert job.grading.with_(limits=toy.limits, hidden=(extra,)) == grading


@pytest.mark.parametrize(
    "field, value", [("device", "tpu"), ("isolation", "docker")], ids=["device", "isolation"]
)
def test_grading_options_refuse_unknown_values(field, value):
    with pytest.raises(ValueError, match=f"got {value!r}"):
        GradingOptions(**{field: value})
