"""The grader-side half of the isolated bridge: a :class:`Submission` backed by a kernel.

Hidden checks run in the grader's process; each ``call``/``read``/``predict``/``has``
becomes one request to the student's sandboxed kernel (see :mod:`autograder.engine.wire`
for the wire format). Every request has a random id, a size limit and a time limit; the
grader reads back only the response file with that id, validates it, and turns a
student's failure into a :class:`~autograder.contract.submission.StudentError` worded exactly as
in-kernel mode words it, so the same check prints the same message in both modes.

``source`` never asks the kernel (a student could fake the answer): it reads the code
cells of the restored notebook that have run so far (see :mod:`autograder.contract.sources`).
"""

from __future__ import annotations

import contextlib
import json
import secrets
from pathlib import Path
from typing import Any

import numpy as np

from autograder.contract import model_facts, plain
from autograder.contract.failures import clip, student_message
from autograder.contract.plain import to_plain
from autograder.contract.sources import NotebookSources
from autograder.contract.submission import StudentError, Submission
from autograder.engine import phases
from autograder.engine import wire as kernel_bridge
from autograder.engine.kernel import KernelSession
from autograder.engine.sandbox import Layout, Limits
from autograder.engine.wire import WireError

# The most an interrupted kernel gets to come back before the notebook counts as broken.
_INTERRUPT_GRACE_S = 5.0


def install_code() -> str:
    """Kernel code that installs ``_medl_plain``, ``_medl_model_facts`` and ``_medl_bridge``.

    It runs in a fresh globals dict, so the student's namespace gains no names.
    """
    sources = [
        ("_medl_plain", Path(plain.__file__).read_text(encoding="utf-8")),
        ("_medl_model_facts", Path(model_facts.__file__).read_text(encoding="utf-8")),
        ("_medl_bridge", Path(kernel_bridge.__file__).read_text(encoding="utf-8")),
    ]
    installer = (
        "import sys, types\n"
        f"for name, text in {sources!r}:\n"
        "    module = types.ModuleType(name)\n"
        "    exec(compile(text, '<' + name + '>', 'exec'), module.__dict__)\n"
        "    sys.modules[name] = module\n"
    )
    return f"exec({installer!r}, {{}})"


class BridgeSubmission(Submission):
    """A student's notebook running in a sandboxed kernel, seen through the bridge.

    Args:
        session: the running kernel (with the bridge installed, see :func:`install_code`).
        layout: the grader's folders for this notebook (requests and responses).
        limits: ``transfer_bytes`` and ``transfer_timeout_s`` bound every request.
        sources: the code of the cells the notebook has run so far, as the grader read it.
    """

    def __init__(
        self, session: KernelSession, layout: Layout, *, limits: Limits, sources: NotebookSources
    ):
        super().__init__(sources)
        self._session = session
        self._layout = layout
        self._limits = limits

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        arguments = {
            "args": to_plain(list(args), path=f"{name} arguments"),
            "kwargs": to_plain(dict(kwargs), path=f"{name} keyword arguments"),
        }
        return self._request("call", name, arguments, what=f"calling {name}")

    def read(self, name: str) -> Any:
        return self._request("read", name, {}, what=f"reading {name}")

    def predict(self, name: str, x: np.ndarray, *, batch_size: int = 256) -> np.ndarray:
        payload = {"x": to_plain(x, path="predict input")}
        value = self._request(
            "predict", name, payload, batch_size=int(batch_size), what=f"calling {name}"
        )
        if not isinstance(value, np.ndarray):
            raise StudentError(f"{name} should predict an array, got {type(value).__name__}")
        return value

    def describe(self, name: str, *args: Any, x: np.ndarray | None = None) -> dict:
        payload = {
            "args": to_plain(list(args), path=f"{name} arguments") if args else None,
            "x": None if x is None else to_plain(x, path="describe input"),
        }
        value = self._request("describe", name, payload, what=f"describing {name}")
        if not isinstance(value, dict):
            raise StudentError(f"{name} should be described as a dict, got {type(value).__name__}")
        return value

    def has(self, name: str) -> bool:
        return self._request("has", name, {}, what=f"looking up {name}") is True

    def _request(self, op: str, name: str, payload: dict, *, what: str, **extra: Any) -> Any:
        session, limit = self._session, int(self._limits.transfer_bytes)
        if session.broken or not session.alive:
            raise StudentError(f"{what} is impossible: {session.broken or session.death()}")
        request_id = secrets.token_hex(16)
        arrays: list[np.ndarray] = []
        message = {"format": kernel_bridge.FORMAT, "id": request_id, "op": op, "name": name}
        message.update({key: kernel_bridge.encode(value, arrays) for key, value in payload.items()})
        message.update(max_bytes=limit, **extra)
        size = sum(a.nbytes for a in arrays) + len(json.dumps(message))
        if size > limit:
            raise ValueError(f"a check sent {size} bytes to {name}, over the {limit}-byte limit")
        requests, responses = str(self._layout.requests), str(self._layout.responses)
        try:
            kernel_bridge.write_message(requests, request_id, message, arrays)
            code = (
                f"__import__('sys').modules['_medl_bridge'].serve("
                f"globals(), {requests!r}, {responses!r}, {request_id!r})"
            )
            timeout = float(self._limits.transfer_timeout_s)
            with phases.phase("bridge_request", op=op):
                run = session.execute(code, timeout=timeout, silent=True)
            if run.status == "timeout":
                grace = min(_INTERRUPT_GRACE_S, max(1.0, timeout))
                if not session.interrupt(grace=grace):
                    session.broken = f"{what} timed out after {timeout:g} s and the kernel hung"
                raise StudentError(f"{what} timed out after {timeout:g} s")
            if run.status == "died":
                session.broken = f"{session.death()} while a hidden check was {what}"
                raise StudentError(f"the {session.death()} while {what}")
            if run.status == "error":
                raise StudentError(
                    f"the grading bridge failed while {what} ({clip(run.error)}); "
                    "did the notebook tamper with sys.modules or builtins?"
                )
            reply, values = kernel_bridge.read_message(responses, request_id, limit)
            return _unpack(reply, values, request_id, name)
        except WireError as exc:
            raise StudentError(f"{what}: the kernel's answer was refused: {exc}") from None
        finally:
            _remove(self._layout.requests, request_id)
            _remove(self._layout.responses, request_id)


def _unpack(reply: dict, arrays: list[np.ndarray], request_id: str, name: str) -> Any:
    if reply.get("id") != request_id or reply.get("format") != kernel_bridge.FORMAT:
        raise WireError("it answers another request")
    if reply.get("ok") is True:
        if "value" not in reply:
            raise WireError("it has no value")
        value = kernel_bridge.decode(reply["value"], arrays)
        try:
            return to_plain(value, path=f"{name} result")
        except plain.NotPlainError as exc:
            raise WireError(str(exc)) from None
    error = reply.get("error")
    if reply.get("ok") is not False or not isinstance(error, dict):
        raise WireError("it is neither a value nor an error")
    raise StudentError(student_message(name, error))


def _remove(folder: Path, request_id: str) -> None:
    for path in folder.glob(f"{request_id}.*"):
        with contextlib.suppress(OSError):
            path.unlink()
