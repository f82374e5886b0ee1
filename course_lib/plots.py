"""Plots for the notebooks: learning curves, decision boundaries, confusion matrices.

Every function draws with the object API on the ``ax`` it is given, or on a new figure
made with ``plt.subplots`` (so Jupyter shows it inline), and returns the Figure. Nothing
global is changed and ``plt.show()`` is never called, so the functions run headless under
nbgrader. Ending a notebook line with the call and no ``;`` shows the figure twice in
Jupyter (once inline, once as the returned value): assign it, ``fig = ...``, or add ``;``.
A little past 300 lines on purpose: one module per student-facing concern (plots).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course_lib.metrics import predicted_labels


def _new_axes(n: int, width: float = 4.5, height: float = 3.5) -> list[Axes]:
    import matplotlib.pyplot as plt

    _, axes = plt.subplots(1, n, figsize=(width * n, height), squeeze=False)
    return list(axes[0])


def _figure_of(ax: Axes) -> Figure:
    figure = ax.figure
    # An Axes in a SubFigure reports the SubFigure; return the top-level Figure.
    while not isinstance(figure, Figure) and hasattr(figure, "figure"):
        figure = figure.figure
    return figure


def _metric_list(metrics: str | Sequence[str]) -> list[str]:
    return [metrics] if isinstance(metrics, str) else list(metrics)


def _panel_axes(ax: Any, titles: list[str]) -> list[Axes]:
    """One Axes per panel: the caller's (an Axes or an array of them), or a new row."""
    if ax is None:
        return _new_axes(len(titles))
    axes = [ax] if isinstance(ax, Axes) else list(np.ravel(np.asarray(ax, dtype=object)))
    if len(axes) < len(titles):
        raise ValueError(
            f"need {len(titles)} axes for the panels {titles} "
            f"(pass metrics=[] for the loss only), got {len(axes)}"
        )
    return axes


def _finish_panels(axes: list[Axes], titles: list[str], ax: Any) -> Figure:
    """Label each epoch panel; lay out the figure only if this function made it."""
    for axis, title in zip(axes, titles):
        axis.set_xlabel("epoch")
        axis.set_ylabel(title)
        axis.grid(alpha=0.3)
        if axis.lines:
            axis.legend()
    figure = _figure_of(axes[0])
    if ax is None:
        figure.tight_layout()
    return figure


def _curves(history: Any) -> tuple[dict[str, list[float]], list[int]]:
    """Accept our History, a keras History, a ``History.to_dict()`` or a plain dict."""
    epochs = getattr(history, "epochs", None)
    data = getattr(history, "history", history)
    if isinstance(data, Mapping) and isinstance(data.get("history"), Mapping):
        data, epochs = data["history"], data.get("epochs")
    if not isinstance(data, Mapping):
        raise TypeError(
            "expected a History, a keras History or a dict of per-epoch lists, "
            f"got {type(history).__name__}"
        )
    curves = {str(k): [float(v) for v in np.ravel(vs)] for k, vs in data.items()}
    lengths = {len(v) for v in curves.values()}
    if not curves or lengths == {0}:
        raise ValueError(f"the history holds no epochs, got keys {sorted(curves)}")
    if len(lengths) > 1:
        raise ValueError(f"every curve needs one value per epoch, got lengths {sorted(lengths)}")
    n = lengths.pop()
    epochs = list(epochs) if epochs is not None and len(epochs) == n else list(range(1, n + 1))
    return curves, epochs


def plot_learning_curves(
    history_or_dict: Any, *, metrics: Sequence[str] | None = None, ax: Any = None
) -> Figure:
    """Loss (and validation loss) per epoch, plus one panel per metric.

    Args:
        history_or_dict: a :class:`course_lib.history.History`, a ``keras`` History,
            ``History.to_dict()`` output or a dict ``name -> per-epoch values``.
        metrics: metric names for the extra panels, each with its ``val_`` curve if
            logged. Default None: every logged name that is not a loss (e.g.
            ``accuracy``); ``[]`` draws the loss panel only.
        ax: an Axes or a sequence of ``1 + len(metrics)`` Axes. Default None: a new
            figure, one panel per axes, side by side.

    Returns:
        The Figure. The loss panel has one line per loss curve (``loss``, ``val_loss``).

    Raises:
        ValueError: for an empty history, an unknown metric, or too few axes.
    """
    curves, epochs = _curves(history_or_dict)
    if metrics is None:
        metrics = [k for k in curves if k != "loss" and not k.startswith("val_")]
    else:
        metrics = _metric_list(metrics)
        unknown = [m for m in metrics if m not in curves and f"val_{m}" not in curves]
        if unknown:
            raise ValueError(f"metrics must be among {sorted(curves)}, got {unknown}")
    titles = ["loss", *metrics]
    axes = _panel_axes(ax, titles)
    marker = "." if len(epochs) < 30 else None
    for axis, title in zip(axes, titles):
        for key, style, label in ((title, "-", "training"), (f"val_{title}", "--", "validation")):
            if key in curves:
                axis.plot(epochs, curves[key], style, marker=marker, label=label)
        axis.set_title(title)
    return _finish_panels(axes, titles, ax)


