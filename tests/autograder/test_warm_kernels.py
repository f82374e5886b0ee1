"""Warm kernels: forked from a server that imported TensorFlow, otherwise fresh kernels.

Each test starts kernels the way nbgrader does (jupyter_client and the kernelspec the
server's block puts first on the Jupyter path) and looks at them from inside and outside.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

from autograder.course import directory
from autograder.course.directory import tool_env
from autograder.course.warm_kernels import SOCKET_ENV, warm_kernels

pytestmark = pytest.mark.xdist_group("warm_kernels")


@pytest.fixture(scope="module")
def warm_env():
    env = {**tool_env(), "TF_CPP_MIN_LOG_LEVEL": "2"}
    with warm_kernels(env) as warm:
        yield warm


@contextlib.contextmanager
def kernel(env: dict[str, str], stderr=None):
    """A kernel started from the python3 kernelspec ``env`` puts first; yields (km, client)."""
    first = Path(env["JUPYTER_PATH"].split(os.pathsep)[0]) if "JUPYTER_PATH" in env else None
    specs = KernelSpecManager(kernel_dirs=[str(first / "kernels")]) if first else None
    manager = KernelManager(kernel_name="python3", kernel_spec_manager=specs)
    manager.start_kernel(env=env, stderr=stderr)
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        yield manager, client
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def run(client, code: str, timeout: float = 60) -> tuple[str, list[dict], dict]:
    """Execute ``code``; its stdout, its other outputs' contents and the reply's content."""
    text, outputs = [], []

    def keep(msg):
        if msg["msg_type"] == "stream":
            text.append(msg["content"]["text"])
        elif msg["msg_type"] in ("display_data", "execute_result", "error"):
            outputs.append(msg["content"])

    reply = client.execute_interactive(code, output_hook=keep, timeout=timeout)
    return "".join(text), outputs, reply["content"]


def launcher_pid(manager: KernelManager) -> int:
    return manager.provisioner.process.pid


def gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def test_a_kernel_is_forked_with_tensorflow_loaded(warm_env):
    with kernel(warm_env) as (manager, client):
        out, _, _ = run(client, "import os, sys\nprint('tensorflow' in sys.modules, os.getpid())")
        loaded, pid = out.split()
        assert loaded == "True"
        # Forked by the server, not the process jupyter_client launched.
        assert int(pid) != launcher_pid(manager)
        out, _, reply = run(
            client, "tf = __import__('tensorflow')\nprint(tf.reduce_sum([1, 2]).numpy())"
        )
        assert reply["status"] == "ok" and out.strip() == "3"


def test_each_kernel_draws_its_own_unseeded_randomness(warm_env):
    code = "import random, numpy as np\nprint(random.random(), np.random.rand())"
    draws = []
    for _ in range(2):
        with kernel(warm_env) as (_, client):
            draws.append(run(client, code)[0])
    assert draws[0] != draws[1]


def test_figures_are_shown_inline_as_in_a_cold_kernel(warm_env):
    with kernel(warm_env) as (_, client):
        _, outputs, _ = run(
            client, "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.show()"
        )
    assert any("image/png" in output.get("data", {}) for output in outputs), outputs


def test_an_interrupt_stops_a_running_cell(warm_env):
    with kernel(warm_env) as (manager, client):
        msg_id = client.execute("import time\ntime.sleep(60)")
        time.sleep(1.0)
        manager.interrupt_kernel()
        reply = client.get_shell_msg(timeout=15)
        assert reply["parent_header"]["msg_id"] == msg_id
        assert reply["content"]["status"] == "error"
        assert reply["content"]["ename"] == "KeyboardInterrupt"
        assert run(client, "print(6 * 7)")[0].strip() == "42"  # and the kernel lives on


def test_a_killed_launcher_takes_its_kernel_with_it(warm_env):
    with kernel(warm_env) as (manager, client):
        pid = int(run(client, "import os\nprint(os.getpid())")[0])
        os.kill(launcher_pid(manager), signal.SIGKILL)
        assert gone_within(pid, 10), "the kernel outlived its launcher"


def test_a_kernel_that_exits_ends_its_launcher_with_its_code(warm_env):
    with kernel(warm_env) as (manager, client):
        client.execute("import os\nos._exit(3)")
        process = manager.provisioner.process
        assert process.wait(timeout=10) == 3


def test_a_different_environment_starts_a_cold_kernel(warm_env, tmp_path):
    log = tmp_path / "kernel.log"
    with (
        log.open("w") as stderr,
        kernel({**warm_env, "MEDL_SOME_SETTING": "1"}, stderr) as (_, client),
    ):
        out, _, _ = run(client, "import sys\nprint('tensorflow' in sys.modules)")
    assert out.strip() == "False"
    assert "starting a cold kernel" in log.read_text() and "MEDL_SOME_SETTING" in log.read_text()


def test_without_a_server_the_launcher_starts_a_cold_kernel(warm_env, tmp_path):
    env = {**warm_env, SOCKET_ENV: str(tmp_path / "nowhere" / "fork.sock")}
    log = tmp_path / "kernel.log"
    with log.open("w") as stderr, kernel(env, stderr) as (_, client):
        out, _, _ = run(client, "print(6 * 7)")
    assert out.strip() == "42"
    assert "no fork server" in log.read_text()


def test_leaving_the_block_stops_the_server_and_its_kernels():
    # The block ends while a kernel still runs, as when nbgrader itself is interrupted.
    with contextlib.ExitStack() as later:
        with warm_kernels({**tool_env(), "TF_CPP_MIN_LOG_LEVEL": "2"}) as env:
            home = Path(env[SOCKET_ENV]).parent
            manager, client = later.enter_context(kernel(env))
            pid = int(run(client, "import os\nprint(os.getpid())")[0])
            servers = [p for p in Path("/proc").glob("[0-9]*") if str(home) in _cmdline(p)]
            assert servers, "no fork server process found"
        assert gone_within(pid, 10), "a kernel outlived its fork server"
        assert all(gone_within(int(p.name), 10) for p in servers)
        assert not home.exists()


def _cmdline(proc: Path) -> str:
    try:
        return (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def test_only_autograde_runs_with_warm_kernels(monkeypatch, tmp_path):
    calls = []

    def fake_run(command, **kwargs):
        calls.append((command[3], SOCKET_ENV in kwargs["env"]))
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(directory.subprocess, "run", fake_run)
    course = directory.Course(tmp_path)
    course.nbgrader("generate_assignment", "unit01")
    course.nbgrader("autograde", "unit01")
    course.nbgrader("autograde", "unit01", warm=False)
    assert calls == [("generate_assignment", False), ("autograde", True), ("autograde", False)]
