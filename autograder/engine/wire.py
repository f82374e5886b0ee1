"""The kernel-side half of the isolated bridge, and the wire format both halves share.

The grader injects this file's source (and those of :mod:`autograder.contract.plain` and
:mod:`autograder.contract.model_facts`) into the student's kernel as the modules
``_medl_bridge``, ``_medl_plain`` and ``_medl_model_facts``: inside the sandbox the
``autograder`` package is hidden, so this file imports nothing from it at module level.
For each request the grader writes ``<id>.json`` (plus ``<id>.<k>.npy`` for arrays) into a
folder the kernel can only read, then runs ``serve(...)`` in the kernel, which answers in
a folder of its own with the same names. Values travel as JSON with arrays as .npy files
read with ``allow_pickle=False``: nothing is ever unpickled, on either side.

Each file is opened without following links, must be a regular file, and is size-checked
before it is read; an array's header must describe exactly the bytes in the file.
"""

from __future__ import annotations

import json
import math
import os
import stat
import sys
import traceback
from typing import Any

import numpy as np

FORMAT = 1
MAX_ARRAYS = 4096
MAX_DEPTH = 40
# Bulk data travels as .npy; the JSON part (structure, scalars, lists) stays small enough
# that parsing it cannot swamp the grader's memory.
MAX_JSON_BYTES = 64 * 2**20
_FLOATS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


class WireError(ValueError):
    """A message file that is missing, too large, or not in the expected shape."""


def _model_facts():
    # Injected like _medl_plain (see _plain).
    module = sys.modules.get("_medl_model_facts")
    if module is None:
        from autograder.contract import model_facts as module
    return module


def _plain():
    # In the sandbox the grader injected it; in the grader (and unsandboxed) import it.
    module = sys.modules.get("_medl_plain")
    if module is None:
        from autograder.contract import plain as module
    return module


def encode(value: Any, arrays: list[np.ndarray]) -> Any:
    """A plain value as JSON-able data; its arrays are appended to ``arrays``."""
    if isinstance(value, np.ndarray):
        arrays.append(value)
        return {"$array": len(arrays) - 1}
    if isinstance(value, float) and not math.isfinite(value):
        return {"$float": repr(value)}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [encode(item, arrays) for item in value]
    if isinstance(value, dict):
        return {"$dict": {key: encode(item, arrays) for key, item in value.items()}}
    raise WireError(f"cannot encode a {type(value).__name__}; only plain values travel")


def decode(data: Any, arrays: list[np.ndarray], _depth: int = 0) -> Any:
    """The inverse of :func:`encode`, validating every node.

    Raises:
        WireError: for anything :func:`encode` would not have produced.
    """
    if _depth > MAX_DEPTH:
        raise WireError(f"value nested deeper than {MAX_DEPTH} levels")
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode(item, arrays, _depth + 1) for item in data]
    if isinstance(data, dict) and len(data) == 1:
        (tag, body), = data.items()  # fmt: skip
        if tag == "$array" and type(body) is int and 0 <= body < len(arrays):
            return arrays[body]
        if tag == "$float" and body in _FLOATS:
            return _FLOATS[body]
        if tag == "$dict" and isinstance(body, dict):
            return {key: decode(item, arrays, _depth + 1) for key, item in body.items()}
    raise WireError(f"unexpected node in a bridge message: {str(data)[:80]!r}")


