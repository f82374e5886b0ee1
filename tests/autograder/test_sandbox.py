"""Sandbox policy and the kernel it launches: each protection is probed from inside a kernel.

Every live probe has a control: the same probe run without the protection succeeds, so a
probe that could never succeed cannot pass for a working protection.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sys
import tempfile
from pathlib import Path

import pytest

import autograder
from autograder.contract.runner import CHECKS_ROOT
from autograder.engine import sandbox
from autograder.engine.kernel import KernelSession, KernelStartError
from autograder.engine.mounts import SANDBOX_WORKDIR, secret_paths
from autograder.engine.outputs import OutputBudget, describe_exit
from autograder.engine.sandbox import Layout, Limits, detect_protections, plan_launch

AVAILABLE = detect_protections()
REPO = Path(__file__).resolve().parents[2]

PROBE = """
import json, os, resource, socket
def attempt(action):
    try:
        return repr(action())[:200]
    except Exception as exc:
        return "FAILED " + type(exc).__name__
def connect():
    with socket.create_connection(("127.0.0.1", __PORT__), timeout=2):
        return "connected"
def write_root():
    with open("/usr/medl-probe", "w") as handle:
        return handle.write("x")
def write_secret_folder():
    with open(os.path.join(os.path.dirname(__SECRET__), "planted"), "w") as handle:
        return handle.write("x")
