"""Hidden checks for unit06_residual_block: identity and projection shortcuts.

The grader builds its own reference block for input shapes and widths the notebook never
uses: main path conv1 (3x3, the stride, no bias) -> bn1 -> relu1 -> conv2 (3x3, no bias) ->
bn2; shortcut the input itself, or shortcut_conv (1x1, the stride, no bias) -> shortcut_bn
when the stride or the channels change; add -> relu_out. The student's
``build_residual_block`` describes the block it builds (``submission.describe``): the
complete layer list must match (class, name, settings, inbound layers), and the reference,
holding the student's weights (batch norms' moving statistics included), must produce the
student's outputs in inference mode on the grader's inputs.
"""

import keras
import pytest

from autograder.contract.kit import assert_same_layers, rng
from autograder.contract.model_facts import describe_model
from course_lib.testing import CheckFailure, assert_close

# name: (input shape, filters, stride)
CONFIGS = {
    "identity": ((6, 5, 4), 4, 1),
    "projection_channels": ((6, 6, 3), 5, 1),
    "projection_stride": ((7, 8, 4), 4, 2),
}


def reference_block(shape, filters: int, stride: int) -> keras.Model:
    inputs = keras.Input(shape)
    h = keras.layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False, name="conv1")(inputs)
    h = keras.layers.BatchNormalization(name="bn1")(h)
    h = keras.layers.Activation("relu", name="relu1")(h)
    h = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False, name="conv2")(h)
    h = keras.layers.BatchNormalization(name="bn2")(h)
    shortcut = inputs
    if stride != 1 or shape[-1] != filters:
        shortcut = keras.layers.Conv2D(filters, 1, strides=stride, use_bias=False, name="shortcut_conv")(inputs)
        shortcut = keras.layers.BatchNormalization(name="shortcut_bn")(shortcut)
    out = keras.layers.Add(name="add")([h, shortcut])
    return keras.Model(inputs, keras.layers.Activation("relu", name="relu_out")(out))


@pytest.mark.parametrize("config", CONFIGS, ids=str)
def test_layers_match_the_reference(submission, config):
    shape, filters, stride = CONFIGS[config]
    assert_same_layers(
        submission.describe("build_residual_block", list(shape), filters, stride),
        describe_model(reference_block(shape, filters, stride)),
        call=f"build_residual_block({list(shape)}, {filters}, {stride})",
    )


@pytest.mark.weight(2)
@pytest.mark.parametrize("config", CONFIGS, ids=str)
def test_outputs_with_copied_weights(submission, config):
    shape, filters, stride = CONFIGS[config]
    gen = rng(6100 + list(CONFIGS).index(config))
    x = gen.normal(size=(2, *shape)).astype("float32")
    facts = submission.describe("build_residual_block", list(shape), filters, stride, x=x)
    reference = reference_block(shape, filters, stride)
    weights = {layer["name"]: layer["weights"] for layer in facts["layers"]}
    for layer in reference.layers:
        if not layer.weights:
            continue
        if layer.name not in weights:
            raise CheckFailure(f"build_residual_block's block has no layer named {layer.name!r}")
        try:
            layer.set_weights(weights[layer.name])
        except ValueError as exc:
            raise CheckFailure(f"the weights of layer {layer.name!r} do not fit the reference's: {exc}") from None
    assert_close(facts["outputs_on_x"], reference(x, training=False).numpy(), rtol=1e-5, atol=1e-5,
                 name=f"build_residual_block({list(shape)}, {filters}, {stride}) outputs vs the "
                 "reference with the same weights (inference mode)")  # fmt: skip
