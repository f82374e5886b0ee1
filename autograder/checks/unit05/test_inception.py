"""Hidden checks for unit05_inception: an Inception module from given branch widths.

The grader builds its own reference module (the spec's diagram: four branches, every
convolution "same" with a bias and a ReLU, a 3x3 max pool of stride 1, concatenated in the
order 1x1, 3x3, 5x5, pool) for input shapes and widths the notebook never uses. The
student's ``build_inception`` is asked to build the same module and describe it
(:mod:`autograder.contract.model_facts`): the complete layer list must match the
reference's (class, name, settings, inbound layers), so a module with a branch missing
cannot pass by comparing the layers both have; the reference then runs with the student's
weights copied in, and both outputs must agree on the grader's inputs.
"""

import keras
import numpy as np
import pytest

from autograder.contract.kit import assert_same_layers, rng
from autograder.contract.model_facts import describe_model
from course_lib.testing import CheckFailure, assert_close

WIDTH_KEYS = ("1x1", "3x3_reduce", "3x3", "5x5_reduce", "5x5", "pool_proj")
# name: (input shape, widths in WIDTH_KEYS order)
CONFIGS = {
    "small": ((6, 7, 5), (3, 4, 6, 2, 3, 2)),
    "wide_reductions": ((5, 5, 8), (2, 6, 3, 5, 2, 4)),
}
CONVOLUTIONS = {  # layer name: (kernel, width key)
    "branch1x1": (1, "1x1"),
    "branch3x3_reduce": (1, "3x3_reduce"),
    "branch3x3": (3, "3x3"),
    "branch5x5_reduce": (1, "5x5_reduce"),
    "branch5x5": (5, "5x5"),
    "branch_pool_proj": (1, "pool_proj"),
}


def widths_of(config: str) -> dict:
    return dict(zip(WIDTH_KEYS, CONFIGS[config][1]))


def reference_count(channels: int, widths: dict) -> int:
    total = 0
    for kernel, key in CONVOLUTIONS.values():
        inputs = {"3x3": widths["3x3_reduce"], "5x5": widths["5x5_reduce"]}.get(key, channels)
        total += (kernel * kernel * inputs + 1) * widths[key]
    return total


def reference_module(shape, widths: dict) -> keras.Model:
    inputs = keras.Input(shape)
    made = {}

    def conv(x, name):
        kernel, key = CONVOLUTIONS[name]
        made[name] = keras.layers.Conv2D(
            widths[key], kernel, padding="same", activation="relu", name=name
        )
        return made[name](x)

    branch3 = conv(conv(inputs, "branch3x3_reduce"), "branch3x3")
    branch5 = conv(conv(inputs, "branch5x5_reduce"), "branch5x5")
    pooled = keras.layers.MaxPooling2D(3, strides=1, padding="same", name="branch_pool")(inputs)
    outputs = keras.layers.Concatenate(name="inception_concat")(
        [conv(inputs, "branch1x1"), branch3, branch5, conv(pooled, "branch_pool_proj")]
    )
    return keras.Model(inputs, outputs)


def student_facts(submission, config: str, x=None) -> dict:
    shape, _ = CONFIGS[config]
    return submission.describe("build_inception", list(shape), widths_of(config), x=x)


@pytest.mark.parametrize("config", CONFIGS, ids=str)
def test_param_count_formula(submission, config):
    shape, _ = CONFIGS[config]
    got = submission.call("inception_param_count", shape[2], widths_of(config))
    assert_close(got, reference_count(shape[2], widths_of(config)),
                 name=f"inception_param_count({shape[2]}, {widths_of(config)})")  # fmt: skip


def test_layers_match_the_reference(submission):
    for config, (shape, _) in CONFIGS.items():
        assert_same_layers(
            student_facts(submission, config),
            describe_model(reference_module(shape, widths_of(config))),
            call=f"build_inception({list(shape)}, {widths_of(config)})",
        )


@pytest.mark.weight(2)
@pytest.mark.parametrize("config", CONFIGS, ids=str)
def test_outputs_with_copied_weights(submission, config):
    shape, _ = CONFIGS[config]
    x = rng(5600 + list(CONFIGS).index(config)).normal(size=(3, *shape)).astype("float32")
    facts = student_facts(submission, config, x=x)
    reference = reference_module(shape, widths_of(config))
    weights = {layer["name"]: layer["weights"] for layer in facts["layers"]}
    for name in CONVOLUTIONS:
        if name not in weights:
            raise CheckFailure(
                f"build_inception's model has no layer named {name!r} to copy weights from"
            )
        try:
            reference.get_layer(name).set_weights(weights[name])
        except ValueError as exc:
            raise CheckFailure(
                f"the weights of layer {name!r} do not fit the reference's: {exc}"
            ) from None
    expected = reference(x).numpy()
    assert_close(facts["outputs_on_x"], expected, rtol=1e-5, atol=1e-5,
                 name=f"build_inception({list(shape)}, ...) outputs vs the reference with the same "
                 "weights (branches concatenated in the order 1x1, 3x3, 5x5, pool)")  # fmt: skip


def test_output_shape(submission):
    for config, (shape, widths) in CONFIGS.items():
        channels = widths[0] + widths[2] + widths[4] + widths[5]
        outputs = student_facts(submission, config)["outputs"]
        assert_close(np.array(outputs[0][1:], dtype=float), [shape[0], shape[1], channels],
                     name=f"build_inception({list(shape)}, ...) output shape (height, width, channels)")  # fmt: skip
