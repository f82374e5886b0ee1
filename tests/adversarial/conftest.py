"""A toy assignment for hostile submissions: unit98 with ``double`` (4 points) and ``square`` (2).

Kernels stay light (NumPy and course_lib.testing only). Each hostile notebook is the
honest one with one answer cell replaced or one cell tampered with.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from autograder.authoring import cells as authoring
from autograder.contract import notebook as notebooks
from autograder.engine.isolated import grade_notebook
from autograder.engine.options import GradingOptions
from autograder.engine.sandbox import Limits

DOUBLE = '''
def double(x):
    """Twice x, elementwise."""
    ### BEGIN SOLUTION
    return 2 * np.asarray(x, dtype=float)
    ### END SOLUTION
'''
SQUARE = '''
def square(x):
    """x squared, elementwise."""
    ### BEGIN SOLUTION
    return np.asarray(x, dtype=float) ** 2
    ### END SOLUTION
'''
PUBLIC_DOUBLE = (
    "from course_lib.testing import assert_close\n"
    "assert_close(double([1.0, 2.0]), [2.0, 4.0], name='double')"
)  # the public checks of a test cell run inside `with public_checks():` (authoring.tests)
PUBLIC_SQUARE = "assert_close(square([3.0]), [9.0], name='square')"
CHECK_DOUBLE = """
import numpy as np
import pytest
from course_lib.testing import assert_close


def test_small(submission):
    assert_close(submission.call("double", np.arange(3.0)), [0.0, 2.0, 4.0], name="double")


@pytest.mark.weight(3)
def test_negative(submission):
    assert_close(submission.call("double", -np.ones(2)), [-2.0, -2.0], name="double(-1)")
"""
CHECK_SQUARE = """
import numpy as np
from course_lib.testing import assert_close


def test_square(submission):
    assert_close(submission.call("square", np.array([-2.0, 5.0])), [4.0, 25.0], name="square")
"""
FULL = {"unit98_double": 4.0, "unit98_square": 2.0}
# Right on the public case, wrong for negative inputs: only the hidden checks see it.
WRONG = "def double(x):\n    return 2 * np.abs(np.asarray(x, dtype=float))\n"
# Kills its own kernel in the middle of the notebook.
CRASH = "def double(x):\n    return 2 * np.asarray(x, dtype=float)\nimport os\nos._exit(7)\n"
# Small limits keep hostile cases quick; the memory limit still leaves NumPy room.
LIMITS = Limits(cell_timeout_s=4, notebook_timeout_s=60, memory_mb=1536, output_bytes=20_000,
                transfer_timeout_s=4)  # fmt: skip


def source_notebook() -> nbformat.NotebookNode:
    return authoring.notebook(
        [
            authoring.markdown("# Toy unit"),
            authoring.code("import numpy as np\nfrom course_lib.testing import public_checks"),
            authoring.solution(DOUBLE, "unit98_double_impl"),
            authoring.tests(PUBLIC_DOUBLE, "unit98_double", points=4),
            authoring.solution(SQUARE, "unit98_square_impl"),
            authoring.tests(PUBLIC_SQUARE, "unit98_square", points=2),
        ]
    )


class Toy:
    """The toy course in a temporary folder, and helpers to hand in and grade notebooks."""

    full = FULL
    limits = LIMITS

    def __init__(self, root: Path):
        self.root = root
        self.checks = root / "checks"
        (self.checks / "unit98").mkdir(parents=True)
        (self.checks / "unit98" / "test_double.py").write_text(CHECK_DOUBLE)
        (self.checks / "unit98" / "test_square.py").write_text(CHECK_SQUARE)
        (self.checks / "pytest.ini").write_text("[pytest]\n")
        self.source = notebooks.write(
            source_notebook(), root / "solutions" / "unit98" / "unit98.ipynb"
        )

    def release(self, answers: dict[str, str] | None = None) -> nbformat.NotebookNode:
        """The notebook a student hands in: reference answers unless ``answers`` overrides."""
        nb = nbformat.from_dict(notebooks.read(self.source))
        for cell in nb.cells:
            meta = notebooks.nbgrader_meta(cell)
            if meta.get("solution"):
                default = notebooks.strip_solution_markers(cell.source)
                cell.source = (answers or {}).get(meta["grade_id"], default)
            elif meta.get("grade"):
                cell.source = notebooks.strip_hidden_tests(cell.source)
        return nb

    def hand_in(self, nb: nbformat.NotebookNode, student: str = "student") -> Path:
        return notebooks.write(nb, self.root / "submitted" / student / "unit98" / "unit98.ipynb")

    def hand_in_class(self, **more: dict[str, str]) -> None:
        """honest, wrong (6 → 3 points) and crasher (0, kernel exits 7), plus ``more``:
        student → answers, for a class a batch can grade (the release must exist)."""
        self.hand_in(self.release(), "honest")
        self.hand_in(self.release({"unit98_double_impl": WRONG}), "wrong")
        self.hand_in(self.release({"unit98_double_impl": CRASH}), "crasher")
        for student, answers in more.items():
            self.hand_in(self.release(answers), student)

    def grade(self, nb_or_path, student: str = "student", **kwargs):
        path = nb_or_path if isinstance(nb_or_path, Path) else self.hand_in(nb_or_path, student)
        options = GradingOptions(**{"limits": LIMITS, "checks_root": self.checks, **kwargs})
        return grade_notebook(path, source=self.source, options=options)

    @staticmethod
    def scores(grade) -> dict[str, float]:
        return {cell.grade_id: cell.score for cell in grade.cells}

    @staticmethod
    def outputs(grade) -> str:
        """Everything the executed notebook printed, as one string."""
        parts = []
        for cell in grade.executed.cells if grade.executed else []:
            for output in cell.get("outputs", []):
                parts.append(output.get("text", "") or str(output.get("data", "")))
                if output.get("output_type") == "error":
                    parts.append(f"{output.get('ename')}: {output.get('evalue')}")
        return "\n".join(parts)


@pytest.fixture
def toy(tmp_path) -> Toy:
    return Toy(tmp_path)
