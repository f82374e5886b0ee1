import numpy as np
import pytest

from autograder.contract.sources import NotebookSources
from autograder.contract.submission import InKernelSubmission, StudentError


def make_namespace():
    namespace: dict = {}
    exec(  # noqa: S102 - building a fake notebook namespace
        "import numpy as np\n"
        "def double(x):\n    return 2 * np.asarray(x)\n"
        "def mutate(x):\n    x[0] = -1\n    return x\n"
        "def todo(x):\n    raise NotImplementedError()\n"
        "def crash(x):\n    return 1 / 0\n"
        "def give_model(x):\n    return object()\n"
        "degree = np.int64(4)\n",
        namespace,
    )
    return namespace


@pytest.fixture
def submission():
    return InKernelSubmission(make_namespace())


def test_call_returns_plain_values(submission):
    out = submission.call("double", [1.0, 2.0])
    np.testing.assert_array_equal(out, [2.0, 4.0])


def test_student_cannot_mutate_check_inputs(submission):
    reference = np.arange(3.0)
    submission.call("mutate", reference)
    np.testing.assert_array_equal(reference, [0.0, 1.0, 2.0])


def test_read_converts_numpy_scalars(submission):
    assert submission.read("degree") == 4 and type(submission.read("degree")) is int


@pytest.mark.parametrize(
    "name, match",
    [
        ("todo", "todo is not implemented yet"),
        ("crash", "calling crash raised ZeroDivisionError: division by zero"),
        ("give_model", "expected arrays, numbers"),
        ("missing", "defines nothing named 'missing'"),
        ("degree", "should be a function, got int64"),
    ],
    ids=["not-implemented", "exception", "not-plain", "missing", "not-callable"],
)
def test_student_problems_become_student_errors(submission, name, match):
    with pytest.raises(StudentError, match=match):
        submission.call(name, [1.0])


def test_predict_uses_keras_predict():
    import keras

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, use_bias=False)])
    model.layers[0].set_weights([np.array([[1.0], [2.0]], dtype="float32")])
    submission = InKernelSubmission({"model": model})
    out = submission.predict("model", np.array([[1.0, 1.0]], dtype="float32"))
    np.testing.assert_allclose(out, [[3.0]])


def test_predict_accepts_a_function(submission):
    np.testing.assert_array_equal(submission.predict("double", np.ones(2)), [2.0, 2.0])


def test_source_comes_from_the_notebook_text_never_from_the_namespace():
    def helper(x):
        return x + 1

    sources = NotebookSources.from_texts(["def helper(x):\n    return x + 2\n"])
    submission = InKernelSubmission({"helper": helper, "value": 3}, sources)
    assert submission.source("helper") == "def helper(x):\n    return x + 2\n"
    assert submission.source("value") is None and not submission.defines("value")
    assert submission.has("helper") and not submission.has("nothing")
    assert InKernelSubmission({"helper": helper}).source("helper") is None  # no file, no text
