"""Hidden checks for unit04_numpy_training: the student's NumPy MLP trained by their backprop.

``train_numpy_mlp`` is replayed on grader networks and data against a reference run that
follows the notebook's spec (one ``np.random.default_rng(seed)``, a permutation per epoch,
batches in order with the last one smaller, the batch loss recorded before each step, plain
SGD on the mean softmax cross-entropy) with its gradients from ``tf.GradientTape`` in float64
(norm relative error <= 1e-9; the arithmetic is the same up to summation order). The trained
``numpy_mlp_params`` are scored on 4000 fresh MNIST-1D samples drawn by the grader, through
a forward pass written here (ReLU hidden layers, as the notebook trains them): the student's
code never sees those samples. The source must not use autodiff. Seeds 4951-4959.
"""

import numpy as np
import pytest
import tensorflow as tf

from autograder.contract import heldout
from autograder.contract.kit import AUTODIFF_NAMES, assert_no_forbidden_names, rng
from course_lib.testing import (
    CheckFailure,
    as_array,
    assert_at_least,
    assert_close,
    assert_gradient_close,
    assert_shape,
)

NAME = "train_numpy_mlp"
MIN_HELD_OUT_ACCURACY = 0.55  # the reference reaches about 0.60, a linear model about 0.32
TF_ACTIVATIONS = {"relu": tf.nn.relu, "tanh": tf.tanh, "sigmoid": tf.sigmoid}


def public_case():
    """The notebook's public check, rebuilt: one full-batch step of a 3-4-3 tanh network."""
    gen = np.random.default_rng(5)
    params = [
        [gen.normal(size=(3, 4)), gen.normal(size=4)],
        [gen.normal(size=(4, 3)), gen.normal(size=3)],
    ]
    X, y = gen.normal(size=(6, 3)), np.array([0, 2, 1, 1, 0, 2])
    return params, X, y


def grader_case(seed: int, sizes: tuple[int, ...], n: int):
    gen = rng(seed)
    params = [
        [gen.normal(scale=np.sqrt(2.0 / m), size=(m, k)), gen.normal(scale=0.1, size=k)]
        for m, k in zip(sizes[:-1], sizes[1:])
    ]
    return params, gen.normal(size=(n, sizes[0])), gen.integers(0, sizes[-1], size=n)


# name: (params, X, y, activation, keyword arguments of train_numpy_mlp)
CASES = {
    "full_batch_step": (*public_case(), "tanh",
                        {"epochs": 1, "batch_size": 6, "learning_rate": 0.1, "seed": 0}),
    "relu_last_batch_smaller": (*grader_case(4951, (5, 8, 3), 23), "relu",
                                {"epochs": 3, "batch_size": 5, "learning_rate": 0.1, "seed": 4952}),
    "tanh_three_layers": (*grader_case(4953, (4, 6, 6, 4), 16), "tanh",
                          {"epochs": 2, "batch_size": 4, "learning_rate": 0.2, "seed": 4954}),
}  # fmt: skip


def tape_step(params, X, y, activation):
    """(mean cross-entropy, [[dW, db], ...]) of one batch by tf.GradientTape in float64."""
    variables = [tf.Variable(np.asarray(p, dtype=np.float64)) for pair in params for p in pair]
    with tf.GradientTape() as tape:
        A = tf.constant(X)
        for layer in range(len(params)):
            Z = tf.matmul(A, variables[2 * layer]) + variables[2 * layer + 1]
            A = Z if layer == len(params) - 1 else TF_ACTIVATIONS[activation](Z)
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(y, A))
    flat = [g.numpy() for g in tape.gradient(loss, variables)]
    return float(loss), [flat[2 * i : 2 * i + 2] for i in range(len(params))]


def reference_run(params, X, y, activation, *, epochs, batch_size, learning_rate, seed):
    params = [[np.array(W, dtype=np.float64), np.array(b, dtype=np.float64)] for W, b in params]
    gen = np.random.default_rng(seed)
    losses = []
    for _ in range(epochs):
        order = gen.permutation(len(X))
        for start in range(0, len(X), batch_size):
            batch = order[start : start + batch_size]
            loss, grads = tape_step(params, X[batch], y[batch], activation)
            losses.append(loss)
            for pair, (dW, db) in zip(params, grads):
                pair[0] = pair[0] - learning_rate * dW
                pair[1] = pair[1] - learning_rate * db
    return params, losses


def describe(case: str) -> str:
    params, X, _, activation, kwargs = CASES[case]
    sizes = "-".join(str(W.shape[0]) for W, _ in params) + f"-{params[-1][0].shape[1]}"
    arguments = ", ".join(f"{k}={v}" for k, v in kwargs.items())
    return f'{NAME} of a {sizes} "{activation}" network on {len(X)} examples ({arguments})'


