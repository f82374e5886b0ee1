"""The ``submission`` contract: the only way a hidden check reaches a student's work.

A check may *call* a student function with plain inputs, *read* a plain value, ask a
student model to *predict*, or fetch a function's *source*. It always gets plain values
back (see :mod:`autograder.plain`), and all comparisons happen on the checking side. Two
implementations share this interface: :class:`InKernelSubmission` wraps a notebook's
globals (plain ``nbgrader autograde``); the isolated engine reaches a sandboxed kernel
through a bridge. The checks cannot tell them apart, which is the point.
"""

from __future__ import annotations

import abc
import inspect
import traceback
from collections.abc import Mapping
from typing import Any

import numpy as np

from autograder.plain import NotPlainError, to_plain
from course_lib.testing import CheckFailure


class StudentError(CheckFailure):
    """The student's code raised, was missing, or returned something that is not data."""


class Submission(abc.ABC):
    """What a hidden check may do with a student's notebook."""

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
    def source(self, name: str) -> str | None:
        """The source code of the student's function ``name``, or None if it has none."""

    @abc.abstractmethod
    def has(self, name: str) -> bool:
        """Whether the notebook defines ``name``."""


class InKernelSubmission(Submission):
    """A submission whose globals live in this very process (nbgrader's in-kernel mode).

    Inputs are converted to plain values (and so copied) before the student sees them, so
    a student function that mutates its arguments cannot change the check's reference data.
    """

    def __init__(self, namespace: Mapping[str, Any]):
        self._namespace = namespace

    def has(self, name: str) -> bool:
        return name in self._namespace

    def _lookup(self, name: str) -> Any:
        if name not in self._namespace:
            raise StudentError(
                f"the notebook defines nothing named {name!r}; did you run its cell?"
            )
        return self._namespace[name]

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        function = self._lookup(name)
        if not callable(function):
            raise StudentError(f"{name} should be a function, got {type(function).__name__}")
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
            raise StudentError(f"{name} should be a model or function, got {type(model).__name__}")
        plain = _plain_result(result, name, what="prediction")
        if not isinstance(plain, np.ndarray):
            raise StudentError(f"{name} should predict an array, got {type(plain).__name__}")
        return plain

    def source(self, name: str) -> str | None:
        obj = self._namespace.get(name)
        if obj is None or not (inspect.isfunction(obj) or inspect.isclass(obj)):
            return None
        try:
            return inspect.getsource(obj)
        except (OSError, TypeError):
            pass
        # inspect cannot find classes defined in notebook cells (Python 3.11); IPython keeps
        # every executed cell in `In`, which the isolated mode's parser reads the same way.
        from autograder.bridge import definition_source

        cells = self._namespace.get("In")
        return definition_source(list(cells), name) if isinstance(cells, list) else None


def _run_student(name: str, function: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return function(*args, **kwargs)
    except NotImplementedError:
        raise StudentError(
            f"{name} is not implemented yet (it raises NotImplementedError)"
        ) from None
    except Exception as exc:
        raise StudentError(f"calling {name} raised {_describe(exc)}") from None


def _describe(exc: BaseException) -> str:
    # The last frames are the student's; the check's own frames would only confuse.
    # Skip our own frame (the call into the student's function) so that both modes word it alike.
    frames = traceback.extract_tb(exc.__traceback__.tb_next)[-3:]
    where = "".join(f"\n    line {f.lineno} in {f.name}: {f.line}" for f in frames if f.line)
    return f"{type(exc).__name__}: {exc}{where}"


def _plain_result(value: Any, name: str, *, what: str = "result") -> Any:
    try:
        return to_plain(value, path=f"{name} {what}")
    except NotPlainError as exc:
        raise StudentError(str(exc)) from None
