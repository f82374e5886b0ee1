"""Hidden checks for unit04_vanishing_gradients: per-layer gradient norms and the experiment.

``layer_gradient_norms`` (the student's backprop) is compared with
``course_lib.probes.gradient_norms`` on a float64 Keras model holding the same weights.
The experiment's results are read by name: a deep sigmoid network's first-layer gradient
must be tiny next to its last layer's, and a ReLU network with He init's must not.
"""

import keras
import numpy as np
import pytest

from autograder.contract.kit import float64, rng
from course_lib.mlp import build_mlp, set_weights_from_numpy
from course_lib.probes import gradient_norms
from course_lib.testing import CheckFailure, as_array, assert_gradient_close

NAME = "layer_gradient_norms"
MIN_DEPTH = 8  # hidden layers in the experiment
SIGMOID_MAX_RATIO = 1e-3  # the reference gets about 4e-7 with 10 hidden layers
RELU_MIN_RATIO = 1e-2  # the reference gets about 0.4

# name: (seed, layer sizes input -> output, activation, batch size)
CASES = {
    "sigmoid_5layers": (4501, (12, 16, 16, 16, 16, 5), "sigmoid", 20),
    "relu_3layers": (4502, (8, 20, 10, 4), "relu", 16),
}


def make_case(seed: int, sizes: tuple[int, ...], n: int):
    gen = rng(seed)
    params = [
        [gen.normal(scale=np.sqrt(2.0 / m), size=(m, k)), gen.normal(scale=0.1, size=k)]
        for m, k in zip(sizes[:-1], sizes[1:])
    ]
    return params, gen.normal(size=(n, sizes[0])), gen.integers(0, sizes[-1], size=n)


def probe_norms(params, X, y, activation: str) -> np.ndarray:
    sizes = [W.shape[0] for W, _ in params] + [params[-1][0].shape[1]]
    with float64():
        model = build_mlp(sizes[0], sizes[1:-1], sizes[-1], activation=activation)
        set_weights_from_numpy(model, params)
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        return np.array(list(gradient_norms(model, X, y, loss).values()))


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_norms_match_keras(submission, case):
    seed, sizes, activation, n = CASES[case]
    params, X, y = make_case(seed, sizes, n)
    got = as_array(submission.call(NAME, params, X, y, activation), name=NAME)
    layers = "-".join(map(str, sizes))
    assert_gradient_close(
        got,
        probe_norms(params, X, y, activation),
        name=f'{NAME} of a {layers} "{activation}" network on {n} examples (mean cross-entropy), '
        "vs course_lib.probes.gradient_norms on a Keras model with the same weights",
    )


def first_over_last(submission, name: str) -> float:
    norms = as_array(submission.read(name), name=name).astype(np.float64)
    if norms.ndim != 1 or len(norms) < MIN_DEPTH + 1:
        raise CheckFailure(
            f"{name} must hold one norm per layer of a network with at least {MIN_DEPTH} hidden "
            f"layers (at least {MIN_DEPTH + 1} numbers), got shape {norms.shape}"
        )
    if not np.all(np.isfinite(norms)) or norms[-1] <= 0:
        raise CheckFailure(f"{name} must hold finite norms with a positive last entry, got {norms}")
    return float(norms[0] / norms[-1])


def test_sigmoid_gradients_vanish(submission):
    ratio = first_over_last(submission, "sigmoid_norms")
    if not ratio < SIGMOID_MAX_RATIO:
        raise CheckFailure(
            f"sigmoid_norms: first layer / last layer = {ratio:.3g}, expected below "
            f"{SIGMOID_MAX_RATIO:g} for a deep sigmoid network with Glorot initialisation"
        )


def test_relu_he_gradients_flow(submission):
    ratio = first_over_last(submission, "relu_norms")
    if not ratio > RELU_MIN_RATIO:
        raise CheckFailure(
            f"relu_norms: first layer / last layer = {ratio:.3g}, expected above "
            f"{RELU_MIN_RATIO:g} for a deep ReLU network with He initialisation"
        )
