"""Trivial submissions: every answer replaced by a body that does no work.

Rule 8 of the contract says the skeleton a release hands out earns nothing. These
notebooks prove it per unit: each keeps the release's structure (signatures, class
statements, base classes, given cells) and replaces every ``### BEGIN SOLUTION`` region
of the source with one trivial body, so a check that gives credit for structure alone
shows up as points where there must be none.
"""

from __future__ import annotations

import re

import nbformat
from nbformat.notebooknode import NotebookNode

from autograder.contract.notebook import cells_by_grade_id, nbgrader_meta
from autograder.contract.sources import python_text

_REGION = re.compile(
    r"^(?P<indent>[ \t]*)### BEGIN SOLUTION[ \t]*\n.*?^[ \t]*### END SOLUTION[ \t]*$",
    re.MULTILINE | re.DOTALL,
)

# kind -> the body that replaces each answer region; `pass` where a body cannot return.
BODIES = {
    "pass": "pass",
    "zero": "return 0",
    # An object equal to everything, the classic way to pass `==` checks.
    "anything": 'return type("Anything", (), {"__eq__": lambda s, o: True, '
    '"__hash__": lambda s: 0})()',
}


def trivial_answer(source: str, body: str) -> str:
    """``source`` (an answer cell of the source notebook) with each region set to ``body``.

    Falls back to ``pass`` in a region where ``body`` does not compile (a ``return`` at
    the top level of a cell or in a class body).
    """

    def replace(match: re.Match) -> str:
        indent = match["indent"]
        start, end = match.span()
        for candidate in (body, "pass"):
            text = source[:start] + indent + candidate + source[end:]
            try:
                compile(python_text(_REGION.sub(lambda m: m["indent"] + "pass", text)), "x", "exec")
            except SyntaxError:
                continue
            return indent + candidate
        return indent + "pass"

    return _REGION.sub(replace, source)


def trivial_submission(
    source_nb: NotebookNode, release_nb: NotebookNode, kind: str
) -> NotebookNode:
    """The release with every answer cell trivial (``kind`` is a key of :data:`BODIES`)."""
    answers = cells_by_grade_id(source_nb)
    nb = nbformat.from_dict(release_nb)
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if cell.cell_type == "code" and meta.get("solution") and meta["grade_id"] in answers:
            cell.source = trivial_answer(answers[meta["grade_id"]].source, BODIES[kind])
    return nb