def compare_learning_curves(
    histories: Mapping[str, Any],
    *,
    metrics: Sequence[str] | None = None,
    ax: Any = None,
    log_loss: bool = False,
) -> Figure:
    """Several runs' learning curves on shared panels: one colour per run.

    For comparing optimizers, learning rates or models trained on the same data: each
    run's training curve is solid, its validation curve (if logged) dashed in the same
    colour, and the legend names the runs.

    Args:
        histories: run name -> anything :func:`plot_learning_curves` accepts.
        metrics: metric panels after the loss panel; default None: the non-loss names
            every run logged; ``[]`` draws the loss panel only.
        ax: an Axes or a sequence of ``1 + len(metrics)`` Axes; default None: a new figure.
        log_loss: put the loss panel on a log scale (losses spanning decades).

    Returns:
        The Figure.

    Raises:
        ValueError: for no runs, an empty history, a metric some run did not log, or
            too few axes.
    """
    if not histories:
        raise ValueError("histories is empty: pass {run name: history}")
    runs = {str(name): _curves(history) for name, history in histories.items()}
    if metrics is None:
        common = set.intersection(*(set(curves) for curves, _ in runs.values()))
        first = next(iter(runs.values()))[0]
        metrics = [k for k in first if k in common and k != "loss" and not k.startswith("val_")]
    else:
        metrics = _metric_list(metrics)
        for name, (curves, _) in runs.items():
            missing = [m for m in ["loss", *metrics] if m not in curves]
            if missing:
                raise ValueError(f"run {name!r} did not log {missing}; it has {sorted(curves)}")
    titles = ["loss", *metrics]
    axes = _panel_axes(ax, titles)
    for axis, title in zip(axes, titles):
        dashed = False
        for name, (curves, epochs) in runs.items():
            marker = "." if len(epochs) < 30 else None
            (line,) = axis.plot(epochs, curves[title], "-", marker=marker, label=name)
            if f"val_{title}" in curves:
                axis.plot(epochs, curves[f"val_{title}"], "--", color=line.get_color())
                dashed = True
        axis.set_title(title + ("  (dashed: validation)" if dashed else ""))
    if log_loss:
        axes[0].set_yscale("log")
    return _finish_panels(axes, titles, ax)