def run_case(submission, case: str):
    """(trained params, losses) of the student's run, and the reference run's."""
    params, X, y, activation, kwargs = CASES[case]
    result = submission.call(NAME, params, X, y, activation, **kwargs)
    if not isinstance(result, list) or len(result) != 2:
        raise CheckFailure(f"{NAME} must return (params, losses), got {result!r:.150}")
    trained, losses = result
    if not isinstance(trained, list) or len(trained) != len(params):
        raise CheckFailure(
            f"{describe(case)} must return params with one [W, b] pair per layer ({len(params)})"
        )
    return trained, losses, reference_run(params, X, y, activation, **kwargs)


@pytest.mark.gate
def test_no_autodiff(submission):
    assert_no_forbidden_names(
        submission,
        NAME,
        AUTODIFF_NAMES,
        why="the gradients come from your mlp_backward",
        skip=("mlp_backward", "mlp_forward"),  # judged by their own cells
    )


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_parameters_match_reference_run(submission, case):
    trained, _, (expected, _) = run_case(submission, case)
    for layer, (pair, (W, b)) in enumerate(zip(trained, expected), start=1):
        if not isinstance(pair, list) or len(pair) != 2:
            raise CheckFailure(f"{describe(case)}: layer {layer} must be a pair [W, b]")
        assert_shape(pair[0], W.shape, name=f"W{layer} after {describe(case)}")
        assert_gradient_close(
            pair[0],
            W,
            tol=1e-9,
            name=f"W{layer} after {describe(case)}, vs a reference run of the spec (one "
            "default_rng(seed), a permutation per epoch, the last batch kept, mean loss)",
        )
        assert_gradient_close(pair[1], b, tol=1e-9, name=f"b{layer} after {describe(case)}")


def test_losses_are_the_batch_losses_before_each_step(submission):
    for case in CASES:
        _, losses, (_, expected) = run_case(submission, case)
        got = as_array(losses, name=f"the losses of {describe(case)}")
        assert_shape(got, (len(expected),), name=f"the losses of {describe(case)} (one per step)")
        assert_close(
            got,
            expected,
            rtol=1e-9,
            name=f"the losses of {describe(case)}: each batch's mean cross-entropy before its step",
        )


def test_notebook_run_trained_a_copy(submission):
    """The notebook's run trained a copy: ``numpy_mlp_params`` moved, ``initial_params`` did not.

    The kernel works on copies of what the checks pass in, so an in-place update cannot be
    seen there; the notebook's own run shows it. The locked cell before the answer builds
    ``initial_params`` (He-normal, seed 0); after training they must still be exactly those
    values, while the trained parameters differ from them (a run that never trained, or
    returned its input, has not done the task).
    """
    got = submission.read("initial_params")
    trained = submission.read("numpy_mlp_params")
    gen = np.random.default_rng(0)
    sizes = [40, 256, 256, 10]
    if not isinstance(trained, list) or len(trained) != len(sizes) - 1:
        raise CheckFailure(
            "numpy_mlp_params must be the trained [[W1, b1], [W2, b2], [W3, b3]] of the "
            "notebook's 40-256-256-10 run"
        )
    for layer, (m, k) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        W = gen.normal(scale=np.sqrt(2.0 / m), size=(m, k))
        assert_close(
            got[layer - 1][0],
            W,
            rtol=0.0,
            atol=0.0,
            name=f"initial_params W{layer} after train_numpy_mlp(initial_params, ...) (it "
            "must train a copy and leave the caller's arrays alone)",
        )
        assert_close(got[layer - 1][1], np.zeros(k), rtol=0.0, atol=0.0,
                     name=f"initial_params b{layer} after training")  # fmt: skip
        moved = as_array(trained[layer - 1][0], name=f"numpy_mlp_params W{layer}")
        if moved.shape == W.shape and np.array_equal(moved, W):
            raise CheckFailure(
                f"numpy_mlp_params W{layer} equals its initial value: the notebook's run did "
                "not train"
            )


@pytest.mark.weight(2)
def test_accuracy_on_fresh_samples(submission, record_property):
    params = submission.read("numpy_mlp_params")
    if not isinstance(params, list) or not params:
        raise CheckFailure(
            "numpy_mlp_params must be the list [[W1, b1], ...] train_numpy_mlp returned"
        )
    x_new, y_new = heldout.mnist1d()
    A = np.asarray(x_new, dtype=np.float64)
    for layer, pair in enumerate(params):
        W, b = (as_array(p, name=f"numpy_mlp_params[{layer}]").astype(np.float64) for p in pair)
        Z = A @ W + b
        A = Z if layer == len(params) - 1 else np.maximum(Z, 0.0)
    assert_shape(A, (len(x_new), 10), name="the outputs of numpy_mlp_params (ReLU hidden layers)")
    accuracy = float(np.mean(np.argmax(A, axis=1) == y_new))
    record_property(
        "note", f"numpy_mlp_params: accuracy {accuracy:.3f} on 4000 held-out samples (scored)"
    )
    assert_at_least(
        accuracy,
        MIN_HELD_OUT_ACCURACY,
        name="accuracy of numpy_mlp_params on 4000 held-out MNIST-1D samples (a linear model "
        "reaches about 0.32)",
    )
