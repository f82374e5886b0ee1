"""What a student is told when their code fails a check's request: one wording, two modes.

In-kernel, :class:`~autograder.contract.submission.InKernelSubmission` sees the failure
itself; in the isolated engine the kernel side of the bridge reports it as a small dict
(``{"kind": ..., "type": ..., "message": ..., "frames": [...]}``, see
:mod:`autograder.engine.wire`). Both turn it into text here, so the same check prints the
same message in both modes (``tests/autograder/test_bridge.py``,
``tests/autograder/test_isolated.py``).

Kinds: ``missing`` (no such global), ``not_callable``, ``not_model``, ``not_array``,
``not_implemented`` (``NotImplementedError``), ``raised`` (any other exception, with the
student's last frames), ``not_plain`` / ``too_large`` (the value cannot cross; the
message says why).
"""

from __future__ import annotations

import traceback

# Messages come from the student's process: keep what a report shows to a sane size.
MAX_TEXT = 2000


def student_message(name: str, error: dict) -> str:
    """The student-facing text for ``error`` (a failure report about ``name``)."""
    kind = error.get("kind")
    text = {key: clip(str(error.get(key, ""))) for key in ("type", "message")}
    if kind == "missing":
        return f"the notebook defines nothing named {name!r}; did you run its cell?"
    if kind == "not_callable":
        return f"{name} should be a function, got {text['type']}"
    if kind == "not_model":
        return f"{name} should be a model or function, got {text['type']}"
    if kind == "not_array":
        return f"{name} should predict an array, got {text['type']}"
    if kind == "not_implemented":
        return f"{name} is not implemented yet (it raises NotImplementedError)"
    if kind == "raised":
        frames = error.get("frames") if isinstance(error.get("frames"), list) else []
        where = "".join(
            f"\n    line {clip(str(f.get('line')))} in {clip(str(f.get('name')))}: "
            f"{clip(str(f.get('text')))}"
            for f in frames[-3:]
            if isinstance(f, dict)
        )
        return f"calling {name} raised {text['type']}: {text['message']}{where}"
    if kind in ("not_plain", "too_large"):
        return text["message"]
    return f"the grading bridge could not serve {name}: {text['message']} (kind {kind!r})"


def raised(exc: BaseException, *, skip_frames: int = 1) -> dict:
    """The report of an exception the student's code raised.

    Args:
        skip_frames: the caller's own frames at the top of the traceback (the call into
            the student's function), left out so that both modes list the same frames.
    """
    if isinstance(exc, NotImplementedError):
        return {"kind": "not_implemented"}
    tb = exc.__traceback__
    for _ in range(skip_frames):
        tb = tb.tb_next if tb is not None else None
    frames = [
        {"line": f.lineno, "name": f.name, "text": f.line}
        for f in traceback.extract_tb(tb)[-3:]
        if f.line
    ]
    return {"kind": "raised", "type": type(exc).__name__, "message": str(exc), "frames": frames}


def clip(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "... (cut)"