def plot_decision_boundary(
    predict_fn: Callable[[np.ndarray], Any],
    x: Any,
    y: Any,
    *,
    ax: Axes | None = None,
    resolution: int = 200,
    padding: float = 0.5,
) -> Figure:
    """Shade the class a model predicts over the plane and scatter the data on top.

    Args:
        predict_fn: maps a float32 ``(m, 2)`` array to labels ``(m,)``, binary
            probabilities ``(m,)``/``(m, 1)`` (class 1 if ``> 0.5``) or class scores
            ``(m, k)`` (argmax). A Keras model can be passed as it is.
        x: points ``(n, 2)``.
        y: integer labels ``(n,)``.
        ax: the Axes to draw on. Default None: a new figure.
        resolution: grid points per axis, at least 2. Default 200.
        padding: margin around the data, in data units. Default 0.5.

    Returns:
        The Figure.

    Raises:
        ValueError: if ``x`` is not ``(n, 2)``, ``y`` does not match it, ``resolution``
            < 2, or ``predict_fn`` returns the wrong number of predictions.
    """
    points, labels = np.asarray(x, dtype=np.float64), np.asarray(y).reshape(-1)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"x must have shape (n, 2) for a 2-D plot, got shape {points.shape}")
    if len(labels) != len(points):
        raise ValueError(f"y needs one label per row of x ({len(points)}), got {len(labels)}")
    if (
        isinstance(resolution, bool)
        or not isinstance(resolution, (int, np.integer))
        or resolution < 2
    ):
        raise ValueError(f"resolution must be an integer >= 2, got {resolution!r}")
    low, high = points.min(axis=0) - padding, points.max(axis=0) + padding
    grid_x, grid_y = np.meshgrid(
        np.linspace(low[0], high[0], resolution), np.linspace(low[1], high[1], resolution)
    )
    grid = np.column_stack([grid_x.ravel(), grid_y.ravel()]).astype(np.float32)
    output = predict_fn(grid)
    predicted = predicted_labels(output.numpy() if hasattr(output, "numpy") else output)
    if predicted.shape != (grid.shape[0],):
        raise ValueError(
            f"predict_fn must return one prediction per grid point, i.e. shape ({grid.shape[0]},), "
            f"({grid.shape[0]}, 1) or ({grid.shape[0]}, k), got shape {np.shape(output)}"
        )
    n_classes = int(max(predicted.max(), labels.astype(np.int64).max())) + 1
    cmap = "tab10" if n_classes <= 10 else "viridis"
    ax = ax if ax is not None else _new_axes(1, width=5, height=4.5)[0]
    levels = np.arange(n_classes + 1) - 0.5
    ax.contourf(
        grid_x,
        grid_y,
        predicted.reshape(grid_x.shape),
        levels=levels,
        cmap=cmap,
        alpha=0.3,
        vmin=0,
        vmax=max(n_classes - 1, 1),
    )
    ax.scatter(
        points[:, 0],
        points[:, 1],
        c=labels,
        cmap=cmap,
        vmin=0,
        vmax=max(n_classes - 1, 1),
        s=12,
        edgecolors="k",
        linewidths=0.3,
    )
    ax.set_xlim(low[0], high[0])
    ax.set_ylim(low[1], high[1])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    return _figure_of(ax)


def plot_confusion_matrix(
    cm: Any,
    *,
    class_names: Sequence[str] | None = None,
    normalize: bool = False,
    ax: Axes | None = None,
) -> Figure:
    """Show a precomputed confusion matrix with every cell annotated.

    Args:
        cm: ``(k, k)`` non-negative counts; row ``i`` is the true class, column ``j``
            the predicted class.
        class_names: ``k`` tick labels. Default None: ``0 .. k-1``.
        normalize: divide each row by its total, so cells are the fraction of each true
            class (rows with no samples stay 0). Default False: raw counts.
        ax: the Axes to draw on. Default None: a new figure.

    Returns:
        The Figure; its axes holds ``k * k`` text annotations.

    Raises:
        ValueError: if ``cm`` is not square, has negative or non-finite entries, or
            ``class_names`` has the wrong length.
    """
    matrix = np.asarray(cm, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.size == 0:
        raise ValueError(f"cm must be a square (k, k) matrix, got shape {matrix.shape}")
    if not np.all(np.isfinite(matrix)) or (matrix < 0).any():
        raise ValueError(f"cm must hold finite non-negative counts, got min {np.nanmin(matrix)}")
    k = matrix.shape[0]
    names = [str(i) for i in range(k)] if class_names is None else [str(c) for c in class_names]
    if len(names) != k:
        raise ValueError(f"class_names needs {k} names for a {k}x{k} matrix, got {len(names)}")
    if normalize:
        totals = matrix.sum(axis=1, keepdims=True)
        matrix = np.divide(matrix, totals, out=np.zeros_like(matrix), where=totals > 0)
    ax = (
        ax
        if ax is not None
        else _new_axes(1, width=max(4.0, 0.6 * k + 2), height=max(3.5, 0.6 * k + 1.5))[0]
    )
    ax.imshow(matrix, cmap="Blues", vmin=0, vmax=1 if normalize else max(matrix.max(), 1))
    integers = not normalize and np.all(matrix == np.round(matrix))
    threshold = (1 if normalize else max(matrix.max(), 1)) / 2
    for i in range(k):
        for j in range(k):
            text = f"{int(matrix[i, j])}" if integers else f"{matrix[i, j]:.2f}"
            color = "white" if matrix[i, j] > threshold else "black"
            ax.text(j, i, text, ha="center", va="center", color=color, fontsize=9)
    ax.set_xticks(range(k), names, rotation=45 if max(map(len, names)) > 3 else 0)
    ax.set_yticks(range(k), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title("confusion matrix" + (" (row-normalized)" if normalize else ""))
    return _figure_of(ax)
