"""In-kernel grading: what a hidden test cell calls under plain ``nbgrader autograde``.

A hidden cell ends with ``grade("unit02_softmax", globals(), points=3)``. The value it
returns is the cell's last expression, which nbgrader records as partial credit. Nothing
may reach stderr while it runs, because nbgrader scores a cell with any stderr output as
zero: TensorFlow's log lines and Python warnings are rerouted to stdout.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import warnings
from collections.abc import Iterator
from typing import Any

from autograder.contract.runner import render_text, run_checks
from autograder.contract.submission import InKernelSubmission, notebook_sources

# Loggers that TensorFlow and Keras write warnings through.
_NOISY_LOGGERS = ("tensorflow", "absl", "keras", "h5py")


def grade(grade_id: str, namespace: dict[str, Any], *, points: float) -> float:
    """Run the hidden checks of ``grade_id`` on this notebook's globals.

    Args:
        grade_id: the graded cell's nbgrader id, e.g. ``"unit02_softmax"``.
        namespace: the notebook's ``globals()``.
        points: the cell's points (a contract test keeps it equal to the cell metadata).

    Returns:
        The earned points as a plain float, for nbgrader's partial credit.
    """
    with stderr_to_stdout():
        submission = InKernelSubmission(namespace, notebook_sources(grade_id))
        result = run_checks(grade_id, submission, points=points)
    print(render_text(result))
    return float(result.score)


@contextlib.contextmanager
def stderr_to_stdout() -> Iterator[None]:
    """Send warnings and log records raised inside the block to stdout, then restore."""
    saved_levels = {name: logging.getLogger(name).level for name in _NOISY_LOGGERS}
    with contextlib.redirect_stderr(sys.stdout), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for name in _NOISY_LOGGERS:
            logging.getLogger(name).setLevel(logging.ERROR)
        try:
            yield
        finally:
            for name, level in saved_levels.items():
                logging.getLogger(name).setLevel(level)
    for warning in caught[:5]:
        print(f"note: {warning.category.__name__}: {warning.message}")