def _open_regular(path: str, limit: int):
    """Open ``path`` for reading if it is a regular file of at most ``limit`` bytes."""
    try:
        # O_NONBLOCK: a FIFO planted at this name must not hang the reader.
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        raise WireError(f"cannot open {os.path.basename(path)}: {exc.strerror}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
        os.close(fd)
        kind = "regular file" if stat.S_ISREG(info.st_mode) else "special file"
        raise WireError(
            f"{os.path.basename(path)} refused: a {kind} of {info.st_size} bytes, limit {limit}"
        )
    return os.fdopen(fd, "rb"), info.st_size


def read_array(path: str, limit: int) -> np.ndarray:
    """Load one .npy file of numbers, checking its header against its size first."""
    handle, size = _open_regular(path, limit)
    with handle:
        try:
            version = np.lib.format.read_magic(handle)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(handle)
            elif version == (2, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(handle)
            else:
                raise WireError(f"unsupported .npy version {version}")
        except (ValueError, OSError) as exc:
            raise WireError(f"{os.path.basename(path)} is not a valid .npy file: {exc}") from None
        if dtype.hasobject or dtype.kind not in "biufc" or dtype.fields:
            raise WireError(f"{os.path.basename(path)}: arrays of numbers only, got {dtype}")
        count = math.prod(shape)
        if size - handle.tell() != count * dtype.itemsize:
            raise WireError(f"{os.path.basename(path)}: header says {shape} {dtype}, size differs")
        flat = np.fromfile(handle, dtype=dtype, count=count)
    return flat.reshape(shape, order="F" if fortran else "C")


def write_message(folder: str, name: str, message: dict, arrays: list[np.ndarray]) -> None:
    """Write arrays, then the JSON, each atomically (a reader never sees half a file)."""
    for index, array in enumerate(arrays):
        target = os.path.join(folder, f"{name}.{index}.npy")
        with open(target + ".part", "wb") as handle:
            np.lib.format.write_array(handle, np.asarray(array), allow_pickle=False)
        os.replace(target + ".part", target)
    target = os.path.join(folder, f"{name}.json")
    with open(target + ".part", "w", encoding="utf-8") as handle:
        json.dump({**message, "arrays": len(arrays)}, handle)
    os.replace(target + ".part", target)


def read_message(folder: str, name: str, limit: int) -> tuple[dict, list[np.ndarray]]:
    """Read ``<name>.json`` and its arrays, ``limit`` bytes in all.

    Raises:
        WireError: if a file is missing, special, oversized or malformed.
    """
    handle, size = _open_regular(os.path.join(folder, f"{name}.json"), min(limit, MAX_JSON_BYTES))
    with handle:
        try:
            message = json.loads(handle.read().decode("utf-8"))
        except (ValueError, RecursionError) as exc:
            raise WireError(f"{name}.json is not valid JSON: {str(exc)[:200]}") from None
    count = message.get("arrays") if isinstance(message, dict) else None
    if type(count) is not int or not 0 <= count <= MAX_ARRAYS:
        raise WireError(f"{name}.json must be an object with 0..{MAX_ARRAYS} arrays, got {count!r}")
    arrays, budget = [], limit - size
    for index in range(count):
        array = read_array(os.path.join(folder, f"{name}.{index}.npy"), budget)
        budget -= array.nbytes
        arrays.append(array)
    return message, arrays


def _error(kind: str, message: str = "", exc: BaseException | None = None, **extra) -> dict:
    error = {"kind": kind, "message": message, **extra}
    if exc is not None:
        error["type"] = type(exc).__name__
        error["message"] = str(exc)
        # Skip this module's own frame: the last frames are the student's.
        frames = traceback.extract_tb(exc.__traceback__.tb_next)[-3:]
        error["frames"] = [
            {"line": f.lineno, "name": f.name, "text": f.line} for f in frames if f.line
        ]
    return {"ok": False, "error": error}


def _run(function, *args, **kwargs):
    try:
        return function(*args, **kwargs), None
    except KeyboardInterrupt:
        raise  # the grader interrupted a call that ran too long; let the cell end
    except NotImplementedError:
        return None, _error("not_implemented")
    except BaseException as exc:  # SystemExit too: a student's exit is just an error here
        return None, _error("raised", exc=exc)


def _handle(namespace: dict, request: dict, arrays: list[np.ndarray]) -> tuple[dict, Any]:
    op, name = request.get("op"), request.get("name")
    if op == "has":
        return {"ok": True}, name in namespace
    if name not in namespace:
        return _error("missing"), None
    target, what = namespace[name], "result"
    if op == "read":
        value, what = target, "value"
    elif op == "call":
        if not callable(target):
            return _error("not_callable", type=type(target).__name__), None
        args = decode(request["args"], arrays)
        kwargs = decode(request["kwargs"], arrays)
        value, failure = _run(target, *args, **kwargs)
        if failure:
            return failure, None
    elif op == "predict":
        x, what = decode(request["x"], arrays), "prediction"
        if hasattr(target, "predict") and hasattr(target, "layers"):
            value, failure = _run(target.predict, x, batch_size=request["batch_size"], verbose=0)
        elif callable(target):
            value, failure = _run(target, x)
        else:
            return _error("not_model", type=type(target).__name__), None
        if failure:
            return failure, None
    elif op == "describe":
        facts, what = _model_facts(), "description"
        args, x = decode(request["args"], arrays), decode(request["x"], arrays)
        value, failure = _run(facts.describe_model, target, args, x)
        if failure and failure["error"].get("type") == facts.NotAModel.__name__:
            failure = _error("not_model", type=type(target).__name__)
        if failure:
            return failure, None
    else:
        return _error("bad_request", f"unknown operation {op!r}"), None
    plain = _plain()
    try:
        value = plain.to_plain(value, path=f"{name} {what}")
    except plain.NotPlainError as exc:
        return _error("not_plain", str(exc)), None
    except Exception as exc:  # the student's object broke while being converted
        return _error("raised", exc=exc), None
    if op == "predict" and not isinstance(value, np.ndarray):
        return _error("not_array", type=type(value).__name__), None
    return {"ok": True}, value


def serve(namespace: dict, requests: str, responses: str, request_id: str) -> None:
    """Answer request ``request_id``: what the grader runs in the kernel for each request."""
    limit = 2**63
    try:
        request, arrays = read_message(requests, request_id, limit)
        limit = int(request["max_bytes"])
        reply, value = _handle(namespace, request, arrays)
    except (WireError, KeyError, TypeError, ValueError) as exc:
        reply, value = _error("bad_request", f"{type(exc).__name__}: {exc}"), None
    out: list[np.ndarray] = []
    reply = {**reply, "format": FORMAT, "id": request_id}
    if reply["ok"]:
        reply["value"] = encode(value, out)
        text, name = len(json.dumps(reply)), request.get("name")
        size = sum(a.nbytes for a in out) + text
        too_large = None
        if size > limit:
            too_large = f"{name} result is {size} bytes, over the {limit}-byte limit"
        elif text > MAX_JSON_BYTES:
            too_large = f"{name} result holds {text} bytes outside arrays; return arrays instead"
        if too_large:
            reply = {**_error("too_large", too_large), "format": FORMAT, "id": request_id}
            out = []
    write_message(responses, request_id, reply, out)
