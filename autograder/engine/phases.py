"""A hook for timing the engine's phases: the engine reports, whoever listens records.

The engine marks its phases (kernel start, each cell, each bridge request, each cell's
checks, the wait for background imports, shutdown) with :func:`phase`. With no listener
this costs one list check per phase. ``bench/`` listens with :func:`listening` to break a
grading down into where its time goes, without touching the engine's internals.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from typing import Any

# callback(name, seconds, info) for every finished phase; info is the phase's details.
Listener = Callable[[str, float, dict[str, Any]], None]
_listeners: list[Listener] = []


@contextlib.contextmanager
def phase(name: str, **info: Any) -> Iterator[None]:
    """Time the block as phase ``name`` and report it to every listener, even if it raised."""
    if not _listeners:
        yield
        return
    began = time.perf_counter()
    try:
        yield
    finally:
        seconds = time.perf_counter() - began
        for listener in list(_listeners):
            listener(name, seconds, info)


@contextlib.contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Call ``listener`` for every phase that ends inside the block."""
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)
