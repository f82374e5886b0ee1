"""Hidden checks for unit04_mlp_backward: a hand-written backward pass for an L-layer MLP.

The source must not use autodiff. The gradients of ``C = sum(output * G)`` (so that
dC/d(output) = G) are compared with ``tf.GradientTape`` over the same network written in
TensorFlow, and with central finite differences, in float64 (norm rel. error <= 1e-7).
The cache comes from the student's own ``mlp_forward``.
"""

import numpy as np
import pytest
import tensorflow as tf

from autograder.contract.kit import AUTODIFF_NAMES, assert_no_forbidden_names, rng
from course_lib.testing import CheckFailure, assert_gradient_close, assert_shape, numeric_gradient

NAME = "mlp_backward"
TF_ACTIVATIONS = {"relu": tf.nn.relu, "sigmoid": tf.sigmoid, "tanh": tf.tanh}
NP_ACTIVATIONS = {
    "relu": lambda z: np.maximum(z, 0.0),
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "tanh": np.tanh,
}


def make_case(seed: int, sizes: tuple[int, ...], n: int):
    """Parameters, inputs X and the upstream gradient G, all float64."""
    gen = rng(seed)
    params = [
        [gen.normal(scale=1.5 / np.sqrt(m), size=(m, k)), gen.normal(scale=0.5, size=k)]
        for m, k in zip(sizes[:-1], sizes[1:])
    ]
    return params, gen.normal(size=(n, sizes[0])), gen.normal(size=(n, sizes[-1]))


def student_grads(submission, params, X, G, activation):
    """Run the student's forward (for the cache) and backward; check the returned shapes."""
    forward = submission.call("mlp_forward", params, X, activation)
    if not isinstance(forward, list) or len(forward) != 2:
        raise CheckFailure("mlp_forward must return a pair (output, cache)")
    grads = submission.call(NAME, params, forward[1], G, activation)
    if not isinstance(grads, list) or len(grads) != len(params):
        raise CheckFailure(
            f"{NAME} must return one [dW, db] pair per layer ({len(params)}), "
            f"got {type(grads).__name__}"
            + (f" of length {len(grads)}" if isinstance(grads, list) else "")
        )
    out = []
    for layer, ((W, b), pair) in enumerate(zip(params, grads), start=1):
        if not isinstance(pair, list) or len(pair) != 2:
            raise CheckFailure(f"{NAME}: layer {layer} must give a pair [dW, db]")
        assert_shape(pair[0], W.shape, name=f"dW{layer}")
        assert_shape(pair[1], b.shape, name=f"db{layer}")
        out.append((np.asarray(pair[0], dtype=np.float64), np.asarray(pair[1], dtype=np.float64)))
    return out


def tape_grads(params, X, G, activation):
    """dC/dW_l, dC/db_l of C = sum(MLP(X) * G) by tf.GradientTape in float64."""
    variables = [(tf.Variable(W), tf.Variable(b)) for W, b in params]
    with tf.GradientTape() as tape:
        A = tf.constant(X)
        for layer, (W, b) in enumerate(variables):
            Z = tf.matmul(A, W) + b
            A = Z if layer == len(variables) - 1 else TF_ACTIVATIONS[activation](Z)
        total = tf.reduce_sum(A * G)
    flat = tape.gradient(total, [v for pair in variables for v in pair])
    return [(flat[2 * i].numpy(), flat[2 * i + 1].numpy()) for i in range(len(params))]


def numpy_loss(params, X, G, activation) -> float:
    A = X
    for layer, (W, b) in enumerate(params):
        Z = A @ W + b
        A = Z if layer == len(params) - 1 else NP_ACTIVATIONS[activation](Z)
    return float(np.sum(A * G))


@pytest.mark.gate
def test_no_autodiff(submission):
    params, X, G = make_case(4400, (3, 4, 2), 3)
    student_grads(submission, params, X, G, "tanh")  # it must run before it can count
    assert_no_forbidden_names(
        submission,
        NAME,
        AUTODIFF_NAMES,
        why="write backpropagation by hand: dW_l = A_{l-1}^T Delta_l, db_l = column sums of "
        "Delta_l, Delta_{l-1} = (Delta_l W_l^T) * sigma'(Z_{l-1})",
    )


# name: (seed, layer sizes input -> output, activation, batch size)
CASES = {
    "relu_4layers": (4401, (6, 9, 8, 7, 4), "relu", 10),
    "sigmoid_3layers": (4402, (5, 10, 6, 3), "sigmoid", 7),
    "tanh_5layers": (4403, (4, 6, 6, 5, 6, 2), "tanh", 9),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_matches_gradient_tape(submission, case):
    seed, sizes, activation, n = CASES[case]
    params, X, G = make_case(seed, sizes, n)
    got = student_grads(submission, params, X, G, activation)
    expected = tape_grads(params, X, G, activation)
    layers = "-".join(map(str, sizes))
    for layer, ((dW, db), (dW_ref, db_ref)) in enumerate(zip(got, expected), start=1):
        where = f'layer {layer} of a {layers} "{activation}" network, vs tf.GradientTape'
        assert_gradient_close(dW, dW_ref, name=f"dW{layer} ({where})")
        assert_gradient_close(db, db_ref, name=f"db{layer} ({where})")


def fd_layer_grads(params, X, G, layer: int, activation: str):
    """Central finite differences of C with respect to W and b of one layer."""
    W, b = params[layer]

    def loss(W_new, b_new) -> float:
        changed = [[W_new, b_new] if i == layer else p for i, p in enumerate(params)]
        return numpy_loss(changed, X, G, activation)

    return numeric_gradient(lambda w: loss(w, b), W), numeric_gradient(lambda v: loss(W, v), b)


def test_matches_finite_differences(submission):
    params, X, G = make_case(4404, (3, 5, 4, 2), 4)
    got = student_grads(submission, params, X, G, "sigmoid")
    for layer, (dW, db) in enumerate(got):
        dW_fd, db_fd = fd_layer_grads(params, X, G, layer, "sigmoid")
        where = f'layer {layer + 1} of a 3-5-4-2 "sigmoid" network, vs finite differences'
        assert_gradient_close(dW, dW_fd, name=f"dW{layer + 1} ({where})")
        assert_gradient_close(db, db_fd, name=f"db{layer + 1} ({where})")
