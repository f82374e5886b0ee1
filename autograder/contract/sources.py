"""The code of a submission as the grader reads it from the notebook file, never the kernel.

Checks that judge *code* (no GradientTape in a manual backward pass, an optimizer written
from scratch) need the text behind a name the student's kernel defines. A kernel can
report anything about itself (a forged ``In``, a patched ``linecache``), so the text is
read here from the notebook file the grader parsed. That text only says something about
the kernel's object when the two are tied together, so :class:`NotebookSources` refuses to
give a source when the tie is loose:

- the name is bound only by top-level ``def``/``class`` statements (the last one wins, as
  when the cells run in order); an assignment, an import, a definition inside an ``if`` or
  ``try`` block, a loop variable or a ``del`` can rebind it behind the text's back;
- no student cell runs code the grader cannot read: ``exec``/``eval``/``compile``, access
  to ``globals()``, ``builtins``, ``sys.modules`` or ``__dict__``, ``get_ipython()`` and the
  magics that run other code (``%run``, ``%%capture``, ``!cmd``; ``%matplotlib`` is fine).

Both refusals are :class:`~course_lib.testing.CheckFailure` messages that say what to
change, and cost only the checks that judge code.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field

from course_lib.testing import CheckFailure

_DEFINES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
# Names (as bare names) and attributes through which a cell can run or bind code the
# grader never sees. `compile` and `eval` only count as bare names: `model.compile` is Keras.
DYNAMIC_NAMES = frozenset(
    {"exec", "eval", "compile", "globals", "vars", "__import__", "setattr", "delattr",
     "importlib", "builtins", "__builtins__", "get_ipython"}
)  # fmt: skip
DYNAMIC_ATTRIBUTES = frozenset(
    {"modules", "system", "getoutput", "__dict__", "__globals__", "__code__", "__builtins__",
     "run_cell", "run_line_magic", "run_cell_magic", "import_module", "get_ipython"}
)  # fmt: skip
# Line magics that change nothing but how output is shown or timed.
_HARMLESS_MAGICS = {"matplotlib", "config", "precision", "pprint"}


@dataclass
class Cell:
    """One code cell as the grader read it."""

    index: int  # 1-based position among the notebook's cells
    grade_id: str  # "" for a cell without nbgrader metadata
    text: str  # the cell's Python (IPython magics rewritten), as parsed
    tree: ast.Module | None  # None when it does not parse
    student: bool = True  # False for locked and test cells (restored from the source)


@dataclass
class NotebookSources:
    """Definitions of a notebook's code cells, read by the grader.

    Args:
        cells: the code cells in notebook order (see :func:`cells_of`).
    """

    cells: list[Cell]
    _definitions: dict[str, list[tuple[Cell, ast.AST]]] = field(init=False, repr=False)
    _rebinds: dict[str, list[str]] = field(init=False, repr=False)
    _dynamic: list[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._definitions, self._rebinds, self._dynamic = {}, {}, []
        for cell in self.cells:
            if cell.tree is None:
                continue
            for node in cell.tree.body:
                if isinstance(node, _DEFINES):
                    self._definitions.setdefault(node.name, []).append((cell, node))
                else:
                    for name, how in _bindings(node):
                        where = f"{how} in cell {cell.index}"
                        self._rebinds.setdefault(name, []).append(where)
            if cell.student:
                self._dynamic += [f"{what} in cell {cell.index}" for what in _dynamic(cell)]

    @classmethod
    def from_texts(cls, texts: list[str]) -> NotebookSources:
        """Sources of plain cell texts, all of them the student's (tests, tools)."""
        return cls([Cell(index, "", *_parsed(text)) for index, text in enumerate(texts, start=1)])

    def upto(self, index: int) -> NotebookSources:
        """The sources of the cells at notebook positions ``1..index`` (those run so far)."""
        return NotebookSources([cell for cell in self.cells if cell.index <= index])

    def defines(self, name: str) -> bool:
        """Whether a top-level ``def``/``class`` statement defines ``name``."""
        return name in self._definitions

    def source(self, name: str) -> str | None:
        """The text of the last top-level definition of ``name``, or None if there is none.

        Like :func:`inspect.getsource`, it includes decorators and ends with a newline.

        Raises:
            CheckFailure: if something else can rebind ``name`` or a student cell runs
                code the grader cannot read (see the module docstring).
        """
        found = self._definitions.get(name)
        if not found:
            return None
        if self._rebinds.get(name):
            raise CheckFailure(
                f"{name} is also bound by {'; '.join(self._rebinds[name][:3])}: the grader "
                f"reads {name}'s code only when top-level `def`/`class` statements alone "
                "define it; remove the other binding"
            )
        if self._dynamic:
            raise CheckFailure(
                f"the notebook runs code the grader cannot read ({'; '.join(self._dynamic[:3])}),"
                f" so the code of {name} cannot be judged; use plain statements instead"
            )
        cell, node = found[-1]
        lines = cell.text.splitlines()
        first = min([node.lineno] + [d.lineno for d in node.decorator_list])
        return "\n".join(lines[first - 1 : node.end_lineno]) + "\n"


