"""What unit10's capstone checks share: the reference architectures, built by the grader."""

from __future__ import annotations

import keras

from course_lib import blocks

KINDS = ("linear", "mlp", "cnn", "gru", "transformer")


def reference_model(kind: str) -> keras.Sequential:
    """The notebook's table of architectures, written independently of the solution."""
    layers = keras.layers
    body = {
        "linear": lambda: [layers.Dense(10)],
        "mlp": lambda: [layers.Dense(100, activation="relu"), layers.Dense(100, activation="relu"), layers.Dense(10)],
        "cnn": lambda: [layers.Reshape((40, 1)),
                        *(layers.Conv1D(25, k, strides=2, padding="same", activation="relu") for k in (5, 3, 3)),
                        layers.Flatten(), layers.Dense(10)],
        "gru": lambda: [layers.Reshape((20, 2)), layers.GRU(32), layers.Dense(10)],
        "transformer": lambda: [layers.Reshape((40, 1)), layers.Conv1D(32, 5, strides=2, padding="same", activation="relu"),
                                blocks.TransformerEncoder(num_heads=4, ff_units=64), layers.GlobalAveragePooling1D(),
                                layers.Dense(10)],
    }[kind]()  # fmt: skip
    return keras.Sequential([keras.Input((40,)), *body])


SPECS = {
    "linear": "Dense(10)",
    "mlp": "Dense(100, relu) -> Dense(100, relu) -> Dense(10)",
    "cnn": 'Reshape((40, 1)) -> 3 x Conv1D(25, 5/3/3, strides=2, padding="same", relu) -> Flatten -> Dense(10)',
    "gru": "Reshape((20, 2)) -> GRU(32) -> Dense(10)",
    "transformer": 'Reshape((40, 1)) -> Conv1D(32, 5, strides=2, padding="same", relu) -> '
    "TransformerEncoder(4, 64) -> GlobalAveragePooling1D -> Dense(10)",
}
