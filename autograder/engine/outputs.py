"""What a kernel sends back while code runs: outputs kept within a budget, and its exit.

Cell outputs are kept as nbformat output nodes (so the executed notebook can be written
for feedback) until the notebook's output budget is spent; after that they are counted
and dropped, which keeps a flood of prints from filling the grader's memory.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass, field

import nbformat
from nbformat.notebooknode import NotebookNode

_SIGNAL_HINTS = {
    signal.SIGKILL: "likely out of memory",
    signal.SIGSEGV: "segmentation fault",
    signal.SIGABRT: "aborted",
    signal.SIGBUS: "bus error",
    signal.SIGXCPU: "CPU time limit exceeded",
}
_KEPT = ("stream", "display_data", "execute_result", "error")


@dataclass
class OutputBudget:
    """How many bytes of output the notebook may still keep."""

    remaining: int
    dropped: int = 0

    def take(self, size: int) -> bool:
        if size > self.remaining:
            self.remaining = 0
            self.dropped += size
            return False
        self.remaining -= size
        return True


@dataclass
class Execution:
    """What running one piece of code produced.

    ``status`` is ``"ok"``, ``"error"`` (the code raised), ``"timeout"`` or ``"died"``.
    """

    status: str
    outputs: list[NotebookNode] = field(default_factory=list)
    error: str = ""
    truncated: bool = False


def describe_exit(returncode: int, *, signal_offset: int = 0) -> str:
    """Say how a kernel process ended, e.g. ``"kernel died with signal 11 (segmentation fault)"``."""
    if returncode < 0:
        number = -returncode
    elif signal_offset and returncode > signal_offset:
        number = returncode - signal_offset
    else:
        return f"kernel exited with code {returncode}"
    try:
        hint = _SIGNAL_HINTS.get(signal.Signals(number)) or signal.Signals(number).name
    except ValueError:
        hint = "unknown signal"
    return f"kernel died with signal {number} ({hint})"


def asks_exit(content: dict) -> bool:
    """Whether an execute_reply carries IPython's request to stop the kernel (``exit()``)."""
    payload = content.get("payload")
    return isinstance(payload, list) and any(
        isinstance(p, dict) and p.get("source") == "ask_exit" and not p.get("keepkernel")
        for p in payload
    )


def output_size(msg: dict) -> int:
    """Roughly how many bytes an output message adds to the notebook."""
    content = msg["content"]
    if msg["msg_type"] == "stream":
        return len(str(content.get("text", "")).encode())
    if msg["msg_type"] == "error":
        return len(str(content.get("traceback", ""))) + 64
    return len(str(content.get("data", "")))


def record(msg: dict, result: Execution, budget: OutputBudget | None) -> bool:
    """Add an iopub message to ``result``; True when it says the kernel is idle again."""
    kind = msg["msg_type"]
    if kind == "status":
        return msg["content"].get("execution_state") == "idle"
    if kind == "error":
        content = msg["content"]
        result.status = "error"
        result.error = f"{content.get('ename')}: {content.get('evalue')}"
    if kind == "clear_output" and budget is not None:
        result.outputs.clear()
    elif kind in _KEPT:
        if budget is not None and budget.take(output_size(msg)):
            try:
                result.outputs.append(nbformat.v4.output_from_msg(msg))
            except (KeyError, TypeError, ValueError):
                pass  # a malformed output message: nothing worth keeping
        elif budget is not None:
            result.truncated = True
    return False
