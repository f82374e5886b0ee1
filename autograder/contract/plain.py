"""Plain values: the only things that cross between a student's code and the checks.

A plain value is a NumPy array, a Python scalar (bool, int, float, str, None), or a list
or str-keyed dict of plain values. Tensors become arrays and tuples become lists, so a
check sees exactly the same thing in-kernel and, later, across the isolated bridge (which
carries arrays as .npy and the rest as JSON). Anything else — a Keras model, a function,
a generator — is refused with a message, never smuggled through.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

# Deep structures are a sign of a mistake (or mischief); refuse them early.
MAX_DEPTH = 32


class NotPlainError(TypeError):
    """A value that cannot cross the bridge: the message names its type and path."""


def to_plain(value: Any, *, path: str = "value", _depth: int = 0) -> Any:
    """Convert ``value`` to a plain value, copying arrays so neither side shares memory.

    Args:
        value: a tensor, array, scalar, or nested list/tuple/dict of them.
        path: how to name the value in error messages, e.g. ``"softmax(...) result"``.

    Returns:
        The plain value.

    Raises:
        NotPlainError: for anything that is not data, naming where it was found.
    """
    if _depth > MAX_DEPTH:
        raise NotPlainError(f"{path}: nested deeper than {MAX_DEPTH} levels")
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return _plain_array(value, path)
    if _is_tensor(value):
        return _plain_array(np.asarray(value), path)
    if isinstance(value, (list, tuple)):
        return [to_plain(v, path=f"{path}[{i}]", _depth=_depth + 1) for i, v in enumerate(value)]
    if isinstance(value, dict):
        plain = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise NotPlainError(f"{path}: dict keys must be str, got {type(key).__name__}")
            plain[key] = to_plain(item, path=f"{path}[{key!r}]", _depth=_depth + 1)
        return plain
    raise NotPlainError(
        f"{path}: expected arrays, numbers, strings, lists or dicts; "
        f"got {type(value).__module__}.{type(value).__qualname__}"
    )


def _is_tensor(value: Any) -> bool:
    # Duck-typed so that this module never imports TensorFlow itself.
    return hasattr(value, "numpy") and hasattr(value, "dtype") and hasattr(value, "shape")


def _plain_array(array: np.ndarray, path: str) -> np.ndarray:
    if array.dtype == object or array.dtype.kind not in "biufc":
        raise NotPlainError(f"{path}: arrays must hold numbers or bools, got dtype {array.dtype}")
    return np.array(array, copy=True)


def is_finite_number(value: Any) -> bool:
    """True for a real, finite int or float (bools excluded)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
