"""The isolated bridge: wire format, refusals, in-kernel wording, and a real sandboxed kernel."""

from __future__ import annotations

import contextlib
import json
import os
import sys

import numpy as np
import pytest

from autograder.contract.sources import NotebookSources
from autograder.contract.submission import InKernelSubmission, StudentError
from autograder.engine import wire as kernel_bridge
from autograder.engine.bridge import BridgeSubmission, install_code
from autograder.engine.kernel import KernelSession
from autograder.engine.outputs import Execution
from autograder.engine.sandbox import Layout, Limits, plan_launch
from autograder.engine.wire import WireError, decode, encode, read_message, write_message

STUDENT = """
import numpy as np
def double(x):
    return 2 * np.asarray(x)
def todo(x):
    raise NotImplementedError()
def crash(x):
    return 1 / 0
def give_model(x):
    return object()
def give_tuple(x):
    return (np.asarray(x), {"n": 3, "nan": float("nan")}, [None, True, "s"])
def big(n):
    return np.zeros(int(n))
def mutate(x):
    x[0] = -1
    return x
degree = np.int64(4)
"""


def student_namespace() -> dict:
    namespace: dict = {}
    exec(STUDENT, namespace)  # noqa: S102 - a fake notebook namespace
    return namespace


class InProcessKernel:
    """The kernel side of the bridge run in this process: everything but the sandbox."""

    def __init__(self, namespace: dict):
        self.namespace, self.broken, self.alive = namespace, "", True

    def execute(self, code: str, *, timeout: float, silent: bool = False, budget=None):
        try:
            exec(code, self.namespace)  # noqa: S102 - the request line the grader sends
        except Exception as exc:
            return Execution("error", error=f"{type(exc).__name__}: {exc}")
        return Execution("ok")

    def death(self) -> str:
        return "kernel is still running"


@pytest.fixture
def layout(tmp_path):
    return Layout.create(tmp_path / "grade")


@pytest.fixture
def local(layout, monkeypatch):
    monkeypatch.setitem(sys.modules, "_medl_bridge", kernel_bridge)
    kernel = InProcessKernel(student_namespace())
    return BridgeSubmission(kernel, layout, limits=Limits(transfer_bytes=2**20),
                            sources=NotebookSources.from_texts([STUDENT]))  # fmt: skip


# --- wire format -------------------------------------------------------------------------


def test_encode_decode_round_trip():
    value = {"a": [np.arange(3.0), None, True, 2, "s"], "b": {"c": float("nan")}, "$array": -1}
    arrays: list = []
    data = json.loads(json.dumps(encode(value, arrays)))
    back = decode(data, arrays)
    np.testing.assert_array_equal(back["a"][0], np.arange(3.0))
    assert back["a"][1:] == [None, True, 2, "s"] and back["$array"] == -1
    assert np.isnan(back["b"]["c"])


@pytest.mark.parametrize(
    "data",
    [{"$array": 5}, {"$array": "0"}, {"$float": "1e400"}, {"x": 1}, {"$dict": []}],
    ids=["array-out-of-range", "array-not-int", "bad-float", "untagged-dict", "dict-not-object"],
)
def test_decode_refuses_foreign_nodes(data):
    with pytest.raises(WireError, match="unexpected node"):
        decode(data, [])


def test_decode_refuses_deep_nesting():
    data: list = []
    for _ in range(kernel_bridge.MAX_DEPTH + 2):
        data = [data]
    with pytest.raises(WireError, match="nested deeper"):
        decode(data, [])


def test_message_round_trip(tmp_path):
    write_message(str(tmp_path), "r1", {"ok": True}, [np.eye(2), np.arange(4, dtype=np.int8)])
    message, arrays = read_message(str(tmp_path), "r1", 10_000)
    assert message == {"ok": True, "arrays": 2}
    np.testing.assert_array_equal(arrays[0], np.eye(2))
    assert arrays[1].dtype == np.int8 and not list(tmp_path.glob("*.part"))


