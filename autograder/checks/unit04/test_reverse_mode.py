"""Hidden checks for unit04_reverse_mode: reverse-mode differentiation of a computation graph.

``reverse_mode_gradient(graph, inputs)`` returns ``(value, grads)``. Every case is evaluated
and differentiated by ``tf.GradientTape`` over the same graph written with TensorFlow ops in
float64 (norm relative error <= 1e-9: both sides do the same float64 arithmetic). The cases
are built to separate the classic mistakes: a variable used by many nodes (adjoints that
overwrite instead of adding up), a node using one variable twice, a long chain (a sweep in
the wrong order), every op's local derivative, an input the graph does not use. The inputs
are drawn from grader seeds 4901-4909. The source must not use autodiff.
"""

import pytest
import tensorflow as tf

from autograder.contract.kit import (
    AUTODIFF_NAMES,
    assert_no_forbidden_names,
    assert_raises_value_error,
    rng,
)
from course_lib.testing import CheckFailure, assert_close, assert_gradient_close

NAME = "reverse_mode_gradient"
TF_OPS = {
    "add": tf.add,
    "sub": tf.subtract,
    "mul": tf.multiply,
    "div": tf.divide,
    "exp": tf.exp,
    "log": tf.math.log,
    "sin": tf.sin,
}

# name: (seed, graph, input names). Inputs are drawn in [0.5, 1.5]: log and div stay finite.
CASES = {
    # The notebook's public example: x has two uses.
    "public_example": (
        4901,
        [("u", "mul", ("x", "y")), ("v", "sin", ("x",)), ("f", "add", ("u", "v"))],
        ("x", "y"),
    ),
    # x*x*y: one node uses x twice, then x's product is used again.
    "repeated_argument": (
        4902,
        [("s", "mul", ("x", "x")), ("t", "mul", ("s", "y")), ("f", "sub", ("t", "x"))],
        ("x", "y"),
    ),
    # One shared node feeding four others (a diamond with many paths).
    "shared_node": (
        4903,
        [
            ("h", "mul", ("a", "b")),
            ("p", "sin", ("h",)),
            ("q", "exp", ("h",)),
            ("r", "div", ("h", "b")),
            ("s", "log", ("h",)),
            ("t", "add", ("p", "q")),
            ("u", "sub", ("r", "s")),
            ("f", "mul", ("t", "u")),
        ],
        ("a", "b"),
    ),
    # Every op, with the quotient's denominator depending on the inputs.
    "every_op": (
        4904,
        [
            ("h", "log", ("x",)),
            ("h2", "mul", ("h", "y")),
            ("e", "exp", ("h2",)),
            ("s", "sin", ("h2",)),
            ("q", "div", ("e", "z")),
            ("d", "sub", ("q", "s")),
            ("den", "add", ("z", "y")),
            ("r", "div", ("x", "den")),
            ("f", "add", ("d", "r")),
        ],
        ("x", "y", "z"),
    ),
    # A chain of 30 sines: only a sweep in reverse order gets it.
    "long_chain": (
        4905,
        [("v0", "sin", ("x",))]
        + [(f"v{k}", "sin", (f"v{k - 1}",)) for k in range(1, 29)]
        + [("f", "mul", ("v28", "y"))],
        ("x", "y"),
    ),
    # w is an input the graph never uses: its derivative is 0.
    "unused_input": (
        4906,
        [("e", "exp", ("x",)), ("f", "div", ("y", "e"))],
        ("x", "y", "w"),
    ),
}


def inputs_for(seed: int, names: tuple[str, ...]) -> dict[str, float]:
    values = rng(seed).uniform(0.5, 1.5, size=len(names))
    return {name: float(v) for name, v in zip(names, values)}


def tape_reference(graph, inputs: dict[str, float]) -> tuple[float, dict[str, float]]:
    variables = {k: tf.Variable(v, dtype=tf.float64) for k, v in inputs.items()}
    with tf.GradientTape() as tape:
        values = dict(variables)
        for name, op, args in graph:
            values[name] = TF_OPS[op](*[values[a] for a in args])
    output = values[graph[-1][0]]
    grads = tape.gradient(output, list(variables.values()), unconnected_gradients="zero")
    return float(output), {k: float(g) for k, g in zip(variables, grads)}


def student_result(submission, graph, inputs):
    as_lists = [[name, op, list(args)] for name, op, args in graph]
    result = submission.call(NAME, as_lists, dict(inputs))
    if not isinstance(result, list) or len(result) != 2 or not isinstance(result[1], dict):
        raise CheckFailure(
            f"{NAME} must return (value, grads) with grads a dict, got {result!r:.150}"
        )
    value, grads = result
    missing = [k for k in inputs if k not in grads]
    if missing:
        raise CheckFailure(f"{NAME}: grads must have an entry for every input; missing {missing}")
    return value, grads


@pytest.mark.gate
def test_no_autodiff(submission):
    assert_no_forbidden_names(
        submission, NAME, AUTODIFF_NAMES, why="the backward sweep is yours to write here"
    )


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_gradient_matches_tape(submission, case):
    seed, graph, names = CASES[case]
    inputs = inputs_for(seed, names)
    _, grads = student_result(submission, graph, inputs)
    _, expected = tape_reference(graph, inputs)
    assert_gradient_close(
        [float(grads[k]) for k in names],
        [expected[k] for k in names],
        tol=1e-9,
        name=f"the gradient [{', '.join(f'df/d{k}' for k in names)}] of the {case} graph "
        f"({len(graph)} nodes) at {inputs} vs tf.GradientTape",
    )


def test_values_match_tensorflow(submission):
    """The forward sweep: f's value on every case."""
    for case, (seed, graph, names) in CASES.items():
        inputs = inputs_for(seed, names)
        value, _ = student_result(submission, graph, inputs)
        expected, _ = tape_reference(graph, inputs)
        assert_close(value, expected, rtol=1e-12, name=f"the value of the {case} graph")


def test_unknown_op_is_refused(submission):
    graph = [("f", "tanh", ("x",))]
    assert_raises_value_error(
        submission, NAME, graph, {"x": 0.5}, what=f'{NAME} of a graph with the op "tanh"'
    )


def test_grads_hold_the_inputs_only(submission):
    """``grads`` has one entry per input, as the docstring says, not every node's adjoint."""
    seed, graph, names = CASES["every_op"]
    _, grads = student_result(submission, graph, inputs_for(seed, names))
    extra = sorted(set(grads) - set(names))
    if extra:
        raise CheckFailure(
            f"{NAME}: grads must hold the inputs only ({', '.join(names)}); it also has "
            f"{', '.join(extra)} (the adjoints of inner nodes)"
        )
