import pytest

from autograder.contract.kit import (
    AUTODIFF_NAMES,
    assert_no_forbidden_names,
    assert_raises_value_error,
    float64,
    grader_copy,
    inherited_mistakes,
    names_used,
)
from autograder.contract.sources import NotebookSources
from autograder.contract.submission import InKernelSubmission
from course_lib.testing import CheckFailure


def namespace_from(source: str) -> dict:
    namespace: dict = {}
    exec(compile(source, "<cell>", "exec"), namespace)  # noqa: S102
    return namespace


class FakeSubmission(InKernelSubmission):
    """A notebook whose cells are the given sources."""

    def __init__(self, sources: dict[str, str]):
        texts = list(sources.values())
        super().__init__(namespace_from("\n".join(texts)), NotebookSources.from_texts(texts))


MANUAL = "def grads(x):\n    return 2 * x\n"
TAPE = "def grads(x):\n    with tf.GradientTape() as t:\n        pass\n    return t\n"
HIDDEN = "def grads(x):\n    return helper(x)\n"
HELPER = "def helper(x):\n    return tf.autodiff.ForwardAccumulator\n"


def test_manual_code_passes():
    assert_no_forbidden_names(FakeSubmission({"grads": MANUAL}), "grads", AUTODIFF_NAMES, why="x")


@pytest.mark.parametrize(
    "sources, culprit",
    [({"grads": TAPE}, "grads uses GradientTape"),
     ({"grads": HIDDEN, "helper": HELPER}, "helper uses ForwardAccumulator, autodiff")],
    ids=["direct", "through-helper"],
)  # fmt: skip
def test_autodiff_is_found(sources, culprit):
    with pytest.raises(CheckFailure, match=culprit):
        assert_no_forbidden_names(FakeSubmission(sources), "grads", AUTODIFF_NAMES, why="manual")


def test_names_used_handles_indented_source():
    assert {"foo", "bar"} <= names_used("    def foo():\n        return bar\n")


def test_float64_reaches_new_layers_and_restores():
    import keras

    keras.layers.Dense(1).build((None, 2))  # fixes the global policy, as a notebook would
    before = keras.config.floatx()
    with float64():
        assert keras.config.floatx() == "float64"
        layer = keras.layers.Dense(1)
        layer.build((None, 2))
        assert layer.kernel.dtype == "float64"
    assert keras.config.floatx() == before
    after = keras.layers.Dense(1)
    after.build((None, 2))
    assert after.kernel.dtype == before


@pytest.mark.parametrize(
    "body, verdict",
    [
        ("raise ValueError('bad average')", None),
        ("return {'micro': 1}[average]", "expected a ValueError, but calling f raised KeyError"),
        ("return 0.5", "expected a ValueError, got the result 0.5"),
    ],
    ids=["value-error", "key-error", "silent-result"],
)
def test_documented_value_error_is_required(body, verdict):
    submission = FakeSubmission({"f": f"def f(average):\n    {body}\n"})
    if verdict is None:
        assert_raises_value_error(submission, "f", "weighted", what="f('weighted')")
        return
    with pytest.raises(CheckFailure, match=verdict):
        assert_raises_value_error(submission, "f", "weighted", what="f('weighted')")


def _dense(units: int):
    import keras

    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(units)])


def test_grader_copy_holds_the_weights_of_the_model_a_function_returns():
    import numpy as np

    models = {"a": _dense(2), "b": _dense(2)}
    student = InKernelSubmission({"pick": lambda name: models[name]})
    copy = grader_copy(student, "pick", _dense(2), args=("b",), spec="Dense(2)")
    x = np.ones((4, 3), "float32")
    np.testing.assert_allclose(copy(x).numpy(), models["b"](x).numpy(), rtol=1e-6)
    with pytest.raises(CheckFailure, match=r"pick\('a'\) must be Dense\(4\)"):
        grader_copy(student, "pick", _dense(4), args=("a",), spec="Dense(4)")


def test_inherited_mistakes_names_only_the_pieces_that_fail():
    def passes(submission):
        return None

    def fails(submission):
        raise CheckFailure("wrong values")

    def crashes(submission):  # the student's function raised inside the check
        raise ZeroDivisionError

    assert inherited_mistakes(None, {"f": ("unit99_f", passes)}) == ""
    one = inherited_mistakes(None, {"f": ("unit99_f", passes), "g": ("unit99_g", fails)})
    assert one == "\n  note: this uses your g (unit99_g), whose own checks fail: start there"
    two = inherited_mistakes(None, {"g": ("unit99_g", fails), "h": ("unit99_h", crashes)})
    assert two.endswith("your g (unit99_g) and h (unit99_h), whose own checks fail: start there")
