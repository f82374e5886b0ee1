"""Hidden checks for unit04_mlp_forward: the forward pass against a Keras model.

The reference is ``course_lib.mlp.build_mlp`` in float64 holding the same weights
(``set_weights_from_numpy``): Dense layers, the hidden activation, a linear output layer.
Besides the three activations the public checks and the backward pass use, one network
runs ELU: ``activation`` is any name from ACTIVATIONS, so the forward pass must go through
``apply_activation`` rather than a table of its own for relu, sigmoid and tanh.
"""

import keras
import numpy as np
import pytest

from autograder.contract.kit import float64, rng
from course_lib.mlp import build_mlp, set_weights_from_numpy
from course_lib.testing import CheckFailure, assert_close

NAME = "mlp_forward"

# name: (seed, layer sizes input -> output, activation, batch size)
CASES = {
    "relu_3layers": (4301, (6, 9, 7, 4), "relu", 11),
    "sigmoid_2layers": (4302, (5, 12, 3), "sigmoid", 8),
    "tanh_5layers": (4303, (4, 6, 6, 5, 6, 2), "tanh", 9),
    "tanh_1layer": (4304, (7, 3), "tanh", 5),
    "elu_3layers": (4305, (5, 8, 6, 3), "elu", 6),
}


def make_case(seed: int, sizes: tuple[int, ...], n: int):
    """Weights scaled by 1.5 / sqrt(fan_in) (sigmoid and tanh stay out of saturation)."""
    gen = rng(seed)
    params = [
        [gen.normal(scale=1.5 / np.sqrt(m), size=(m, k)), gen.normal(scale=0.5, size=k)]
        for m, k in zip(sizes[:-1], sizes[1:])
    ]
    return params, gen.normal(size=(n, sizes[0]))


def keras_forward(params, X, activation: str) -> np.ndarray:
    sizes = [W.shape[0] for W, _ in params] + [params[-1][0].shape[1]]
    with float64():
        model = build_mlp(sizes[0], sizes[1:-1], sizes[-1], activation=activation)
        set_weights_from_numpy(model, params)
        return keras.ops.convert_to_numpy(model(X, training=False))


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_output_matches_keras(submission, case):
    seed, sizes, activation, n = CASES[case]
    params, X = make_case(seed, sizes, n)
    result = submission.call(NAME, params, X, activation)
    if not isinstance(result, list) or len(result) != 2:
        raise CheckFailure(
            f"{NAME} must return a pair (output, cache), got {type(result).__name__}"
        )
    layers = "-".join(map(str, sizes))
    assert_close(
        result[0],
        keras_forward(params, X, activation),
        rtol=1e-10,
        atol=1e-12,
        name=f'{NAME} output of a {layers} "{activation}" network ({n} examples), vs a Keras '
        "model with the same weights (no activation on the output layer)",
    )
