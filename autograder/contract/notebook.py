"""Reading nbgrader notebooks and deriving sample submissions from them.

The reference submission is the release notebook with every answer cell filled in from the
source notebook, exactly as a perfect student would hand it in. A mutant is the reference
with one planted mistake, used to prove that each check can fail.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

# nbformat is imported where a function needs it, not here: the in-kernel grade() reads
# the notebook through this module, and `import nbformat` pulls in jsonschema, whose
# optional IRI format checker compiles 39 grammars: 2-4 s in every graded kernel.
if TYPE_CHECKING:
    from nbformat.notebooknode import NotebookNode

_SOLUTION_MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$\n?", re.MULTILINE)
_HIDDEN_BLOCK = re.compile(
    r"^\s*### BEGIN HIDDEN TESTS\s*$.*?^\s*### END HIDDEN TESTS\s*$\n?", re.MULTILINE | re.DOTALL
)
_HIDDEN_CALL = re.compile(r'grade\("(?P<grade_id>[\w]+)", globals\(\), points=(?P<points>[\d.]+)\)')


def read(path: Path) -> NotebookNode:
    """Read a notebook (format 4), with a clear error for a missing or corrupt file."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no notebook at {path}")
    import nbformat

    try:
        return nbformat.read(path, as_version=4)
    except Exception as exc:
        raise ValueError(f"{path} is not a readable notebook: {exc}") from None


def read_cells(path: Path) -> SimpleNamespace:
    """A format-4 notebook's cells as plain dicts (``.cells``), sources joined into strings.

    For reading only, where importing nbformat would cost more than the read: no
    validation, no upgrade from older formats (those go through :func:`read`).

    Raises:
        OSError: if the file cannot be read.
        ValueError: if it is not a notebook :func:`read` can read either.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except ValueError:
        data = None
    if (
        not isinstance(data, dict)
        or data.get("nbformat") != 4
        or not isinstance(data.get("cells"), list)
    ):
        return read(path)  # anything unusual: nbformat's own reader and its errors
    cells = []
    for cell in data["cells"]:
        if not isinstance(cell, dict):
            raise ValueError(f"{path} is not a readable notebook: a cell is not an object")
        source = cell.get("source", "")
        cells.append(
            {**cell, "source": "".join(source) if isinstance(source, list) else str(source)}
        )
    return SimpleNamespace(cells=cells)


def nbgrader_meta(cell: NotebookNode) -> dict:
    """A cell's nbgrader metadata; ``{}`` when absent or not a dict (a hand-edited file)."""
    metadata = cell.get("metadata")
    meta = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    if not isinstance(meta, dict) or not isinstance(meta.get("grade_id", ""), str):
        return {}
    return meta


def is_protected(meta: dict) -> bool:
    """A locked cell, or a test cell (graded and not an answer)."""
    return bool(meta.get("locked")) or (bool(meta.get("grade")) and not meta.get("solution"))


def is_test_cell(cell: NotebookNode) -> bool:
    meta = nbgrader_meta(cell)
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def graded_code_cells(nb: NotebookNode) -> dict[str, float]:
    """grade_id → points of every graded code cell, in notebook order."""
    return {
        meta["grade_id"]: float(meta.get("points", 0))
        for cell in nb.cells
        if cell.cell_type == "code"
        and (meta := nbgrader_meta(cell)).get("grade")
        and meta.get("grade_id")
    }


def cells_by_grade_id(nb: NotebookNode) -> dict[str, NotebookNode]:
    """Every nbgrader cell keyed by its grade_id."""
    return {nbgrader_meta(c)["grade_id"]: c for c in nb.cells if "grade_id" in nbgrader_meta(c)}


def graded_cells(nb: NotebookNode) -> dict[str, float]:
    """grade_id → points for every graded cell, in notebook order."""
    return {
        meta["grade_id"]: float(meta.get("points", 0))
        for meta in map(nbgrader_meta, nb.cells)
        if meta.get("grade")
    }


def hidden_calls(nb: NotebookNode) -> dict[str, float]:
    """grade_id → points named in each test cell's hidden ``grade(...)`` call."""
    calls = {}
    for cell in nb.cells:
        for match in _HIDDEN_CALL.finditer(cell.source):
            calls[match["grade_id"]] = float(match["points"])
    return calls


def strip_solution_markers(source: str) -> str:
    return _SOLUTION_MARKER.sub("", source)


def strip_hidden_tests(source: str) -> str:
    return _HIDDEN_BLOCK.sub("", source).rstrip()


def make_reference(source_nb: NotebookNode, release_nb: NotebookNode) -> NotebookNode:
    """The release notebook with each answer cell replaced by the source's answer."""
    answers = cells_by_grade_id(source_nb)
    import nbformat

    reference = nbformat.from_dict(release_nb)
    for cell in reference.cells:
        meta = nbgrader_meta(cell)
        if meta.get("solution") and meta["grade_id"] in answers:
            cell.source = strip_solution_markers(answers[meta["grade_id"]].source)
    return reference


@dataclass(frozen=True)
class Mutant:
    """A planted mistake: replace ``find`` by ``replace`` in answer cell ``cell``.

    Attributes:
        name: a short id, used as the student id in tests and the demo.
        cell: grade_id of the answer cell to edit.
        find: text that must occur exactly once in that cell.
        replace: the wrong version.
        expected: grade_id → the score that cell must get; every other cell keeps full marks.
        message: text that the failing cell's output must contain (names the difference).
        solo: graded in a submission of its own, for a mistake whose effects outlast the
            cells it declares (see ``autograder.authoring.packing``).
    """

    name: str
    cell: str
    find: str
    replace: str
    expected: dict[str, float] = field(default_factory=dict)
    message: str = ""
    solo: bool = False

    def apply(self, reference: NotebookNode) -> NotebookNode:
        """A copy of ``reference`` with this mistake planted.

        Raises:
            ValueError: if the cell is missing or ``find`` does not occur exactly once,
                which means the mutant went stale when the notebook changed.
        """
        import nbformat

        nb = nbformat.from_dict(reference)
        cell = cells_by_grade_id(nb).get(self.cell)
        if cell is None:
            raise ValueError(f"mutant {self.name}: no cell {self.cell!r} in the notebook")
        count = cell.source.count(self.find)
        if count != 1:
            raise ValueError(
                f"mutant {self.name}: {self.find!r} occurs {count} times in {self.cell}, "
                "expected exactly once"
            )
        cell.source = cell.source.replace(self.find, self.replace)
        return nb


def write(nb: NotebookNode, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    import nbformat

    nbformat.write(nb, path)
    return path
