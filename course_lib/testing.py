"""Comparison and gradient-check helpers shared by the public checks and the hidden checks.

Every failure raises :class:`CheckFailure` (an ``AssertionError``) whose message says what
differs and where: shapes, the worst entry, expected against got, and the norm-based
relative error. A bare ``AssertionError`` tells a student nothing. In a notebook, a
``with public_checks():`` block runs every public check and reports each failure instead of
stopping at the first.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import traceback
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

# Smallest denominator for relative errors: keeps 0/0 at 0 instead of nan.
_TINY = 1e-300


class CheckFailure(AssertionError):
    """A check found a difference; the message is written for the student."""


# --- public checks in a notebook: every one runs, none stops the others ---------------


class _Tally:
    """What the public checks of one ``public_checks`` block found."""

    def __init__(self) -> None:
        self.run = 0
        self.failures: list[str] = []


# The tally of the `public_checks` block running now; None outside one.
_PUBLIC: contextvars.ContextVar[_Tally | None] = contextvars.ContextVar(
    "course_lib_public_checks", default=None
)


def _public(check: Callable) -> Callable:
    """Inside a :class:`public_checks` block, a failure is printed and counted, not raised."""

    @functools.wraps(check)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        tally = _PUBLIC.get()
        if tally is None:
            return check(*args, **kwargs)
        tally.run += 1
        try:
            return check(*args, **kwargs)
        except CheckFailure as exc:
            tally.failures.append(str(exc))
            print(f"FAIL  {exc}")
            return None

    return wrapper


@contextlib.contextmanager
def strict_checks() -> Iterator[None]:
    """Inside the block every check raises again, even within a ``public_checks`` block.

    Hidden checks run so: a failure must fail the check, whatever the cell around it does.
    """
    token = _PUBLIC.set(None)
    try:
        yield
    finally:
        _PUBLIC.reset(token)


class public_checks:  # noqa: N801 - reads as a statement: `with public_checks():`
    """Run a cell's public checks so that each one reports and none stops the others.

    Inside the block a failing ``assert_*`` check of this module prints ``FAIL`` with its
    message, and the block goes on: a student sees every public check's verdict at once.
    If the student's code raises (``NotImplementedError``, a bug), the block stops there
    and says where. The cell itself never fails, so its hidden checks (when it is graded)
    still run, and each check, public or hidden, costs only what it checks.

    Args:
        note: printed after the summary, e.g. what the hidden checks measure.
    """

    def __init__(self, note: str = ""):
        self.note = note
        self.tally = _Tally()
        self._token: contextvars.Token | None = None

    def __enter__(self) -> public_checks:
        self._token = _PUBLIC.set(self.tally)
        return self

    def __exit__(self, kind, error, trace) -> bool:
        _PUBLIC.reset(self._token)
        stopped = isinstance(error, Exception)
        if stopped:
            # The first frame is the cell's own line; the student's code comes after it.
            frames = [f for f in traceback.extract_tb(trace)[1:] if f.line][-2:]
            if isinstance(error, NotImplementedError) and frames:
                print(f"STOP  {frames[-1].name} is not implemented yet (it raises "
                      "NotImplementedError)")  # fmt: skip
            else:
                where = "".join(f"\n      line {f.lineno} in {f.name}: {f.line}" for f in frames)
                print(f"STOP  {type(error).__name__}: {error}{where}")
        failed = len(self.tally.failures)
        hidden = "the hidden checks still run and count"
        if stopped and not self.tally.run:  # e.g. the function is not written yet
            print(f"public checks: none ran (stopped above); {hidden}")
        elif failed or stopped:
            stop = ", then the STOP above ended the rest" if stopped else ""
            print(f"public checks: {failed} of {self.tally.run} failed{stop}; {hidden}")
        else:
            print(f"public checks: all {self.tally.run} passed")
        if self.note:
            print(self.note)
        return stopped


def as_array(value: Any, *, name: str = "value") -> np.ndarray:
    """Turn a tensor, list or scalar into a NumPy array, or fail with a clear message."""
    if hasattr(value, "numpy") and callable(value.numpy):  # tf.Tensor, eager
        value = value.numpy()
    try:
        array = np.asarray(value)
    except Exception as exc:  # ragged lists, objects without __array__
        raise CheckFailure(
            f"{name}: expected an array-like value, got {type(value).__name__} ({exc})"
        ) from None
    if array.dtype == object:
        raise CheckFailure(f"{name}: expected numbers, got an object array of {array.shape}")
    return array


def rel_error(actual: Any, expected: Any) -> float:
    """Norm-based relative error ``‖a−b‖ / max(‖a‖+‖b‖, tiny)``.

    Unlike the elementwise relative error it does not blow up on entries that are zero in
    both arrays (constant pixels, dead ReLUs). ``≤ 1e-7`` is the float64 pass mark for
    gradients.
    """
    a = as_array(actual).astype(np.float64)
    b = as_array(expected).astype(np.float64)
    if a.shape != b.shape:
        raise CheckFailure(f"rel_error: shapes differ, got {a.shape} and {b.shape}")
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), _TINY))


def numeric_gradient(f: Callable[[np.ndarray], Any], x: Any, *, eps: float = 1e-6) -> np.ndarray:
    """Central finite-difference gradient of a scalar function, in float64.

    Args:
        f: maps an array shaped like ``x`` to a scalar (a float or 0-d tensor).
        x: the point, any shape; it is copied to float64 and never changed.
        eps: the step. The truncation error is O(eps²) and the rounding error
            O(1e-16/eps); 1e-6 balances them for well-scaled functions. Default 1e-6.

    Returns:
        An array shaped like ``x`` with ∂f/∂x.

    Raises:
        CheckFailure: if ``f`` does not return a finite scalar.
    """
    point = as_array(x, name="x").astype(np.float64).copy()
    grad = np.zeros_like(point)
    flat_point, flat_grad = point.reshape(-1), grad.reshape(-1)
    for i in range(flat_point.size):
        saved = flat_point[i]
        flat_point[i] = saved + eps
        up = _scalar(f(point))
        flat_point[i] = saved - eps
        down = _scalar(f(point))
        flat_point[i] = saved
        flat_grad[i] = (up - down) / (2.0 * eps)
    return grad


def _scalar(value: Any) -> float:
    array = as_array(value, name="f(x)")
    if array.size != 1:
        raise CheckFailure(f"numeric_gradient: f must return a scalar, got shape {array.shape}")
    number = float(array.reshape(()))
    if not np.isfinite(number):
        raise CheckFailure(f"numeric_gradient: f returned a non-finite value {number}")
    return number


def describe_difference(
    actual: np.ndarray,
    expected: np.ndarray,
    *,
    name: str,
    causes: Mapping[float, str] | None = None,
) -> str:
    """A multi-line report of where two same-shaped arrays differ most.

    When ``actual`` is a constant multiple ``c`` of ``expected`` the report says so, and
    names the likely cause when ``c`` is a key of ``causes`` (``{n: "did you average over
    the batch?"}``) or ``-1`` (a sign).
    """
    a = actual.astype(np.float64)
    b = expected.astype(np.float64)
    lines = [f"{name}: values differ (shape {a.shape})"]
    bad_a, bad_b = ~np.isfinite(a), ~np.isfinite(b)
    if (bad_a & ~bad_b).any():
        where = tuple(int(i) for i in np.argwhere(bad_a & ~bad_b)[0])
        lines.append(f"  got a non-finite value {a[where]} at index {where}, expected {b[where]}")
        return "\n".join(lines)
    diff = np.abs(a - b)
    if a.ndim == 0:
        lines.append(f"  expected {b.item():.10g}, got {a.item():.10g}")
    else:
        worst = np.unravel_index(int(np.nanargmax(diff)), diff.shape)
        worst = tuple(int(i) for i in worst)
        lines.append(
            f"  max abs error {diff[worst]:.3g} at index {worst}: "
            f"expected {b[worst]:.10g}, got {a[worst]:.10g}"
        )
    nonzero = np.abs(b) > 0  # a relative error against an expected 0 says nothing
    if nonzero.any():
        rel = diff[nonzero] / np.abs(b[nonzero])
        lines.append(f"  max elementwise rel error {float(np.nanmax(rel)):.3g}")
    lines.append(f"  norm relative error {rel_error(a, b):.3g}")
    factor = constant_factor(a, b)
    if factor is not None:
        lines.append(f"  got {factor:.6g} × the expected values everywhere (a constant factor)")
        cause = _matching_cause(factor, {-1.0: "a sign error?", **(causes or {})})
        if cause:
            lines.append(f"  likely cause: {cause}")
    return "\n".join(lines)


def constant_factor(actual: Any, expected: Any) -> float | None:
    """``c`` when ``actual ≈ c · expected`` everywhere with ``c ≠ 1``, else None.

    A gradient off by a constant factor is the signature of a few classic mistakes (a sum
    where the spec asks for a mean: the factor is the batch size; a sign), so the failure
    message says so. ``c`` is the least-squares factor; it counts when it explains the
    values to a relative residual of 1e-6.
    """
    a = as_array(actual).astype(np.float64).reshape(-1)
    b = as_array(expected).astype(np.float64).reshape(-1)
    if a.shape != b.shape or not (np.isfinite(a).all() and np.isfinite(b).all()):
        return None
    scale = float(b @ b)
    if scale == 0.0:
        return None
    factor = float(a @ b) / scale
    if factor == 0.0 or abs(factor - 1.0) <= 1e-6:
        return None
    if np.linalg.norm(a - factor * b) > 1e-6 * np.linalg.norm(a):
        return None
    return factor


def _matching_cause(factor: float, causes: Mapping[float, str]) -> str | None:
    for value, cause in causes.items():
        if abs(factor - value) <= 1e-4 * abs(value):
            return cause
    return None


@_public
def assert_close(
    actual: Any,
    expected: Any,
    *,
    rtol: float = 1e-6,
    atol: float = 1e-8,
    name: str = "value",
    causes: Mapping[float, str] | None = None,
) -> None:
    """Check ``|actual − expected| ≤ atol + rtol·|expected|`` everywhere, shapes equal.

    ``causes`` maps a constant factor between got and expected to the mistake it suggests
    (see :func:`describe_difference`).

    Raises:
        CheckFailure: naming the shape mismatch, or the worst entry and how many differ.
    """
    a = as_array(actual, name=name)
    b = as_array(expected, name=f"expected {name}")
    if a.shape != b.shape:
        raise CheckFailure(f"{name}: expected shape {b.shape}, got shape {a.shape}")
    if a.size == 0:
        return
    if not np.issubdtype(a.dtype, np.number) and a.dtype != bool:
        raise CheckFailure(f"{name}: expected numbers, got dtype {a.dtype}")
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    close = np.isclose(a64, b64, rtol=rtol, atol=atol, equal_nan=False)
    if close.all():
        return
    message = describe_difference(a64, b64, name=name, causes=causes)
    message += (
        f"\n  {int((~close).sum())} of {close.size} entries differ (rtol={rtol:g}, atol={atol:g})"
    )
    raise CheckFailure(message)


@_public
def assert_gradient_close(
    actual: Any,
    expected: Any,
    *,
    tol: float = 1e-7,
    name: str = "gradient",
    causes: Mapping[float, str] | None = None,
) -> None:
    """Check a gradient by the norm-based relative error (≤ ``tol``; 1e-7 for float64).

    ``causes`` maps a constant factor between got and expected to the mistake it suggests
    (see :func:`describe_difference`).
    """
    a = as_array(actual, name=name)
    b = as_array(expected, name=f"expected {name}")
    if a.shape != b.shape:
        raise CheckFailure(f"{name}: expected shape {b.shape}, got shape {a.shape}")
    error = rel_error(a, b)
    if not error <= tol:  # also catches nan
        line = f"  norm relative error {error:.3g}"
        message = describe_difference(a, b, name=name, causes=causes)
        message = message.replace(line, f"{line} > tolerance {tol:g}")
        raise CheckFailure(message)


@_public
def assert_shape(actual: Any, shape: tuple[int | None, ...], *, name: str = "value") -> None:
    """Check an array's shape; ``None`` in ``shape`` matches any size on that axis."""
    got = as_array(actual, name=name).shape
    matches = len(got) == len(shape) and all(
        s is None or s == g for s, g in zip(shape, got, strict=True)
    )
    if not matches:
        wanted = tuple("any" if s is None else s for s in shape)
        raise CheckFailure(f"{name}: expected shape {wanted}, got shape {got}")


@_public
def assert_at_least(value: float, threshold: float, *, name: str) -> None:
    """Check a metric reaches a target, saying by how much it fell short."""
    if not value >= threshold:
        raise CheckFailure(f"{name}: got {value:.4f}, needs at least {threshold:.4f}")


@_public
def assert_at_most(value: float, threshold: float, *, name: str) -> None:
    """Check a quantity stays at or below a bound, saying by how much it went over."""
    if not value <= threshold:
        raise CheckFailure(f"{name}: got {value:.4g}, needs at most {threshold:.4g}")


@_public
def assert_that(condition: bool, message: str) -> None:
    """Check a yes/no property (a layer exists, a list is complete); ``message`` says what
    is wrong when it does not hold, e.g. ``"no layer named 'branch_pool'"``."""
    if not condition:
        raise CheckFailure(message)
