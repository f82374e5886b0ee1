"""Warm kernels: forked from a server that imported TensorFlow, otherwise fresh kernels.

Each test starts kernels the way nbgrader does (jupyter_client and the kernelspec the
server's block puts first on the Jupyter path) and looks at them from inside and outside;
the last one runs nbgrader itself.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

from autograder.authoring import cells as authoring
from autograder.contract import notebook as notebooks
from autograder.course import directory
from autograder.course.directory import Course, tool_env
from autograder.course.warm_kernels import SOCKET_ENV, warm_kernels

pytestmark = pytest.mark.xdist_group("warm_kernels")


@pytest.fixture(scope="module")
def warm_env():
    env = {**tool_env(), "TF_CPP_MIN_LOG_LEVEL": "2"}
    with warm_kernels(env) as warm:
        yield warm


@contextlib.contextmanager
def kernel(env: dict[str, str], stderr=None, cwd=None):
    """A kernel started from the python3 kernelspec ``env`` puts first; yields (km, client)."""
    first = Path(env["JUPYTER_PATH"].split(os.pathsep)[0]) if "JUPYTER_PATH" in env else None
    specs = KernelSpecManager(kernel_dirs=[str(first / "kernels")]) if first else None
    manager = KernelManager(kernel_name="python3", kernel_spec_manager=specs)
    manager.start_kernel(env=env, stderr=stderr, cwd=str(cwd or Path.cwd()))
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
            draws.append(run(client, code)[0].split())
    (python_1, numpy_1), (python_2, numpy_2) = draws
    assert python_1 != python_2 and numpy_1 != numpy_2


# What a notebook can see of how its kernel started, apart from the process ids.
STARTUP_FACTS = """
import json, os, signal, sys
import tensorflow, keras
print(json.dumps({
    "path": sys.path, "argv0": os.path.basename(sys.argv[0]), "cwd": os.getcwd(),
    "signals": {name: str(signal.getsignal(getattr(signal, name)))
                for name in ("SIGINT", "SIGTERM", "SIGPIPE", "SIGCHLD", "SIGHUP")},
    "env": sorted(set(os.environ) - {"SOCKET_ENV"}),
    "stdin_open": not sys.__stdin__.closed,
    "mpl_backend": os.environ.get("MPLBACKEND"),
}))
""".replace("SOCKET_ENV", SOCKET_ENV)


def test_a_warm_kernel_starts_like_a_cold_one(warm_env, tmp_path):
    # Beside the notebook: a module that shadows the standard library's json. A cold
    # kernel's launcher drops the notebook's folder from sys.path first; so must ours.
    (tmp_path / "json.py").write_text("raise SystemExit('the notebook folder shadowed json')\n")
    cold_env = {k: v for k, v in warm_env.items() if k != SOCKET_ENV}
    facts = {}
    for mode, env in (("warm", warm_env), ("cold", cold_env)):
        with kernel(env, cwd=tmp_path) as (_, client):
            assert run(client, "import sys\nprint('tensorflow' in sys.modules)")[0].strip() == (
                "True" if mode == "warm" else "False"
            )
            facts[mode] = json.loads(run(client, STARTUP_FACTS)[0])
    assert facts["warm"] == facts["cold"]


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


@pytest.mark.parametrize(("code", "status"), [("os._exit(3)", 3), ("os.kill(os.getpid(), 9)", -9)])
def test_a_kernel_that_ends_ends_its_launcher_the_same_way(warm_env, code, status):
    with kernel(warm_env) as (manager, client):
        client.execute(f"import os\n{code}")
        assert manager.provisioner.process.wait(timeout=10) == status


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
            _, client = later.enter_context(kernel(env))
            pid = int(run(client, "import os\nprint(os.getpid())")[0])
            server = _parent_of(pid)
            assert str(home) in _cmdline(server)
        assert gone_within(pid, 10), "a kernel outlived its fork server"
        assert gone_within(server, 10), "the fork server outlived its block"
        assert not home.exists()


def _parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def test_only_autograde_runs_with_warm_kernels(monkeypatch, tmp_path):
    calls = []

    @contextlib.contextmanager
    def fake_server(env):
        yield {**env, SOCKET_ENV: "fake"}

    def fake_run(command, **kwargs):
        calls.append((command[3], kwargs["env"].get(SOCKET_ENV)))
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(directory, "warm_kernels", fake_server)
    monkeypatch.setattr(directory.subprocess, "run", fake_run)
    course = directory.Course(tmp_path)
    course.nbgrader("generate_assignment", "unit01")
    course.nbgrader("autograde", "unit01")
    course.nbgrader("autograde", "unit01", warm=False)
    assert calls == [("generate_assignment", None), ("autograde", "fake"), ("autograde", None)]


@pytest.mark.slow
def test_nbgrader_autograde_gets_a_warm_kernel_for_every_notebook(tmp_path, repo):
    root = tmp_path / "course"
    root.mkdir()
    shutil.copy2(repo / "nbgrader_config.py", root / "nbgrader_config.py")
    probe = authoring.code("import sys\nprint('tensorflow' in sys.modules)")
    notebooks.write(authoring.notebook([probe]), root / "solutions" / "unit96" / "unit96.ipynb")
    course = Course(root)
    course.nbgrader("generate_assignment", "unit96", "--force")
    for student in ("ann", "bob"):
        course.submit(student, "unit96", notebooks.read(course.release_notebook("unit96")))
    done = course.nbgrader("autograde", "unit96", "--force")
    assert "starting a cold kernel" not in done.stdout + done.stderr
    for student in ("ann", "bob"):
        cell = course.autograded_notebook(student, "unit96").cells[0]
        assert [o.get("text") for o in cell.outputs] == ["True\n"], cell.outputs
