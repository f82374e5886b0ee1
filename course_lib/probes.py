"""Per-layer gradient norms, for the vanishing-gradient study of unit 04.

Backpropagation multiplies one Jacobian per layer; with sigmoid activations each factor
carries ``sigma'(z) <= 1/4``, so the gradient reaching the first layers of a deep net can
be orders of magnitude smaller than at the output. ``gradient_norms`` measures
``||dL/dW_l||_2`` for every Dense kernel on one batch, and ``plot_gradient_norms`` draws
several configurations on a log scale so the decay is visible at a glance::

    norms = {
        "sigmoid, glorot": gradient_norms(sigmoid_net, x, y, loss),
        "relu, he": gradient_norms(relu_net, x, y, loss),
    }
    fig = plot_gradient_norms(norms)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import keras
import numpy as np
import tensorflow as tf
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course_lib.mlp import dense_layers


def _loss_fn(loss: Any) -> Callable:
    if isinstance(loss, str):
        try:
            return keras.losses.get(loss)
        except ValueError:
            raise ValueError(
                f"loss must be a Keras loss name such as 'mse', got {loss!r}"
            ) from None
    if callable(loss):
        return loss
    raise ValueError(
        f"loss must be a name, a keras.losses.Loss or fn(y_true, y_pred), got {loss!r}"
    )


def _batch(x: Any, y: Any) -> tuple[tf.Tensor, tf.Tensor]:
    x, y = (v if tf.is_tensor(v) else tf.convert_to_tensor(np.asarray(v)) for v in (x, y))
    if x.shape.rank == 0 or y.shape.rank == 0 or x.shape[0] != y.shape[0] or x.shape[0] == 0:
        raise ValueError(
            f"x and y need the same, non-zero number of samples, got shapes {tuple(x.shape)} "
            f"and {tuple(y.shape)}"
        )
    return x, y


def _norms(model: keras.Model, loss_fn: Callable, x, y, training: bool) -> dict[str, float]:
    layers = dense_layers(model)
    kernels = [layer.kernel for layer in layers]
    with tf.GradientTape() as tape:
        value = loss_fn(y, model(x, training=training))
        # Loss functions from keras.losses.get return one value per sample: average them
        # as a Loss object (and Model.fit) would.
        value = tf.reduce_mean(value)
    gradients = tape.gradient(value, kernels)
    norms = {}
    for layer, gradient in zip(layers, gradients):
        if gradient is None:
            raise ValueError(f"the loss does not depend on layer {layer.name!r}, got gradient None")
        norms[layer.name] = float(np.linalg.norm(np.asarray(gradient, dtype=np.float64)))
    return norms


def gradient_norms(
    model: keras.Model, x: Any, y: Any, loss: Any, *, training: bool = True
) -> dict[str, float]:
    """L2 (Frobenius) norm of the loss gradient w.r.t. each Dense kernel, on one batch.

    Args:
        model: a built Keras model with Dense layers (e.g. from ``course_lib.mlp.build_mlp``).
        x: inputs ``(batch, ...)``.
        y: targets ``(batch, ...)`` as ``loss`` expects them.
        loss: a Keras loss name (per-sample values are averaged), a ``keras.losses.Loss``
            or ``fn(y_true, y_pred)``.
        training: run the model in training mode (dropout on, batch statistics), i.e.
            the gradient a training step would see. Default True.

    Returns:
        ``{layer name: norm}`` ordered input to output, e.g. ``{"dense_0": 0.012, ...}``.
        Norms are computed in float64 from the gradients.

    Raises:
        ValueError: for mismatched ``x``/``y``, a bad ``loss``, an unbuilt model, a model
            without Dense layers, or a layer the loss does not depend on.
    """
    x, y = _batch(x, y)
    return _norms(model, _loss_fn(loss), x, y, training)


class _Step:
    """One gradient step. A callable object, not a closure: TensorFlow counts retraces per
    ``__code__``, and fresh closures from repeated calls would warn on stderr."""

    def __init__(self, model: keras.Model, loss_fn: Callable, optimizer: Any) -> None:
        self.model, self.loss_fn, self.optimizer = model, loss_fn, optimizer

    def __call__(self, x_batch: tf.Tensor, y_batch: tf.Tensor) -> None:
        with tf.GradientTape() as tape:
            value = tf.reduce_mean(self.loss_fn(y_batch, self.model(x_batch, training=True)))
        variables = self.model.trainable_variables
        self.optimizer.apply_gradients(zip(tape.gradient(value, variables), variables))


def gradient_norms_during_training(
    model: keras.Model,
    x: Any,
    y: Any,
    loss: Any,
    *,
    optimizer: Any = "sgd",
    epochs: int = 5,
    batch_size: int = 32,
    probe_size: int = 256,
    seed: int = 0,
) -> list[dict[str, float]]:
    """Train with mini-batch gradient steps and probe the gradient norms after each epoch.

    The probe batch is the first ``probe_size`` samples, the same at every epoch, so the
    curves show how training changes the gradient flow rather than batch noise.

    Args:
        model: a built Keras model with Dense layers; trained in place.
        x: inputs ``(n, ...)``.
        y: targets ``(n, ...)``.
        loss: as in :func:`gradient_norms`.
        optimizer: a Keras optimizer name or instance. Default ``"sgd"``.
        epochs: passes over the data, ``>= 0``. Default 5.
        batch_size: samples per step. Default 32.
        probe_size: samples in the probe batch. Default 256.
        seed: seed of the per-epoch shuffling. Default 0.

    Returns:
        ``epochs + 1`` dicts as from :func:`gradient_norms` (training mode, so batch
        norm uses batch statistics as in a step), the first before any training; ``{f"epoch {e}": d for e, d
        in enumerate(result)}`` plots with :func:`plot_gradient_norms`.
    """
    for value, what, low in (
        (epochs, "epochs", 0),
        (batch_size, "batch_size", 1),
        (probe_size, "probe_size", 1),
    ):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"{what} must be an integer >= {low}, got {value!r}")
    x, y = _batch(x, y)
    loss_fn = _loss_fn(loss)
    dense_layers(model)  # fail early on an unbuilt model or one without Dense layers
    opt = keras.optimizers.get(optimizer)
    opt.build(model.trainable_variables)  # slots cannot be created inside the tf.function
    step = tf.function(_Step(model, loss_fn, opt), reduce_retracing=True)
    rng = np.random.default_rng(seed)
    probe = (x[:probe_size], y[:probe_size])
    history = [_norms(model, loss_fn, *probe, training=True)]
    for _ in range(epochs):
        order = rng.permutation(int(x.shape[0]))
        for start in range(0, len(order), batch_size):
            index = order[start : start + batch_size]
            step(tf.gather(x, index), tf.gather(y, index))
        history.append(_norms(model, loss_fn, *probe, training=True))
    return history


def plot_gradient_norms(
    norms_by_label: Mapping[str, Mapping[str, float]], ax: Axes | None = None
) -> Figure:
    """Gradient norm per layer on a log scale, one line per configuration.

    Args:
        norms_by_label: ``{label: {layer name: norm}}``, e.g. ``{"sigmoid, glorot":
            gradient_norms(...), "relu, he": ...}``; layers input to output. Networks of
            different depths may share the plot: layer ``l`` is drawn at ``x = l``.
        ax: the Axes to draw on. Default None: a new figure.

    Returns:
        The Figure. Zero norms (dead layers) cannot be drawn on a log scale and are left out.

    Raises:
        ValueError: if there is nothing to draw or a norm is negative or not finite.
    """
    if not isinstance(norms_by_label, Mapping) or not norms_by_label:
        raise ValueError(
            f"norms_by_label must be a non-empty dict label -> norms, got {norms_by_label!r}"
        )
    for label, norms in norms_by_label.items():
        values = np.asarray(list(norms.values()) if isinstance(norms, Mapping) else [], dtype=float)
        if values.size == 0 or not np.all(np.isfinite(values)) or np.any(values < 0):
            raise ValueError(
                f"{label!r} needs a non-empty dict of finite norms >= 0, got {norms!r}"
            )
    if ax is None:
        import matplotlib.pyplot as plt  # lazily: Jupyter shows figures made by pyplot inline

        _, ax = plt.subplots(figsize=(6, 4))
    for label, norms in norms_by_label.items():
        values = np.asarray(list(norms.values()), dtype=float)
        ax.plot(
            np.arange(1, len(values) + 1),
            np.where(values > 0, values, np.nan),
            marker="o",
            label=str(label),
        )
    names = [list(norms) for norms in norms_by_label.values()]
    longest = max(names, key=len)
    ax.set_xticks(np.arange(1, len(longest) + 1))
    # Layer names as ticks only when every configuration names its layers the same way.
    if all(n == longest[: len(n)] for n in names):
        ax.set_xticklabels(longest, rotation=45 if len(longest) > 6 else 0)
    ax.set_yscale("log")
    ax.set_xlabel("layer (input → output)")
    ax.set_ylabel(r"$\|\partial L / \partial W_\ell\|_F$ (Frobenius norm)")
    ax.set_title("Gradient norm per layer")
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    figure = ax.figure
    while not isinstance(figure, Figure) and hasattr(figure, "figure"):  # Axes in a SubFigure
        figure = figure.figure
    return figure