def cells_of(nb, *, upto: int | None = None) -> list[Cell]:
    """The code cells of notebook ``nb`` (an nbformat node), hidden tests removed.

    Args:
        upto: only the first ``upto`` cells of the notebook (those run so far).
    """
    from autograder.contract.notebook import is_protected, nbgrader_meta, strip_hidden_tests

    cells = []
    for index, cell in enumerate(nb.cells[:upto], start=1):
        if cell.get("cell_type") != "code":
            continue
        meta = nbgrader_meta(cell)
        text, tree = _parsed(strip_hidden_tests(str(cell.get("source", ""))))
        cells.append(Cell(index, str(meta.get("grade_id", "")), text, tree, not is_protected(meta)))
    return cells


def _parsed(text: str) -> tuple[str, ast.Module | None]:
    """A cell's Python text (magics rewritten) and its syntax tree, None if it does not parse."""
    text = python_text(text)
    try:
        return text, ast.parse(text)
    except (SyntaxError, ValueError):
        return text, None


def python_text(text: str) -> str:
    """A cell's text as Python: IPython's magics (``%time``, ``!ls``) rewritten as calls."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:
        return text
    try:
        return TransformerManager().transform_cell(text)
    except Exception:  # a cell IPython itself could not run either
        return text


def _bindings(node: ast.stmt) -> Iterable[tuple[str, str]]:
    """(name, how) for every module-level name a non-definition statement can bind."""
    for sub in ast.walk(node):
        if isinstance(sub, _DEFINES):
            yield sub.name, f"a `{_kind(sub)} {sub.name}` inside a block"
        elif isinstance(sub, ast.Name) and isinstance(sub.ctx, (ast.Store, ast.Del)):
            yield sub.id, f"`{_clip(ast.unparse(node))}`"
        elif isinstance(sub, (ast.Import, ast.ImportFrom)):
            for alias in sub.names:
                yield (alias.asname or alias.name.split(".")[0]), f"`{_clip(ast.unparse(sub))}`"
        elif isinstance(sub, ast.Global):
            for name in sub.names:
                yield name, f"`global {name}`"
        elif isinstance(sub, ast.ExceptHandler) and sub.name:
            yield sub.name, "an `except ... as` clause"
        elif isinstance(sub, ast.MatchAs | ast.MatchStar) and sub.name:
            yield sub.name, "a `match` pattern"


def _dynamic(cell: Cell) -> list[str]:
    if cell.tree is None:
        return []
    found = []
    for node in ast.walk(cell.tree):
        if isinstance(node, ast.Name) and node.id in DYNAMIC_NAMES:
            name = node.id
        elif isinstance(node, ast.Attribute) and node.attr in DYNAMIC_ATTRIBUTES:
            name = node.attr
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            modules += [alias.name for alias in node.names]
            hits = [m for m in modules if m.split(".")[0] in DYNAMIC_NAMES]
            if not hits:
                continue
            name = f"import {hits[0]}"
        else:
            continue
        if not _harmless_magic(node, cell.tree):
            found.append(f"`{name}`")
    return sorted(set(found))


def _harmless_magic(node: ast.AST, tree: ast.Module) -> bool:
    # `%matplotlib inline` becomes get_ipython().run_line_magic('matplotlib', 'inline').
    for call in ast.walk(tree):
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "run_line_magic"
            and call.args
            and isinstance(call.args[0], ast.Constant)
            and call.args[0].value in _HARMLESS_MAGICS
            and node in {call.func, call.func.value, *ast.walk(call.func.value)}
        ):
            return True
    return False


def _kind(node: ast.AST) -> str:
    return "class" if isinstance(node, ast.ClassDef) else "def"


def _clip(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