def _plant(tmp_path, kind):
    write_message(str(tmp_path), "r1", {"ok": True}, [np.arange(3.0)])
    target = tmp_path / "r1.0.npy"
    if kind == "symlink":
        target.unlink()
        target.symlink_to("/etc/hostname")
    elif kind == "fifo":
        target.unlink()
        os.mkfifo(target)
    elif kind == "lying-header":
        target.write_bytes(target.read_bytes()[:-8])  # header says 3 floats, file holds 2
    elif kind == "pickled":
        np.save(target, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    elif kind == "bad-json":
        (tmp_path / "r1.json").write_text("{not json")
    elif kind == "array-count":
        (tmp_path / "r1.json").write_text('{"arrays": 99999}')
    elif kind == "missing":
        target.unlink()


@pytest.mark.parametrize(
    "kind, match",
    [
        ("symlink", "cannot open r1.0.npy"),
        ("fifo", "special file"),
        ("lying-header", "size differs"),
        ("pickled", "numbers only"),
        ("bad-json", "not valid JSON"),
        ("array-count", "0..4096 arrays, got 99999"),
        ("missing", "cannot open r1.0.npy"),
    ],
    ids=lambda v: v if isinstance(v, str) and " " not in v else None,
)
def test_read_message_refuses_planted_files(tmp_path, kind, match):
    _plant(tmp_path, kind)
    with pytest.raises(WireError, match=match):
        read_message(str(tmp_path), "r1", 10_000)


def test_read_message_refuses_oversized_files(tmp_path):
    write_message(str(tmp_path), "r1", {"ok": True}, [np.zeros(1000)])
    with pytest.raises(WireError, match=r"r1.0.npy refused: a regular file of 8128 bytes"):
        read_message(str(tmp_path), "r1", 1000)


# --- the bridge, in-process: same values and wording as in-kernel mode ---------------------


def test_call_read_predict_has(local):
    np.testing.assert_array_equal(local.call("double", [1.0, 2.0]), [2.0, 4.0])
    assert local.read("degree") == 4 and type(local.read("degree")) is int
    np.testing.assert_array_equal(local.predict("double", np.ones(2)), [2.0, 2.0])
    assert local.has("double") and not local.has("nothing")
    array, info, rest = local.call("give_tuple", [1])
    assert info["n"] == 3 and np.isnan(info["nan"]) and rest == [None, True, "s"]


def test_student_cannot_mutate_check_inputs(local):
    reference = np.arange(3.0)
    local.call("mutate", reference)
    np.testing.assert_array_equal(reference, [0.0, 1.0, 2.0])


@pytest.mark.parametrize(
    "name",
    ["todo", "crash", "give_model", "missing", "degree"],
    ids=["not-implemented", "exception", "not-plain", "missing", "not-callable"],
)
def test_student_errors_match_in_kernel_wording(local, name):
    with pytest.raises(StudentError) as in_kernel:
        InKernelSubmission(student_namespace()).call(name, [1.0])
    with pytest.raises(StudentError) as bridged:
        local.call(name, [1.0])
    assert str(bridged.value).splitlines()[0] == str(in_kernel.value).splitlines()[0]


def test_predict_of_non_model_matches_in_kernel_wording(local):
    with pytest.raises(StudentError, match="degree should be a model or function, got int64"):
        local.predict("degree", np.ones(2))


def test_oversized_result_is_refused_in_the_kernel(local):
    with pytest.raises(StudentError, match=r"big result is \d+ bytes, over the 1048576-byte limit"):
        local.call("big", 2**18)


def test_big_lists_must_travel_as_arrays(local, monkeypatch):
    monkeypatch.setattr(kernel_bridge, "MAX_JSON_BYTES", 1000)
    local._session.namespace["listy"] = lambda n: list(range(int(n)))
    with pytest.raises(StudentError, match=r"listy result holds \d+ bytes outside arrays"):
        local.call("listy", 1000)


def test_result_that_breaks_during_conversion(local):
    class Weird:
        @property
        def numpy(self):
            raise RuntimeError("no numpy for you")

    local._session.namespace["weird"] = lambda x: Weird()
    with pytest.raises(StudentError, match="calling weird raised RuntimeError: no numpy for you"):
        local.call("weird", 1)


def test_oversized_request_is_a_check_bug(local):
    with pytest.raises(ValueError, match="a check sent .* bytes to double"):
        local.call("double", np.zeros(2**18))


def test_tampered_bridge_is_a_student_error(local):
    sys.modules.pop("_medl_bridge")  # what `del sys.modules[...]` in a notebook does
    with pytest.raises(StudentError, match="grading bridge failed while calling double"):
        local.call("double", [1.0])


# --- source(): from the notebook's cells, never from the kernel -----------------------------


def test_source_ignores_what_the_kernel_claims(local):
    local._session.namespace["double"].__doc__ = "fake"
    assert local.source("double").startswith("def double(x):")
    assert local.source("degree") is None


# --- a real sandboxed kernel -----------------------------------------------------------------


@contextlib.contextmanager
def kernel_with(tmp_path, code: str, **limits):
    layout = Layout.create(tmp_path / "grade")
    plan = plan_launch(layout, limits=Limits(**limits), secrets=[])
    with KernelSession.start(plan, layout, timeout=60) as session:
        assert session.execute(install_code(), timeout=30, silent=True).status == "ok"
        assert session.execute(code, timeout=30).status == "ok"
        yield session, BridgeSubmission(session, layout, limits=Limits(**limits),
                                       sources=NotebookSources.from_texts([code]))  # fmt: skip


HANGS = """
import signal, time
def slow(x):
    time.sleep(600)
def stubborn(x):
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        pass
def quick(x):
    return x
def die(x):
    import os
    os._exit(7)
def plant_link(x):
    import sys
    bridge = sys.modules["_medl_bridge"]
    def write(folder, name, message, arrays):
        os.symlink("/etc/hostname", f"{folder}/{name}.json")
    import os
    bridge.write_message = write
    return x
"""


def test_real_kernel_values_and_errors(tmp_path):
    with kernel_with(tmp_path, STUDENT) as (_, submission):
        np.testing.assert_array_equal(submission.call("double", np.arange(3)), [0, 2, 4])
        assert submission.read("degree") == 4 and submission.has("todo")
        with pytest.raises(StudentError, match="calling crash raised ZeroDivisionError") as info:
            submission.call("crash", 1)
        assert "in crash: return 1 / 0" in str(info.value)  # the student's own frame


def test_hung_call_times_out_and_kernel_recovers(tmp_path):
    with kernel_with(tmp_path, HANGS, transfer_timeout_s=1) as (session, submission):
        with pytest.raises(StudentError, match="calling slow timed out after 1 s"):
            submission.call("slow", 1)
        assert not session.broken
        assert submission.call("quick", 5) == 5


def test_call_that_ignores_interrupts_breaks_the_kernel(tmp_path):
    with kernel_with(tmp_path, HANGS, transfer_timeout_s=1) as (session, submission):
        with pytest.raises(StudentError, match="calling stubborn timed out after 1 s"):
            submission.call("stubborn", 1)
        assert "kernel hung" in session.broken
        with pytest.raises(StudentError, match="calling quick is impossible: .*kernel hung"):
            submission.call("quick", 1)


def test_kernel_death_during_a_call(tmp_path):
    with kernel_with(tmp_path, HANGS) as (session, submission):
        with pytest.raises(StudentError, match="kernel exited with code 7 while calling die"):
            submission.call("die", 1)
        assert not session.alive and "code 7" in session.broken


def test_planted_response_link_is_refused(tmp_path):
    with kernel_with(tmp_path, HANGS) as (_, submission):
        with pytest.raises(StudentError, match="answer was refused: cannot open"):
            submission.call("plant_link", 1)


@pytest.mark.slow
def test_predict_uses_keras_predict_in_the_kernel(tmp_path):
    code = (
        "import numpy as np, keras\n"
        "model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, use_bias=False)])\n"
        "model.layers[0].set_weights([np.array([[1.0], [2.0]], dtype='float32')])\n"
    )
    with kernel_with(tmp_path, code) as (_, submission):
        out = submission.predict("model", np.array([[1.0, 1.0]], dtype="float32"))
        np.testing.assert_allclose(out, [[3.0]])


KERAS_STUDENT = """
import numpy as np, keras
def build(width):
    inputs = keras.Input((3,), name="x")
    left = keras.layers.Dense(int(width), activation="relu", name="left")(inputs)
    right = keras.layers.Dense(2, use_bias=False, name="right")(inputs)
    return keras.Model(inputs, keras.layers.Concatenate(name="join")([left, right]))
def broken_build(width):
    return {}["no such layer"]
model = build(4)
"""


@pytest.mark.slow
def test_describe_tells_the_same_model_in_both_modes(layout, monkeypatch):
    monkeypatch.setitem(sys.modules, "_medl_bridge", kernel_bridge)
    namespace: dict = {}
    exec(KERAS_STUDENT, namespace)  # noqa: S102 - a fake notebook namespace
    bridged = BridgeSubmission(InProcessKernel(namespace), layout, limits=Limits(transfer_bytes=2**20),
                               sources=NotebookSources.from_texts([KERAS_STUDENT]))  # fmt: skip
    in_kernel = InKernelSubmission(namespace)
    x = np.ones((2, 3), dtype="float32")
    for submission in (bridged, in_kernel):
        facts = submission.describe("build", 5, x=x)
        layers = {layer["name"]: layer for layer in facts["layers"]}
        assert [layer["class"] for layer in facts["layers"]] == [
            "InputLayer", "Dense", "Dense", "Concatenate"
        ]  # fmt: skip
        assert layers["join"]["inbound"] == ["left", "right"]
        assert (
            layers["left"]["config"]["units"] == 5
            and layers["right"]["config"]["use_bias"] is False
        )
        assert [w.shape for w in layers["left"]["weights"]] == [(3, 5), (5,)]
        assert facts["outputs"] == [[None, 7]] and facts["outputs_on_x"].shape == (2, 7)
        assert submission.describe("model")["layers"][1]["config"]["units"] == 4
        with pytest.raises(StudentError, match="degree should be a model or function, got int"):
            namespace["degree"] = 3
            submission.describe("degree")
        with pytest.raises(StudentError, match="calling broken_build raised KeyError"):
            submission.describe("broken_build", 1)


@pytest.mark.slow
def test_describe_in_a_real_kernel(tmp_path):
    with kernel_with(tmp_path, KERAS_STUDENT) as (_, submission):
        facts = submission.describe("model", x=np.zeros((1, 3), dtype="float32"))
        assert [layer["name"] for layer in facts["layers"]] == ["x", "left", "right", "join"]
        np.testing.assert_allclose(facts["outputs_on_x"], np.zeros((1, 6)), atol=1e-7)
