"""Fully connected networks: a builder with predictable layer names, and weight copying.

``build_mlp`` returns a ``keras.Sequential`` whose Dense layers are ``dense_0`` (first
hidden layer) ... ``dense_L`` (the output layer), so a notebook's matrix-form network
``[(W1, b1), ..., (WL+1, bL+1)]`` lines up with the model layer by layer.
``weights_as_numpy`` and ``set_weights_from_numpy`` copy weights between the two, in
Keras' layout (``W`` is ``(fan_in, fan_out)``, ``z = a @ W + b`` on row batches) or in
the book's layout (``W`` is ``(fan_out, fan_in)``, ``z = W a + b`` on column vectors).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras
import numpy as np

LAYOUTS = ("keras", "math")


def _positive_int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{what} must be a positive integer, got {value!r}")
    return int(value)


def _initializer(identifier: Any, index: int) -> Any:
    """A fresh initializer per layer: Keras reuses one instance's draws for equal shapes."""
    if not isinstance(identifier, keras.initializers.Initializer):
        return identifier  # a name or a config: Dense makes its own instance
    config = identifier.get_config()
    if isinstance(config.get("seed"), int):
        config["seed"] += index  # seeded: still repeatable, but layers differ
    return type(identifier).from_config(config)


def build_mlp(
    input_dim: int,
    hidden: Sequence[int] = (100, 100),
    n_outputs: int = 10,
    *,
    activation: Any = "relu",
    kernel_initializer: Any = "he_normal",
    dropout: float = 0.0,
    batch_norm: bool = False,
    output_activation: Any = None,
    name: str = "mlp",
) -> keras.Sequential:
    """A multilayer perceptron, built (weights exist) for inputs ``(batch, input_dim)``.

    Each hidden layer ``i`` is ``dense_i`` (linear) -> ``batch_norm_i`` (if
    ``batch_norm``) -> ``activation_i`` -> ``dropout_i`` (if ``dropout > 0``); the output
    layer is ``dense_{len(hidden)}`` with ``output_activation``. Biases start at zero.

    Args:
        input_dim: number of input features.
        hidden: widths of the hidden layers, input to output; ``()`` gives a linear (or
            softmax/logistic) model. Default ``(100, 100)``.
        n_outputs: width of the output layer. Default 10.
        activation: hidden activation, a Keras name (``"relu"``, ``"sigmoid"``,
            ``"tanh"``, ...) or a callable. Default ``"relu"``.
        kernel_initializer: a Keras name (``"he_normal"``, ``"glorot_uniform"``, ...) or
            an initializer; each layer gets its own copy. Default ``"he_normal"``.
        dropout: dropout rate after each hidden activation, in ``[0, 1)``. Default 0.0.
        batch_norm: batch normalisation between each hidden Dense and its activation.
            Default False.
        output_activation: activation of the output layer. Default None: logits.
        name: the model's name. Default ``"mlp"``.

    Returns:
        A built ``keras.Sequential`` mapping ``(batch, input_dim)`` to ``(batch, n_outputs)``.

    Raises:
        ValueError: for a non-positive size or width, a dropout rate outside ``[0, 1)``,
            or an unknown activation or initializer.
    """
    input_dim = _positive_int(input_dim, "input_dim")
    n_outputs = _positive_int(n_outputs, "n_outputs")
    if isinstance(hidden, (int, np.integer, str)) or not isinstance(hidden, Sequence):
        raise ValueError(
            f"hidden must be a sequence of layer widths such as (100, 100), got {hidden!r}"
        )
    widths = [_positive_int(w, f"hidden widths {tuple(hidden)!r}: each") for w in hidden]
    if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout < 1:
        raise ValueError(f"dropout must be a rate in [0, 1), got {dropout!r}")
    for what, identifier in (("activation", activation), ("output_activation", output_activation)):
        try:
            keras.activations.get(identifier)
        except (ValueError, TypeError):
            raise ValueError(
                f"{what} must be a Keras activation name or a callable, got {identifier!r}"
            ) from None
    try:
        keras.initializers.get(kernel_initializer)
    except (ValueError, TypeError):
        raise ValueError(
            f"kernel_initializer must be a Keras initializer name or instance, got {kernel_initializer!r}"
        ) from None

    layers: list[keras.layers.Layer] = [keras.Input(shape=(input_dim,), name="inputs")]
    for i, width in enumerate(widths):
        layers.append(
            keras.layers.Dense(
                width, kernel_initializer=_initializer(kernel_initializer, i), name=f"dense_{i}"
            )
        )
        if batch_norm:
            layers.append(keras.layers.BatchNormalization(name=f"batch_norm_{i}"))
        # A separate layer (not Dense(activation=...)) so batch norm can sit in between and
        # the pre-activations z stay observable.
        layers.append(keras.layers.Activation(activation, name=f"activation_{i}"))
        if dropout > 0:
            layers.append(keras.layers.Dropout(dropout, name=f"dropout_{i}"))
    layers.append(
        keras.layers.Dense(
            n_outputs,
            activation=output_activation,
            kernel_initializer=_initializer(kernel_initializer, len(widths)),
            name=f"dense_{len(widths)}",
        )
    )
    return keras.Sequential(layers, name=name)


