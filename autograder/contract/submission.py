"""The ``submission`` contract: the only way a hidden check reaches a student's work.

A check may *call* a student function with plain inputs, *read* a plain value, ask a
student model to *predict*, have a model *described* as data (its layers and weights), or
fetch a function's *source*. It always gets plain values
back (see :mod:`autograder.contract.plain`), and all comparisons happen on the checking
side. Two implementations share this interface: :class:`InKernelSubmission` wraps a
notebook's globals (plain ``nbgrader autograde``); the isolated engine reaches a sandboxed
kernel through a bridge. The checks cannot tell them apart, which is the point.

Sources never come from the kernel: both read them from the notebook file the grader
parsed (:mod:`autograder.contract.sources`). Values the kernel returns are data to compare,
never evidence about the code.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from autograder.contract import model_facts
from autograder.contract.failures import raised, student_message
from autograder.contract.plain import NotPlainError, to_plain
from autograder.contract.sources import NotebookSources
from course_lib.testing import CheckFailure


class StudentError(CheckFailure):
    """The student's code raised, was missing, or returned something that is not data."""


class Submission(abc.ABC):
    """What a hidden check may do with a student's notebook.

    Args:
        sources: the notebook's code as the grader read it from the file; None when there
            is no file to read (then every source is None and code checks fail).
    """

    def __init__(self, sources: NotebookSources | None):
        self._sources = sources

    @abc.abstractmethod
    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Call the student function ``name`` with plain arguments; return a plain value."""

    @abc.abstractmethod
    def read(self, name: str) -> Any:
        """Return the student's global ``name`` as a plain value."""

    @abc.abstractmethod
    def predict(self, name: str, x: np.ndarray, *, batch_size: int = 256) -> np.ndarray:
        """Run the student's model (or predict function) ``name`` on ``x``; return an array."""

    @abc.abstractmethod
    def describe(self, name: str, *args: Any, x: np.ndarray | None = None) -> dict:
        """The student's Keras model ``name`` (or the one ``name(*args)`` builds) as data.

        See :func:`autograder.contract.model_facts.describe_model`; with ``x`` the
        description holds the model's outputs on ``x`` (``"outputs_on_x"``).
        """

    @abc.abstractmethod
    def has(self, name: str) -> bool:
        """Whether the student's kernel holds a global ``name`` (data, not evidence)."""

    def source(self, name: str) -> str | None:
        """The text of the top-level ``def``/``class`` of ``name`` in the notebook file.

        None when the file defines no such function or class.

        Raises:
            CheckFailure: when the file's text cannot be tied to the kernel's object
                (see :class:`~autograder.contract.sources.NotebookSources`).
        """
        return self._sources.source(name) if self._sources is not None else None

    def defines(self, name: str) -> bool:
        """Whether the notebook file has a top-level ``def``/``class`` of ``name``."""
        return self._sources is not None and self._sources.defines(name)


class InKernelSubmission(Submission):
    """A submission whose globals live in this very process (nbgrader's in-kernel mode).

    Inputs are converted to plain values (and so copied) before the student sees them, so
    a student function that mutates its arguments cannot change the check's reference data.

    Args:
        namespace: the notebook's globals.
        sources: its code as read from the notebook file (see :func:`notebook_sources`).
    """

    def __init__(self, namespace: Mapping[str, Any], sources: NotebookSources | None = None):
        super().__init__(sources)
        self._namespace = namespace

    def has(self, name: str) -> bool:
        return name in self._namespace

    def _lookup(self, name: str) -> Any:
        if name not in self._namespace:
            raise StudentError(student_message(name, {"kind": "missing"}))
        return self._namespace[name]

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        function = self._lookup(name)
        if not callable(function):
            kind = {"kind": "not_callable", "type": type(function).__name__}
            raise StudentError(student_message(name, kind))
        plain_args = to_plain(list(args), path=f"{name} arguments")
        plain_kwargs = to_plain(dict(kwargs), path=f"{name} keyword arguments")
        result = _run_student(name, function, *plain_args, **plain_kwargs)
        return _plain_result(result, name)

    def read(self, name: str) -> Any:
        return _plain_result(self._lookup(name), name, what="value")

    def predict(self, name: str, x: np.ndarray, *, batch_size: int = 256) -> np.ndarray:
        model = self._lookup(name)
        x = to_plain(x, path="predict input")
        if hasattr(model, "predict") and hasattr(model, "layers"):
            result = _run_student(name, model.predict, x, batch_size=batch_size, verbose=0)
        elif callable(model):
            result = _run_student(name, model, x)
        else:
            kind = {"kind": "not_model", "type": type(model).__name__}
            raise StudentError(student_message(name, kind))
        plain = _plain_result(result, name, what="prediction")
        if not isinstance(plain, np.ndarray):
            kind = {"kind": "not_array", "type": type(plain).__name__}
            raise StudentError(student_message(name, kind))
        return plain

    def describe(self, name: str, *args: Any, x: np.ndarray | None = None) -> dict:
        target = self._lookup(name)
        plain_args = to_plain(list(args), path=f"{name} arguments") if args else None
        plain_x = None if x is None else to_plain(x, path="describe input")
        try:
            facts = model_facts.describe_model(target, plain_args, plain_x)
        except model_facts.NotAModel:
            kind = {"kind": "not_model", "type": type(target).__name__}
            raise StudentError(student_message(name, kind)) from None
        except Exception as exc:
            raise StudentError(student_message(name, raised(exc))) from None
        return _plain_result(facts, name, what="description")


def _run_student(name: str, function: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return function(*args, **kwargs)
    except Exception as exc:
        # Skip our own frame (the call into the student's function), as the kernel side does.
        raise StudentError(student_message(name, raised(exc, skip_frames=1))) from None


def notebook_sources(grade_id: str, folder: Path | None = None) -> NotebookSources | None:
    """The code of the notebook being graded, read from its file in ``folder`` (cwd).

    nbgrader runs a notebook's kernel in the notebook's folder; the file there holding the
    cell ``grade_id`` is the one being graded. Only the cells up to that one count, as in
    the isolated mode, which parses the cells it has run. None when no file matches.
    """
    from autograder.contract.notebook import read_cells
    from autograder.contract.sources import cells_of

    for path in sorted(Path(folder or Path.cwd()).glob("*.ipynb")):
        try:
            nb = read_cells(path)
        except (OSError, ValueError):
            continue
        ids = [c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in nb.cells]
        if grade_id in ids:
            return NotebookSources(cells_of(nb, upto=ids.index(grade_id) + 1))
    return None


def _plain_result(value: Any, name: str, *, what: str = "result") -> Any:
    try:
        return to_plain(value, path=f"{name} {what}")
    except NotPlainError as exc:
        raise StudentError(str(exc)) from None
