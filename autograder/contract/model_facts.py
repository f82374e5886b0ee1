"""A Keras model told as plain data, for checks that judge an architecture.

A check cannot hold a student's model (contract rule 2), but it can hold what the model
*is*: its layers in order, each with its class, name, the settings that define its maths,
the layers it reads from, and its weights. From that a check builds its own reference,
copies the weights in, and compares outputs on inputs of its choosing; it compares the
complete layer list, so a model with a layer missing cannot pass by zipping two lists.

Like everything the kernel returns, a description is data, not evidence (contract rule 6):
a kernel that lies about its model must still produce the reference's outputs from the
weights it reports, on the grader's inputs, which is the task itself.

This module runs inside the student's kernel too (injected as ``_medl_model_facts`` by the
isolated engine, where the ``autograder`` package is hidden): it imports nothing at module
level beyond NumPy, and reads models through Keras' public API only.
"""

from __future__ import annotations

from typing import Any

import numpy as np

# The config entries that fix a layer's maths (initialisers, dtypes and names do not).
MATHS_CONFIG = (
    "units", "filters", "kernel_size", "strides", "padding", "dilation_rate", "groups",
    "activation", "use_bias", "pool_size", "axis", "rate", "momentum", "epsilon", "center",
    "scale", "target_shape", "data_format", "size", "cropping", "recurrent_activation",
    "return_sequences", "input_dim", "output_dim", "num_heads", "key_dim", "value_dim",
    "ff_units",
)  # fmt: skip


class NotAModel(TypeError):
    """The value described is not a Keras model."""


def describe_model(target: Any, args: list | None = None, x: Any = None) -> dict:
    """Describe a Keras model (or the model ``target(*args)`` builds) as plain data.

    Args:
        target: a Keras model, or with ``args`` a function that returns one.
        args: arguments for ``target``; None to describe ``target`` itself.
        x: optional inputs; the description then holds ``model(x, training=False)``.

    Returns:
        ``{"class", "inputs", "outputs", "layers"[, "outputs_on_x"]}``: input and output
        shapes (lists, None for the batch), and per layer ``{"name", "class", "config",
        "inbound", "trainable", "weights"}`` in the model's order; ``inbound`` names the
        layers a layer reads from (``"input"`` for a Sequential model's input).

    Raises:
        NotAModel: if the value is not a Keras model.
    """
    model = target(*args) if args is not None else target
    if not all(hasattr(model, attr) for attr in ("layers", "get_config", "get_weights")):
        raise NotAModel(f"expected a Keras model, got {type(model).__name__}")
    inbound = _inbound_layers(model)
    facts = {
        "class": type(model).__name__,
        "inputs": [_shape(t) for t in _as_list(getattr(model, "inputs", None) or [])],
        "outputs": [_shape(t) for t in _as_list(getattr(model, "outputs", None) or [])],
        "layers": [
            {
                "name": str(layer.name),
                "class": type(layer).__name__,
                "config": _maths_config(layer),
                "inbound": inbound.get(layer.name, []),
                "trainable": bool(layer.trainable),
                "weights": [np.array(w) for w in layer.get_weights()],
            }
            for layer in model.layers
        ],
    }
    if x is not None:
        facts["outputs_on_x"] = np.array(model(np.asarray(x), training=False))
    return facts


def _inbound_layers(model: Any) -> dict[str, list[str]]:
    config = model.get_config()
    layers = config.get("layers", []) if isinstance(config, dict) else []
    if not any("inbound_nodes" in entry for entry in layers):  # Sequential: a chain
        names = [layer.name for layer in model.layers]
        return {name: [before] for before, name in zip(["input", *names], names)}
    return {
        entry.get("name", entry.get("config", {}).get("name")): _history_names(
            entry.get("inbound_nodes", [])
        )
        for entry in layers
    }


def _history_names(node: Any) -> list[str]:
    """The layer names in every ``keras_history`` inside an ``inbound_nodes`` entry."""
    found: list[str] = []
    if isinstance(node, dict):
        history = node.get("config", {}).get("keras_history") if "config" in node else None
        if isinstance(history, (list, tuple)) and history:
            found.append(str(history[0]))
        for value in node.values():
            if isinstance(value, (dict, list, tuple)):
                found += _history_names(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            found += _history_names(value)
    return list(dict.fromkeys(found))


def _maths_config(layer: Any) -> dict:
    config = layer.get_config()
    kept = {}
    for key in MATHS_CONFIG:
        value = config.get(key)
        if isinstance(value, (str, bool, int, float)) or value is None:
            kept[key] = value
        elif isinstance(value, (list, tuple)) and all(isinstance(v, (int, float)) for v in value):
            kept[key] = list(value)
    return {key: value for key, value in kept.items() if key in config}


def _as_list(value: Any) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _shape(tensor: Any) -> list:
    return [None if d is None else int(d) for d in tensor.shape]