def dense_layers(model: keras.Model) -> list[keras.layers.Dense]:
    """The model's Dense layers in input-to-output order (top-level layers only).

    Raises:
        ValueError: if the model is not built or has no Dense layer.
    """
    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a keras.Model, got {type(model).__name__}")
    if not model.built:
        raise ValueError(
            "the model is not built: give it a keras.Input or call it on a batch first, "
            f"got unbuilt model {model.name!r}"
        )
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    if not dense:
        raise ValueError(
            f"the model has no Dense layer, got layers {[lay.name for lay in model.layers]}"
        )
    return dense


def dense_shapes(model: keras.Model) -> list[tuple[int, int]]:
    """``(fan_in, fan_out)`` of each Dense layer, input to output.

    Example: ``build_mlp(40, (64, 32), 10)`` gives ``[(40, 64), (64, 32), (32, 10)]``.
    """
    return [tuple(int(d) for d in layer.kernel.shape) for layer in dense_layers(model)]


def _check_layout(layout: str) -> None:
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")


def weights_as_numpy(
    model: keras.Model, *, layout: str = "keras"
) -> list[tuple[np.ndarray, np.ndarray | None]]:
    """Copies of each Dense layer's ``(W, b)``, input to output.

    Args:
        model: a built Keras model.
        layout: ``"keras"``: ``W`` is ``(fan_in, fan_out)``, for ``a @ W + b``;
            ``"math"``: ``W`` is ``(fan_out, fan_in)``, for ``W @ a + b``. Default ``"keras"``.

    Returns:
        A list of ``(W, b)`` numpy arrays in the variables' dtype; ``b`` is ``(fan_out,)``,
        or None for a layer built with ``use_bias=False``.
    """
    _check_layout(layout)
    params = []
    for layer in dense_layers(model):
        kernel = np.array(layer.kernel.numpy())
        bias = None if layer.bias is None else np.array(layer.bias.numpy())
        params.append((kernel.T.copy() if layout == "math" else kernel, bias))
    return params


def set_weights_from_numpy(
    model: keras.Model, params: Sequence[Sequence[Any]], *, layout: str = "keras"
) -> None:
    """Overwrite each Dense layer's weights with ``params = [(W, b), ...]``, input to output.

    Args:
        model: a built Keras model, changed in place.
        params: one ``(W, b)`` pair per Dense layer, shapes as in :func:`weights_as_numpy`
            for ``layout``; ``b`` may also be a column ``(fan_out, 1)`` or row
            ``(1, fan_out)``, and must be None exactly for layers without a bias.
        layout: ``"keras"`` or ``"math"``, as in :func:`weights_as_numpy`. Default ``"keras"``.

    Raises:
        ValueError: for the wrong number of pairs or a shape that does not fit.
    """
    _check_layout(layout)
    layers = dense_layers(model)
    params = list(params)
    if len(params) != len(layers):
        raise ValueError(f"need one (W, b) pair per Dense layer ({len(layers)}), got {len(params)}")
    updates = []  # check every pair before writing any, so a bad call changes nothing
    for layer, pair in zip(layers, params):
        if len(pair) != 2:
            raise ValueError(f"{layer.name}: expected a pair (W, b), got {len(pair)} items")
        kernel, bias = np.asarray(pair[0]), pair[1]
        fan_in, fan_out = (int(d) for d in layer.kernel.shape)
        expected = (fan_in, fan_out) if layout == "keras" else (fan_out, fan_in)
        if kernel.shape != expected:
            raise ValueError(
                f"{layer.name}: W needs shape {expected} for layout={layout!r}, got {kernel.shape}"
            )
        updates.append((layer.kernel, kernel.T if layout == "math" else kernel))
        if (bias is None) != (layer.bias is None):
            raise ValueError(
                f"{layer.name}: b must be None exactly when the layer has no bias, got "
                f"{'None' if bias is None else np.shape(bias)} for use_bias={layer.use_bias}"
            )
        if bias is not None:
            bias = np.asarray(bias)
            if bias.shape not in ((fan_out,), (fan_out, 1), (1, fan_out)):
                raise ValueError(f"{layer.name}: b needs shape ({fan_out},), got {bias.shape}")
            updates.append((layer.bias, bias.reshape(fan_out)))
    for variable, value in updates:
        variable.assign(value.astype(variable.dtype))
