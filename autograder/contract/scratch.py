""" "Written from scratch": a student's class derives from the course's base and its code
(with the student's own helpers and base classes) never names the library it is compared with.

Units build optimizers on ``course_lib.optimizers.ScratchOptimizer``, layers on
``keras.layers.Layer`` and recurrent cells on a cell base; the checks then compare them
with Keras. Matching Keras earns nothing when the class *is* Keras underneath, so those
checks call :func:`assert_written_from_scratch` first. All code is read from the notebook
file (:mod:`autograder.contract.sources`), never from the student's kernel.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterable

from autograder.contract.kit import assert_code_avoids
from autograder.contract.submission import Submission
from course_lib.testing import CheckFailure


def class_node(source: str, name: str) -> ast.ClassDef | None:
    """The top-level ``class name`` statement in ``source``, if there is one."""
    for node in ast.parse(textwrap.dedent(source)).body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            return node
    return None


def derives_from(
    submission: Submission, name: str, base: str, seen: set[str] | None = None
) -> bool:
    """Whether the notebook's class ``name`` has ``base`` among its ancestors.

    The student's own intermediate classes are followed through the notebook file; a base
    written as ``module.Base`` counts by its last part.
    """
    seen = {name} if seen is None else seen
    source = submission.source(name)
    node = class_node(source, name) if source else None
    if node is None:
        return False
    for expression in node.bases:
        base_name = ast.unparse(expression).split(".")[-1]
        if base_name == base:
            return True
        if base_name not in seen:
            seen.add(base_name)
            if derives_from(submission, base_name, base, seen):
                return True
    return False


def assert_written_from_scratch(
    submission: Submission, class_name: str, *, base: str, forbidden: Iterable[str], why: str
) -> None:
    """``class_name`` subclasses ``base`` and no code of it names a ``forbidden`` name.

    Args:
        class_name: the student's class, e.g. ``"ScratchAdam"``.
        base: the course's base class it must derive from, e.g. ``"ScratchOptimizer"``.
        forbidden: names whose use means the library did the work (``"Adam"``, ...).
        why: the end of the failure message: what to do instead.

    Raises:
        CheckFailure: naming the class, its bases or the forbidden names it uses.
    """
    forbidden = set(forbidden)
    source = submission.source(class_name)
    node = class_node(source, class_name) if source else None
    if node is None:
        raise CheckFailure(
            f"could not read the class {class_name} in the notebook; define it with "
            f"`class {class_name}({base}):` at the top level of a code cell"
        )
    if not derives_from(submission, class_name, base):
        bases = ", ".join(ast.unparse(b) for b in node.bases)
        raise CheckFailure(f"{class_name} must subclass {base} and {why}, got bases ({bases})")
    assert_code_avoids(submission, class_name, source, forbidden, why=why, skip={base})
