"""What a class needs to reproduce a grade is declared, bounded and pinned.

- every third-party module that course_lib or a release notebook imports comes from a
  distribution the student wheel declares (nothing arrives by accident);
- the student wheel bounds each dependency to a tested major version;
- requirements.lock pins every dependency of the instructor's package;
- importing nbformat (every nbgrader and grader process does) compiles no grammars.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from autograder.authoring.student_dist import STUDENT_PYPROJECT
from autograder.contract import notebook as notebooks
from autograder.course.directory import units

REPO = Path(__file__).resolve().parents[2]


def declared(pyproject_text: str) -> dict[str, str]:
    """distribution name (normalised) -> its requirement string."""
    block = re.search(r"dependencies = \[(.*?)\]", pyproject_text, re.S)[1]
    requirements = re.findall(r'"([^"]+)"', block)
    return {_norm(re.split(r"[<>=!\[ ]", r, maxsplit=1)[0]): r for r in requirements}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def imported_top_levels(source: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def student_imports() -> set[str]:
    modules = set()
    for path in (REPO / "course_lib").rglob("*.py"):
        modules |= imported_top_levels(path.read_text(encoding="utf-8"))
    for unit in units():
        nb = notebooks.read(REPO / "assignments" / unit / f"{unit}.ipynb")
        for cell in nb.cells:
            if cell.cell_type == "code":
                from autograder.contract.sources import python_text

                modules |= imported_top_levels(python_text(cell.source))
    return modules - set(sys.stdlib_module_names) - {"course_lib", "__future__"}


def test_every_student_import_comes_from_a_declared_distribution():
    providers = metadata.packages_distributions()
    wheel = declared(STUDENT_PYPROJECT)
    missing = {
        module: providers.get(module)
        for module in student_imports()
        if not {_norm(d) for d in providers.get(module, [])} & set(wheel)
    }
    assert missing == {}


@pytest.mark.parametrize("needed", ["jupyterlab", "ipykernel", "scipy", "gymnasium", "keras-tuner"])
def test_the_wheel_declares_what_jupyter_and_later_units_need(needed):
    assert needed in declared(STUDENT_PYPROJECT)


def test_every_wheel_dependency_has_an_upper_bound():
    unbounded = [r for r in declared(STUDENT_PYPROJECT).values()
                 if "<" not in r and not r.startswith("importlib_resources")]  # fmt: skip
    assert unbounded == []


def test_the_lock_pins_every_dependency_of_the_instructor_package():
    lock = (REPO / "requirements.lock").read_text()
    pinned = {_norm(m[1]) for m in re.finditer(r"^([A-Za-z0-9_.-]+)==", lock, re.M)}
    wanted = set(declared((REPO / "pyproject.toml").read_text()))
    assert wanted - pinned == set()


def test_nbformat_imports_without_compiling_grammars():
    # Every nbgrader run and grader process imports nbformat, and with it jsonschema. From
    # jsonschema 4.25 on, that import builds rfc3987-syntax's 38 Lark parsers (2 s):
    # pyproject.toml keeps jsonschema below 4.25, and this fails when a lock lifts it.
    code = "import sys, nbformat; print(sorted({'lark', 'rfc3987_syntax'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
