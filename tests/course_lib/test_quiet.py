"""A student's notebook shows none of TensorFlow's C++ start-up notices; real errors stay."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from course_lib.quiet import is_notice

NOTICES = [
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
    "I0000 00:00:1796006750.489488   21273 port.cc:153] oneDNN custom operations are on.",
    "I0000 00:00:1796006750.491168   21273 cudart_stub.cc:31] Could not find cuda drivers",
    "To enable the following instructions: AVX2 AVX512F FMA, in other operations, rebuild",
    "E0000 00:00:1796006755.388720   21273 cuda_platform.cc:52] failed call to cuInit: INTERNAL",
]


@pytest.mark.parametrize("line", NOTICES, ids=range(len(NOTICES)))
def test_start_up_notices_are_dropped_without_a_gpu(line):
    assert is_notice(line, gpu=False)


def test_cuda_errors_stay_on_a_gpu_machine_and_other_errors_always():
    assert not is_notice(NOTICES[-1], gpu=True)
    assert not is_notice("E0000 00:00:1.0  1 op_kernel.cc:1] real trouble", gpu=False)
    assert not is_notice("Traceback (most recent call last):", gpu=False)


def stderr_of(first_cell: str, monkeypatch) -> str:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(first_cell)])
    # As in a student's Jupyter: ipykernel forwards descriptor 2 into the notebook unless
    # it sees pytest's variable, and nobody has set TensorFlow's log level.
    with monkeypatch.context() as patch:
        for name in ("TF_CPP_MIN_LOG_LEVEL", "PYTEST_CURRENT_TEST"):
            patch.delenv(name, raising=False)
        NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    outputs = nb.cells[0].outputs
    return "".join(o.get("text", "") for o in outputs if o.get("name") == "stderr")


@pytest.mark.slow
def test_a_notebook_starting_with_the_quiet_import_shows_no_notice(monkeypatch):
    noisy = stderr_of("import keras\nimport tensorflow as tf\ntf.constant(1.0) + 1", monkeypatch)
    assert "oneDNN" in noisy or "I0000" in noisy  # the control: the notices do come
    quiet = stderr_of(
        "from course_lib.quiet import import_tensorflow_quietly\n"
        "tf = import_tensorflow_quietly()\nimport keras\ntf.constant(1.0) + 1",
        monkeypatch,
    )
    assert quiet == ""
