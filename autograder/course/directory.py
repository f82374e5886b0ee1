"""An nbgrader course directory built from this repository, and nbgrader run inside it.

Everything goes through nbgrader's own command line, exactly as an instructor would type
it, so what the tests and the demo show is what plain nbgrader does.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from nbformat.notebooknode import NotebookNode

from autograder.contract import notebook as notebooks
from autograder.course.folders import CourseFolders, course_folders
from autograder.course.warm_kernels import warm_kernels


def repo_root() -> Path:
    """The repository holding solutions/ and nbgrader_config.py.

    Looks next to the installed package first (an editable install), then at
    ``$MEDL_REPO``, then upwards from the working directory.

    Raises:
        FileNotFoundError: when none of those holds the course sources.
    """
    candidates = [Path(__file__).resolve().parents[2]]
    if os.environ.get("MEDL_REPO"):
        candidates.insert(0, Path(os.environ["MEDL_REPO"]))
    cwd = Path.cwd().resolve()
    candidates += [cwd, *cwd.parents]
    for path in candidates:
        if (path / "nbgrader_config.py").is_file() and (path / "solutions").is_dir():
            return path
    raise FileNotFoundError(
        "cannot find the medl repository (solutions/ and nbgrader_config.py); run from a "
        f"clone or set MEDL_REPO; searched {', '.join(map(str, candidates[:3]))}"
    )


def units(repo: Path | None = None) -> list[str]:
    """The assignment ids that have a source notebook, e.g. ['unit01', 'unit02']."""
    repo = repo or repo_root()
    root = repo / _source_directory(repo)
    return sorted(p.name for p in root.iterdir() if (p / f"{p.name}.ipynb").is_file())


def _source_directory(course_root: Path) -> str:
    # The repository's own nbgrader_config.py names it; read it the way nbgrader does.
    return course_folders(course_root).steps["source"]


def tool_env() -> dict[str, str]:
    """This environment with the interpreter's bin/ first on PATH.

    nbgrader runs ``alembic`` and Jupyter finds kernels by PATH; from an unactivated
    virtualenv they would otherwise be missing or be someone else's.
    """
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join([bin_dir, env.get("PATH", "")])
    return env


@dataclass
class Course:
    """A course directory built from this repository, its folders as its config sets them."""

    root: Path

    @functools.cached_property
    def folders(self) -> CourseFolders:
        return course_folders(self.root)

    @classmethod
    def create(cls, root: Path, unit_ids: list[str], *, repo: Path | None = None) -> Course:
        """Copy the config and the given units' source notebooks into a new course dir."""
        repo = repo or repo_root()
        root = Path(root)
        root.mkdir(parents=True, exist_ok=True)
        shutil.copy2(repo / "nbgrader_config.py", root / "nbgrader_config.py")
        source_name = _source_directory(repo)
        for unit in unit_ids:
            source = repo / source_name / unit
            if not (source / f"{unit}.ipynb").is_file():
                raise FileNotFoundError(f"no source notebook for {unit!r} in {source}")
            shutil.copytree(source, root / source_name / unit, dirs_exist_ok=True)
        return cls(root)

    def nbgrader(
        self, *args: str, timeout: float = 3600, warm: bool = True
    ) -> subprocess.CompletedProcess:
        """Run ``nbgrader ARGS`` in the course directory.

        Args:
            warm: let ``autograde`` start its kernels forked from a process that has
                imported TensorFlow already (``autograder.course.warm_kernels``); False
                starts each cold, as plain nbgrader outside medl does.

        Raises:
            RuntimeError: with nbgrader's own log tail when it exits non-zero.
        """
        command = [sys.executable, "-m", "nbgrader", *args]
        env = tool_env()
        kernels = nullcontext(env)
        if warm and args[:1] == ("autograde",):
            # The value the course's nbgrader_config.py sets inside nbgrader, given here
            # too so that kernels and the fork server see the same environment.
            env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
            kernels = warm_kernels(env)
        with kernels as env:
            done = subprocess.run(
                command, cwd=self.root, capture_output=True, text=True, timeout=timeout, env=env
            )
        if done.returncode != 0:
            tail = (done.stdout + done.stderr)[-4000:]
            raise RuntimeError(f"nbgrader {' '.join(args)} failed ({done.returncode}):\n{tail}")
        return done

    def source_notebook(self, unit: str) -> Path:
        return self.folders.path("source", ".", unit) / f"{unit}.ipynb"

    def release_notebook(self, unit: str) -> Path:
        return self.folders.path("release", ".", unit) / f"{unit}.ipynb"

    def submit(self, student: str, unit: str, nb: NotebookNode) -> Path:
        """Place ``nb`` where nbgrader collects it: submitted/STUDENT/UNIT/UNIT.ipynb."""
        path = self.folders.path("submitted", student, unit) / f"{unit}.ipynb"
        notebooks.write(nb, path)
        (path.parent / "timestamp.txt").write_text("2026-01-01 00:00:00.000000 UTC\n")
        return path

    def reference(self, unit: str) -> NotebookNode:
        """The perfect submission for ``unit`` (needs the release to exist)."""
        return notebooks.make_reference(
            notebooks.read(self.source_notebook(unit)), notebooks.read(self.release_notebook(unit))
        )

    def autograded_notebook(self, student: str, unit: str) -> NotebookNode:
        return notebooks.read(self.folders.path("autograded", student, unit) / f"{unit}.ipynb")

    def cell_output(self, student: str, unit: str, grade_id: str) -> str:
        """All text a graded cell printed when it was autograded (stdout, results, errors)."""
        cell = notebooks.cells_by_grade_id(self.autograded_notebook(student, unit))[grade_id]
        parts = []
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                parts.append(output.text)
            elif output.output_type == "execute_result":
                parts.append(output.data.get("text/plain", ""))
            elif output.output_type == "error":
                parts.append(f"{output.ename}: {output.evalue}")
        return "\n".join(parts)

    def scores(self, unit: str) -> dict[str, dict[str, tuple[float, float]]]:
        """student → grade_id → (score, max points) of the autograded cells, from the gradebook."""
        from nbgrader.api import Gradebook

        table: dict[str, dict[str, tuple[float, float]]] = {}
        with Gradebook(self.folders.db_url) as gradebook:
            assignment = gradebook.find_assignment(unit)
            for submission in assignment.submissions:
                cells = table.setdefault(submission.student.id, {})
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        # Markdown answers wait for a person; only code cells are autograded.
                        if grade.cell.cell_type == "code":
                            cells[grade.name] = (float(grade.score), float(grade.max_score))
        return table
