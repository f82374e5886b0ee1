"""Hidden checks for unit04_vanishing_gradients: the loss, per-layer gradient norms, the experiment.

``softmax_cross_entropy`` is compared with Keras' from-logits cross-entropy and with
``tf.GradientTape`` in float64, also on logits in the thousands.

``layer_gradient_norms`` (the student's backprop) is compared with
``course_lib.probes.gradient_norms`` on a float64 Keras model holding the same weights,
also where the logits are in the thousands (an unshifted softmax overflows there).
``gradient_flow_experiment`` runs on grader arguments against the network its docstring
describes, so each argument must reach the setup. The experiment's results are read by
name: a deep sigmoid network's first-layer gradient must be tiny next to its last layer's,
and a ReLU network with He init's must not.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from autograder.contract.kit import float64, rng
from course_lib import data
from course_lib.mlp import build_mlp, set_weights_from_numpy, weights_as_numpy
from course_lib.probes import gradient_norms
from course_lib.testing import CheckFailure, as_array, assert_close, assert_gradient_close

NAME = "layer_gradient_norms"
MIN_DEPTH = 8  # hidden layers in the experiment
SIGMOID_MAX_RATIO = 1e-3  # the reference gets about 4e-7 with 10 hidden layers
RELU_MIN_RATIO = 1e-2  # the reference gets about 0.4

# name: (seed, batch size, classes, logit scale): small logits, and logits in the thousands.
CROSS_ENTROPY_CASES = {"small_logits": (4504, 12, 5, 2.0), "huge_logits": (4505, 9, 4, 2000.0)}


def tape_cross_entropy(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Keras' mean from-logits cross-entropy and its gradient, float64."""
    with float64():
        z = tf.Variable(logits)
        with tf.GradientTape() as tape:
            loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y, z)
        return float(loss), tape.gradient(loss, z).numpy()


def cross_entropy_runs(submission):
    """(case, n, the student's (loss, dlogits), Keras' (loss, dlogits)) for every case."""
    for case, (seed, n, k, scale) in CROSS_ENTROPY_CASES.items():
        gen = rng(seed)
        logits, y = gen.normal(scale=scale, size=(n, k)), gen.integers(0, k, size=n)
        result = submission.call("softmax_cross_entropy", logits, y)
        if not isinstance(result, list) or len(result) != 2:
            raise CheckFailure(
                f"softmax_cross_entropy must return (loss, dlogits), got {result!r:.120}"
            )
        yield case.replace("_", " "), n, result, tape_cross_entropy(logits, y)


def test_cross_entropy_loss_matches_keras(submission):
    for case, n, (loss, _), (expected, _) in cross_entropy_runs(submission):
        assert_close(
            loss,
            expected,
            rtol=1e-9,
            name=f"softmax_cross_entropy loss of {n} rows of {case} vs Keras (the mean over "
            "the rows)",
            causes={float(n): "the loss is the mean over the rows, not the sum"},
        )


def test_cross_entropy_gradient_matches_tape(submission):
    for case, n, (_, dlogits), (_, expected) in cross_entropy_runs(submission):
        assert_gradient_close(
            dlogits,
            expected,
            name=f"softmax_cross_entropy gradient of {n} rows of {case} vs tf.GradientTape",
            causes={float(n): "did you divide (P - Y) by n? The loss is a mean over the batch"},
        )


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


def test_norms_with_huge_logits(submission):
    """Logits in the thousands: the softmax must subtract the row maximum first.

    The other cases keep the logits small, so ``np.exp(logits)`` without the shift passes
    them and returns nan (inf / inf) only here.
    """
    params, X, y = make_case(4503, (8, 12, 5), 10)
    params[-1][0] = params[-1][0] * 500.0  # output weights: logits up to about +-2500
    got = as_array(submission.call(NAME, params, X, y, "relu"), name=NAME)
    assert_gradient_close(
        got,
        probe_norms(params, X, y, "relu"),
        name=f'{NAME} of an 8-12-5 "relu" network whose logits are in the thousands (softmax '
        "of large logits: subtract the row maximum first), vs course_lib.probes.gradient_norms",
    )


# Grader arguments for gradient_flow_experiment, none of them its defaults:
# (activation, kernel_initializer, depth, width, n_samples, seed)
EXPERIMENT = ("tanh", "glorot_normal", 3, 16, 48, 4510)


def test_experiment_builds_the_network_it_is_asked_for(submission):
    """Every argument of gradient_flow_experiment must reach its setup.

    The ratio checks below only read the notebook's two runs, which use the defaults: an
    experiment that ignores ``kernel_initializer`` (every network He-initialised), the seed,
    the depth or width, ``n_samples`` or the data, or passes a fixed activation on, still
    shows vanishing sigmoid and healthy ReLU gradients. Here the reference network is built
    as the docstring says and its norms come from the student's own
    ``layer_gradient_norms`` (judged against the probe above), so only the setup counts.
    """
    activation, initializer, depth, width, n, seed = EXPERIMENT
    call = (
        f'gradient_flow_experiment("{activation}", "{initializer}", depth={depth}, '
        f"width={width}, n_samples={n}, seed={seed})"
    )
    result = submission.call(
        "gradient_flow_experiment",
        activation,
        initializer,
        depth=depth,
        width=width,
        n_samples=n,
        seed=seed,
    )
    got = as_array(result, name=call)
    if got.shape != (depth + 1,):
        raise CheckFailure(
            f"{call} must return depth + 1 = {depth + 1} norms, got shape {got.shape}"
        )
    # The notebook builds in Keras' default float32 and casts the weights to float64.
    keras.utils.set_random_seed(seed)
    model = build_mlp(40, [width] * depth, 10, kernel_initializer=initializer)
    params = [[W.astype(np.float64), b.astype(np.float64)] for W, b in weights_as_numpy(model)]
    x_train, y_train = data.load("mnist1d", "train")
    expected = as_array(
        submission.call(NAME, params, x_train[:n], y_train[:n], activation), name=NAME
    )
    assert_close(
        got,
        expected,
        rtol=1e-9,
        atol=0.0,
        name=f"{call} vs {NAME} of the network it describes: build_mlp(40, [width] * depth, "
        "10, kernel_initializer=...) right after keras.utils.set_random_seed(seed), the given "
        "activation, the first n_samples training examples",
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
