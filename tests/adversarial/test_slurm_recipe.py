"""The Slurm recipe without Slurm: N shard scripts as separate processes, then one merge.

contrib/slurm/grade-array.sbatch runs contrib/slurm/grade-shard.sh once per array task;
here the same script runs N times at once on one machine, each in its own process and its
own copy of the course, and `medl merge` writes the shards into the gradebook. The merged
gradebook must equal one `medl grade` of the whole class.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.course.directory import Course, tool_env

pytestmark = pytest.mark.slow

MEDL = str(Path(sys.executable).parent / "medl")


def class_of_four(toy, repo: Path) -> Course:
    """The toy course, its own checks named in nbgrader_config.py, four submissions."""
    config = (repo / "nbgrader_config.py").read_text()
    (toy.root / "nbgrader_config.py").write_text(config + '\nc.MedlGrade.checks = "checks"\n')
    course = Course(toy.root)
    course.nbgrader("generate_assignment", "unit98", "--force")
    toy.hand_in_class(lazy={"unit98_square_impl": "def square(x):\n    return x\n"})
    return course


def medl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([MEDL, *args], capture_output=True, text=True, env=tool_env())


def test_shards_as_separate_processes_merge_into_the_single_process_gradebook(
    toy, repo, tmp_path_factory
):
    course = class_of_four(toy, repo)  # in its own folder: the copies go outside it
    tmp_path = tmp_path_factory.mktemp("cluster")
    single = Course(Path(shutil.copytree(course.root, tmp_path / "single")))
    results, shards = tmp_path / "results", 3
    env = {**tool_env(), "MEDL": MEDL, "TMPDIR": str(tmp_path), "SLURM_CPUS_PER_TASK": "1"}
    script = repo / "contrib" / "slurm" / "grade-shard.sh"
    running = [
        subprocess.Popen(
            ["bash", str(script), str(course.root), "unit98", str(i), str(shards), str(results)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        for i in range(1, shards + 1)
    ]
    for process in running:
        output, _ = process.communicate(timeout=600)
        assert process.returncode == 0, output
    folders = sorted(results.iterdir())
    assert [f.name for f in folders] == ["shard-1", "shard-2", "shard-3"]
    # Every student in exactly one shard; the shards never touched the course's gradebook.
    graded = sorted(p.name for folder in folders for p in folder.iterdir())
    assert graded == ["crasher", "honest", "lazy", "wrong"]
    assert not (course.root / "medl-results").exists()

    merged = medl("merge", str(course.root), "unit98", *map(str, folders))
    assert merged.returncode == 0, merged.stderr
    alone = medl("grade", str(single.root), "unit98", "--workers", "1")
    assert alone.returncode == 0, alone.stderr

    assert course.scores("unit98") == single.scores("unit98")
    assert course.scores("unit98")["wrong"]["unit98_double"] == (1.0, 4.0)
    assert course.scores("unit98")["lazy"]["unit98_square"] == (0.0, 2.0)
    assert not any(Path(tmp_path).glob("medl-shard-*")), "a shard left its copy behind"


def test_the_shard_script_refuses_bad_arguments(tmp_path, repo):
    script = repo / "contrib" / "slurm" / "grade-shard.sh"
    usage = subprocess.run(["bash", str(script), "only-one"], capture_output=True, text=True)
    assert usage.returncode == 2 and "usage:" in usage.stderr
    missing = subprocess.run(
        ["bash", str(script), str(tmp_path), "unit98", "1", "2", str(tmp_path / "r")],
        capture_output=True, text=True, env={**os.environ, "MEDL": MEDL},
    )  # fmt: skip
    assert missing.returncode == 2 and "no nbgrader_config.py" in missing.stderr


def test_a_checks_folder_that_does_not_exist_is_one_line(toy, repo, tmp_path):
    config = (repo / "nbgrader_config.py").read_text()
    (toy.root / "nbgrader_config.py").write_text(config + '\nc.MedlGrade.checks = "nope"\n')
    result = medl("grade", str(toy.root), "unit98")
    assert result.returncode == 2
    assert "c.MedlGrade.checks" in result.stderr and "is not a folder" in result.stderr
    assert "Traceback" not in result.stderr