caps = [l.split()[1] for l in open("/proc/self/status") if l.startswith("CapEff")][0]
report = {
    "net": attempt(connect),
    "secret": attempt(lambda: open(__SECRET__).read()),
    "write_secret_folder": attempt(write_secret_folder),
    "pid": os.getpid(),
    "caps": caps,
    "cwd": os.getcwd(),
    "files": sorted(os.listdir(".")),
    "address_space": resource.getrlimit(resource.RLIMIT_AS)[0],
    "env": sorted(os.environ),
    "cuda": os.environ.get("CUDA_VISIBLE_DEVICES"),
    "threads": os.environ.get("OMP_NUM_THREADS"),
}
print("REPORT" + json.dumps(report))
"""


@pytest.fixture
def layout(tmp_path):
    layout = Layout.create(tmp_path / "grade")
    (layout.staging / "data.txt").write_text("the student's file")
    return layout


@pytest.fixture
def outside_secret():
    """A secret file outside /tmp (which the sandbox replaces anyway), e.g. a gradebook."""
    base = "/var/tmp" if os.access("/var/tmp", os.W_OK) else None
    if base is None:
        pytest.skip("no writable folder outside /tmp for a secret")
    folder = Path(tempfile.mkdtemp(prefix="medl-secret-", dir=base))
    (folder / "gradebook.db").write_text("TOP SECRET")
    yield folder
    shutil.rmtree(folder)


@pytest.fixture
def listener():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    yield server
    server.close()


def accepted(server: socket.socket) -> bool:
    """Whether anyone connected to the grader-side listener."""
    server.settimeout(0.2)
    try:
        server.accept()[0].close()
    except TimeoutError:
        return False
    return True


def probe(layout, *, isolation, secret, port, **limits) -> dict:
    plan = plan_launch(
        layout, limits=Limits(**limits), secrets=[secret.parent], isolation=isolation
    )
    code = PROBE.replace("__PORT__", str(port)).replace("__SECRET__", repr(str(secret)))
    if isolation == "bubblewrap":  # only where the root is read-only: never touch /usr here
        code = code.replace(
            '"pid": os.getpid()', '"write_root": attempt(write_root), "pid": os.getpid()'
        )
    with KernelSession.start(plan, layout, timeout=60) as session:
        run = session.execute(code, timeout=30, budget=OutputBudget(100_000))
    assert run.status == "ok", run.error
    text = "".join(o.get("text", "") for o in run.outputs)
    return {**json.loads(text.split("REPORT", 1)[1]), "protections": plan.protections}


# --- policy ------------------------------------------------------------------------------


def test_limits_thread_env_and_rlimits():
    assert Limits().thread_env() == {}
    assert Limits(threads=2).thread_env() == {
        "TF_NUM_INTRAOP_THREADS": "2", "TF_NUM_INTEROP_THREADS": "2", "OMP_NUM_THREADS": "2",
    }  # fmt: skip
    cpu, gpu = Limits(memory_mb=100).rlimits(gpu=False), Limits(memory_mb=100).rlimits(gpu=True)
    assert cpu["RLIMIT_AS"] == 100 * 2**20 and "RLIMIT_AS" not in gpu
    assert gpu["RLIMIT_DATA"] == 100 * 2**20
    assert {"RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_NOFILE"} <= set(cpu)


def test_detect_protections_reports_booleans():
    assert set(AVAILABLE) == {"bubblewrap", "network_namespace", "rlimits"}
    assert all(isinstance(v, bool) for v in AVAILABLE.values())


def test_secret_paths_cover_course_checks_and_extras(tmp_path):
    course = tmp_path / "course"
    source = course / "solutions" / "unit98" / "unit98.ipynb"
    source.parent.mkdir(parents=True)
    source.write_text("{}")
    (course / "nbgrader_config.py").write_text("")
    checks, results = tmp_path / "checks", tmp_path / "results"
    checks.mkdir(), results.mkdir()
    found = secret_paths(checks_root=checks, source=source, extra=(results, tmp_path / "nope"))
    for path in (checks, results, course, course / "solutions", source.parent):
        assert path.resolve() in found
    assert Path(autograder.__file__).resolve().parent in found
    assert Path.home().resolve() in found
    assert (tmp_path / "nope") not in found and Path("/") not in found


@pytest.mark.parametrize(
    "kwargs, match",
    [({"device": "tpu"}, "got device='tpu'"), ({"isolation": "docker"}, "isolation='docker'")],
    ids=["device", "isolation"],
)
def test_plan_refuses_unknown_options(layout, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plan_launch(layout, limits=Limits(), **kwargs)


def test_plan_environment_is_minimal(layout, monkeypatch):
    monkeypatch.setenv("MEDL_API_TOKEN", "s3cret")
    plan = plan_launch(layout, limits=Limits(threads=1), isolation="none")
    assert "MEDL_API_TOKEN" not in plan.env and plan.env["CUDA_VISIBLE_DEVICES"] == ""
    assert plan.env["OMP_NUM_THREADS"] == "1" and plan.env["HOME"] == plan.workdir


def test_gpu_device_passes_devices_and_limits_data_not_address_space(layout, monkeypatch):
    monkeypatch.setattr(sandbox, "gpu_present", lambda: True)
    plan = plan_launch(layout, limits=Limits(), device="auto", isolation="none")
    assert plan.protections["device"] == "gpu" and "CUDA_VISIBLE_DEVICES" not in plan.env
    assert "RLIMIT_DATA" in plan.protections["rlimits"]


def test_fallback_reports_what_stays_visible(layout, tmp_path):
    plan = plan_launch(layout, limits=Limits(), secrets=[tmp_path], isolation="none")
    assert plan.protections["isolation"] == "none"
    assert not plan.protections["network_isolated"] and not plan.protections["read_only_root"]
    assert plan.protections["secrets_visible"] == [str(tmp_path.resolve())]


@pytest.mark.skipif(not AVAILABLE["bubblewrap"], reason="bubblewrap is not available here")
def test_bubblewrap_command_line(layout, tmp_path):
    plan = plan_launch(layout, limits=Limits(), secrets=[tmp_path], isolation="bubblewrap")
    argv = " ".join(plan.argv)
    for flag in ("--ro-bind / /", "--unshare-net", "--unshare-pid", "--die-with-parent",
                 "--new-session", f"--tmpfs {tmp_path.resolve()}", "--tmpfs /tmp"):  # fmt: skip
        assert flag in argv
    assert plan.signal_offset == 128 and plan.protections["hidden_paths"]


@pytest.mark.parametrize(
    "code, offset, text",
    [
        (-9, 0, "kernel died with signal 9 (likely out of memory)"),
        (139, 128, "kernel died with signal 11 (segmentation fault)"),
        (-24, 0, "kernel died with signal 24 (CPU time limit exceeded)"),
        (3, 128, "kernel exited with code 3"),
        (0, 0, "kernel exited with code 0"),
    ],
    ids=["sigkill", "bwrap-segv", "sigxcpu", "exit-3", "exit-0"],
)
def test_describe_exit(code, offset, text):
    assert describe_exit(code, signal_offset=offset) == text


def test_output_budget_drops_and_counts():
    budget = OutputBudget(10)
    assert budget.take(6) and not budget.take(6) and not budget.take(1)
    assert budget.remaining == 0 and budget.dropped == 7


# --- live kernels ----------------------------------------------------------------------------


@pytest.mark.skipif(not AVAILABLE["bubblewrap"], reason="bubblewrap is not available here")
def test_bubblewrap_kernel_is_contained(layout, outside_secret, listener):
    port = listener.getsockname()[1]
    report = probe(layout, isolation="bubblewrap", secret=outside_secret / "gradebook.db",
                   port=port, memory_mb=2048, threads=1)  # fmt: skip
    assert report["net"].startswith("FAILED") and not accepted(listener)
    assert report["secret"] == "FAILED FileNotFoundError"
    assert report["write_root"] == "FAILED OSError"
    assert report["write_secret_folder"] == "FAILED OSError"
    assert not (outside_secret / "planted").exists()
    assert report["caps"] == "0000000000000000" and report["pid"] < 10
    assert report["cwd"] == SANDBOX_WORKDIR and report["files"] == ["data.txt"]
    assert report["address_space"] == 2048 * 2**20 and report["threads"] == "1"
    assert report["cuda"] == "" and "MEDL_API_TOKEN" not in report["env"]
    assert report["protections"]["isolation"] == "bubblewrap"


@pytest.mark.skipif(not AVAILABLE["network_namespace"], reason="no network namespace here")
def test_unshare_fallback_cuts_network_but_not_files(layout, outside_secret, listener):
    report = probe(layout, isolation="unshare", secret=outside_secret / "gradebook.db",
                   port=listener.getsockname()[1])  # fmt: skip
    assert report["net"].startswith("FAILED") and not accepted(listener)
    assert report["secret"] == "'TOP SECRET'"  # honest: the fallback does not hide files
    assert report["protections"]["secrets_visible"] == [str(outside_secret.resolve())]


def test_no_isolation_control_can_reach_everything(layout, outside_secret, listener):
    # The control for the probes above: without a sandbox, the same probe succeeds.
    report = probe(layout, isolation="none", secret=outside_secret / "gradebook.db",
                   port=listener.getsockname()[1], memory_mb=3000)  # fmt: skip
    assert report["net"] == "'connected'" and accepted(listener)
    assert report["secret"] == "'TOP SECRET'"
    assert report["write_secret_folder"] == "1" and (outside_secret / "planted").exists()
    assert report["address_space"] == 3000 * 2**20  # rlimits apply even here


@pytest.mark.skipif(not AVAILABLE["bubblewrap"], reason="bubblewrap is not available here")
def test_repository_secrets_are_hidden(layout):
    secrets = secret_paths(
        checks_root=CHECKS_ROOT, source=REPO / "solutions" / "unit01" / "x.ipynb"
    )
    plan = plan_launch(layout, limits=Limits(), secrets=secrets, isolation="bubblewrap")
    paths = [CHECKS_ROOT / "pytest.ini", REPO / ".git" / "HEAD", REPO / "nbgrader_config.py",
             REPO / "autograder" / "authoring" / "samples" / "__init__.py"]  # fmt: skip
    assert all(p.exists() for p in paths), "the control: they exist outside"
    code = (
        "import os\n"
        f"found = [p for p in {[str(p) for p in paths]!r} if os.path.exists(p)]\n"
        f"listing = os.listdir({str(REPO)!r})\n"
        "import course_lib.testing\n"  # what the kernel needs is mounted back
        "print(found, sorted(listing))"
    )
    with KernelSession.start(plan, layout, timeout=60) as session:
        run = session.execute(code, timeout=30, budget=OutputBudget(10_000))
    assert run.status == "ok", run.error
    found, listing = run.outputs[0]["text"].rsplit("] [", 1)
    assert found == "["  # nothing found
    assert "autograder" not in listing and "solutions" not in listing


def test_kernel_that_fails_to_start_says_why(layout):
    plan = plan_launch(layout, limits=Limits(), isolation="none")
    plan.argv = [sys.executable, "-c", "print('no kernel here'); raise SystemExit(3)"]
    with pytest.raises(KernelStartError, match=r"kernel exited with code 3.*\n.*no kernel here"):
        KernelSession.start(plan, layout, timeout=30)


def test_kernel_that_never_answers_times_out(layout):
    plan = plan_launch(layout, limits=Limits(), isolation="none")
    plan.argv = [sys.executable, "-c", "import time; time.sleep(60)"]
    with pytest.raises(KernelStartError, match="did not answer within 1 s"):
        KernelSession.start(plan, layout, timeout=1)
