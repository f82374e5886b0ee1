"""course_lib.blocks: the transformer encoder block keeps shapes, saves and refuses bad widths."""

import keras
import numpy as np
import pytest

from course_lib.blocks import TransformerEncoder


def test_keeps_tokens_and_width_and_is_a_residual_block():
    block = TransformerEncoder(num_heads=2, ff_units=16)
    x = np.random.default_rng(0).normal(size=(3, 7, 8)).astype("float32")
    y = block(x)
    assert tuple(y.shape) == (3, 7, 8)
    # With every output projection zeroed, both branches add nothing: y = x.
    for layer in (block.attention, block.ff_out):
        layer.set_weights([np.zeros_like(w) for w in layer.get_weights()])
    np.testing.assert_allclose(block(x).numpy(), x, rtol=0, atol=1e-6)


def test_every_token_sees_every_other():
    block = TransformerEncoder(num_heads=2, ff_units=16)
    x = np.random.default_rng(1).normal(size=(1, 5, 8)).astype("float32")
    changed = x.copy()
    changed[0, -1] = np.random.default_rng(2).normal(size=8)  # (a constant shift would vanish in LayerNorm)
    # Changing the last token changes the first token's output (no causal mask).
    assert np.abs(block(x).numpy()[0, 0] - block(changed).numpy()[0, 0]).max() > 1e-4


def test_saves_and_loads_in_a_model(tmp_path):
    model = keras.Sequential([keras.Input((6, 4)), TransformerEncoder(num_heads=2, ff_units=8), keras.layers.Flatten()])
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    x = np.ones((2, 6, 4), "float32")
    np.testing.assert_allclose(loaded(x).numpy(), model(x).numpy(), rtol=1e-6)
    assert loaded.layers[0].get_config()["num_heads"] == 2


def test_width_must_divide_by_the_heads():
    with pytest.raises(ValueError, match="divisible"):
        TransformerEncoder(num_heads=3, ff_units=8)(np.zeros((1, 2, 8), "float32"))
