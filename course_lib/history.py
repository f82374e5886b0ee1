"""The record of a training run, and how it is shown while it grows.

:class:`History` holds one list of floats per quantity, one entry per epoch.
:class:`EpochProgress` prints each epoch's values while ``fit`` runs: a rich progress bar
on a terminal; elsewhere (Jupyter, nbgrader, a log file) plain lines on stdout, at most
about 42 of them, never on stderr (nbgrader zeroes a graded cell that writes to stderr).
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Iterator, Mapping
from typing import Any


class History:
    """Per-epoch values logged by :func:`course_lib.training.fit`.

    Like ``keras.callbacks.History.history``, ``history`` maps a name (``"loss"``,
    ``"accuracy"``, ``"val_loss"``, ...) to a list with one float per epoch. Unlike Keras,
    ``epochs`` counts from 1, the way the progress output prints them.

    Attributes:
        history: ``dict[str, list[float]]``, every list as long as ``epochs``.
        epochs: the epoch numbers, ``[1, 2, ...]``.
    """

    def __init__(
        self,
        history: Mapping[str, list[float]] | None = None,
        epochs: list[int] | None = None,
    ) -> None:
        """Start empty, or wrap existing values (e.g. ``History.from_dict``).

        Args:
            history: name -> per-epoch values. Default: empty.
            epochs: the epoch numbers. Default ``[1, ..., n]``.

        Raises:
            ValueError: if the lists do not all have one value per epoch.
        """
        self.history: dict[str, list[float]] = {
            str(k): [float(v) for v in vs] for k, vs in (history or {}).items()
        }
        lengths = {len(vs) for vs in self.history.values()}
        if len(lengths) > 1:
            raise ValueError(f"History: every list needs the same length, got lengths {lengths}")
        n = lengths.pop() if lengths else 0
        self.epochs: list[int] = list(range(1, n + 1)) if epochs is None else list(epochs)
        if len(self.epochs) != n:
            raise ValueError(
                f"History: {n} values per name need {n} epochs, got {len(self.epochs)}"
            )

    def append(self, epoch: int, logs: Mapping[str, float]) -> None:
        """Record one epoch; every epoch must log the same names.

        Raises:
            ValueError: if ``logs`` has other names than the epochs before.
        """
        if self.epochs and set(logs) != set(self.history):
            raise ValueError(
                f"History.append: expected the names {sorted(self.history)}, got {sorted(logs)}"
            )
        for name, value in logs.items():
            self.history.setdefault(name, []).append(float(value))
        self.epochs.append(int(epoch))

    def __getitem__(self, name: str) -> list[float]:
        if name not in self.history:
            raise KeyError(f"no values named {name!r}; available: {sorted(self.history)}")
        return self.history[name]

    def __contains__(self, name: object) -> bool:
        return name in self.history

    def __iter__(self) -> Iterator[str]:
        return iter(self.history)

    def __len__(self) -> int:
        """The number of epochs recorded."""
        return len(self.epochs)

    def keys(self) -> list[str]:
        """The logged names, in the order they were first logged."""
        return list(self.history)

    def final(self, name: str) -> float:
        """The value of ``name`` after the last epoch.

        Raises:
            KeyError: if ``name`` was never logged (the message lists what was).
            ValueError: if no epoch was recorded.
        """
        values = self[name]
        if not values:
            raise ValueError(f"History.final: no epochs recorded for {name!r}")
        return values[-1]

    def best(self, name: str, mode: str | None = None) -> float:
        """The best value of ``name`` over the epochs, ignoring NaN.

        Args:
            name: e.g. ``"val_loss"`` or ``"val_accuracy"``.
            mode: ``"min"`` or ``"max"``. Default None: ``"max"`` for names containing
                ``"accuracy"``, else ``"min"``, so ``best("val_accuracy")`` is the highest.

        Returns:
            The best value, or NaN if every value is NaN.
        """
        return self[name][self._best_index(name, mode)]

    def best_epoch(self, name: str, mode: str | None = None) -> int:
        """The epoch number (from ``epochs``) where ``best`` is reached, first one on ties."""
        return self.epochs[self._best_index(name, mode)]

    def _best_index(self, name: str, mode: str | None) -> int:
        if mode is None:
            mode = "max" if "accuracy" in name else "min"
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
        values = self[name]
        if not values:
            raise ValueError(f"History.best: no epochs recorded for {name!r}")
        finite = [(v, i) for i, v in enumerate(values) if not math.isnan(v)]
        if not finite:
            return 0
        sign = 1.0 if mode == "min" else -1.0
        return min(finite, key=lambda pair: (sign * pair[0], pair[1]))[1]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able copy: ``{"epochs": [...], "history": {name: [...]}}``."""
        return {
            "epochs": list(self.epochs),
            "history": {k: list(v) for k, v in self.history.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> History:
        """Rebuild a History from :meth:`to_dict` output (or a plain name -> list dict)."""
        if "history" in data and isinstance(data["history"], Mapping):
            return cls(data["history"], data.get("epochs"))
        return cls(data)

    def plot(self, ax: Any = None, *, metrics: list[str] | None = None) -> Any:
        """Draw the learning curves, see :func:`course_lib.plots.plot_learning_curves`."""
        from course_lib.plots import plot_learning_curves

        return plot_learning_curves(self, metrics=metrics, ax=ax)

    def __repr__(self) -> str:
        last = ", ".join(f"{k}={v[-1]:.4g}" for k, v in self.history.items() if v)
        return f"History(epochs={len(self)}{', ' if last else ''}{last})"


def format_value(value: float) -> str:
    """Four decimals, or scientific notation for very small or large magnitudes."""
    return f"{value:.4f}" if value == 0 or 1e-3 <= abs(value) < 1e4 else f"{value:.3e}"


class EpochProgress:
    """Context manager that shows per-epoch logs; ``fit`` calls :meth:`update` each epoch.

    Args:
        epochs: the planned number of epochs.
        verbose: False shows nothing.
    """

    def __init__(self, epochs: int, verbose: bool) -> None:
        self.epochs, self.verbose = epochs, verbose
        # Print epoch 1, every k-th and the last: long runs stay readable in a notebook.
        self.every = max(1, math.ceil(epochs / 40))
        self.bar: Any = None

    def __enter__(self) -> EpochProgress:
        self.start = time.perf_counter()
        # isatty() is False in Jupyter and under nbgrader, where a live bar would leave
        # one redrawn line per refresh in the saved output.
        if self.verbose and getattr(sys.stdout, "isatty", lambda: False)():
            from rich import console, progress, table

            # A short bar leaves room for the logs; they wrap in their column if need be.
            logs = progress.TextColumn("{task.fields[logs]}", table_column=table.Column(ratio=1))
            columns = [progress.TextColumn("epoch"), progress.MofNCompleteColumn()]
            columns += [progress.BarColumn(bar_width=20), progress.TimeRemainingColumn(), logs]
            self.bar = progress.Progress(*columns, console=console.Console(file=sys.stdout))
            self.task = self.bar.add_task("fit", total=self.epochs, logs="")
            self.bar.start()
        return self

    def update(self, epoch: int, logs: Mapping[str, float], last: bool = False) -> None:
        """Show epoch ``epoch``'s ``logs``; ``last`` forces a line (final or stopped epoch)."""
        text = "  ".join(f"{name} {format_value(value)}" for name, value in logs.items())
        if self.bar is not None:  # name=value: a narrow terminal wraps between items
            bar_text = "  ".join(f"{k}={format_value(v)}" for k, v in logs.items())
            self.bar.update(self.task, completed=epoch, logs=bar_text)
        elif self.verbose and (epoch == 1 or epoch % self.every == 0 or last):
            width = len(str(self.epochs))
            seconds = time.perf_counter() - self.start
            print(f"epoch {epoch:>{width}}/{self.epochs}  {text}  ({seconds:.1f}s)", flush=True)

    def __exit__(self, *exc_info: Any) -> None:
        if self.bar is not None:
            self.bar.stop()
