"""Reusable Keras blocks for the capstone of unit10: a transformer encoder layer.

The capstone compares the course's model families side by side as ``keras.Sequential``
stacks; a transformer block has two residual branches, which a Sequential stack cannot
wire, so it is packaged here as one layer (the pre-norm form of Xiong et al., 2020):

    h = x + MultiHeadAttention(LayerNorm(x))          (every token attends to every token)
    y = h + Dense(d)(relu(Dense(ff)(LayerNorm(h))))   (the same two-layer MLP per token)

It keeps the sequence length and width ``d`` of its input.
"""

from __future__ import annotations

import keras


@keras.saving.register_keras_serializable(package="course_lib")
class TransformerEncoder(keras.layers.Layer):
    """One pre-norm transformer encoder block on ``(batch, tokens, d)`` inputs.

    Args:
        num_heads: attention heads; each has ``key_dim`` = d // num_heads.
        ff_units: width of the per-token feed-forward layer.
    """

    def __init__(self, num_heads: int, ff_units: int, **kwargs):
        super().__init__(**kwargs)
        self.num_heads = int(num_heads)
        self.ff_units = int(ff_units)

    def build(self, input_shape):
        d = int(input_shape[-1])
        if d % self.num_heads:
            raise ValueError(f"the width {d} must be divisible by num_heads={self.num_heads}")
        self.attention_norm = keras.layers.LayerNormalization(name="attention_norm")
        self.attention = keras.layers.MultiHeadAttention(self.num_heads, d // self.num_heads, name="attention")
        self.ff_norm = keras.layers.LayerNormalization(name="ff_norm")
        self.ff_hidden = keras.layers.Dense(self.ff_units, activation="relu", name="ff_hidden")
        self.ff_out = keras.layers.Dense(d, name="ff_out")
        self.attention_norm.build(input_shape)
        self.attention.build(input_shape, input_shape)
        self.ff_norm.build(input_shape)
        self.ff_hidden.build(input_shape)
        self.ff_out.build((*input_shape[:-1], self.ff_units))

    def call(self, x, training=None):
        normed = self.attention_norm(x)
        h = x + self.attention(normed, normed, training=training)
        return h + self.ff_out(self.ff_hidden(self.ff_norm(h)))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "num_heads": self.num_heads, "ff_units": self.ff_units}
