"""Sandbox policy for a student's kernel: which protections exist here, and how to launch.

The isolated grader runs each notebook in its own Jupyter kernel. Where bubblewrap works,
the kernel sees a read-only root, a fresh tmpfs holding only the submission's files, no
network (its own network namespace), its own PID namespace, no capabilities, and none of
the instructor's secrets: the hidden checks, the solutions, the course's gradebook and
output folders, the grader's home and the repository are covered by empty read-only
mounts; only what the kernel needs to run (the interpreter, its site-packages and
``course_lib``) is mounted back. Without bubblewrap, ``unshare -n`` still cuts the network
where it works, and resource limits always apply; :func:`plan_launch` reports exactly
which protections are active so that a grade report never overstates them.

A network namespace leaves the kernel unreachable over TCP loopback, so the kernel talks
to the grader over Unix sockets (Jupyter's ``ipc`` transport) in a folder bound into the
sandbox at the same path as outside.
"""

from __future__ import annotations

import functools
import glob
import json
import os
import resource
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from autograder.engine.mounts import SANDBOX_TMP, SANDBOX_WORKDIR, bwrap_base, bwrap_mounts

ISOLATIONS = ("auto", "bubblewrap", "unshare", "none")
DEVICES = ("cpu", "gpu", "auto")
# Environment variables worth passing to the kernel; everything else (tokens!) stays out.
_PASSED_ENV = ("LANG", "LC_ALL", "TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS", "TZ")

# Runs inside the sandbox, before the kernel: limits, own session, work dir, then exec.
_LAUNCHER = """
import ctypes, json, os, resource, shutil, sys
cfg = json.loads(sys.argv[1])
for name, value in cfg["rlimits"].items():
    resource.setrlimit(getattr(resource, name), (value, value))
try:
    os.setsid()
except OSError:
    pass
if cfg["die_with_parent"]:
    ctypes.CDLL(None, use_errno=True).prctl(1, 9)
if cfg["copy_from"]:
    shutil.copytree(cfg["copy_from"], cfg["workdir"], symlinks=True, dirs_exist_ok=True)
os.chdir(cfg["workdir"])
os.execv(cfg["argv"][0], cfg["argv"])
"""


class SandboxUnavailable(RuntimeError):
    """The requested isolation cannot be set up on this machine."""


@dataclass(frozen=True)
class Limits:
    """Resource limits for one graded notebook.

    Attributes:
        cell_timeout_s: wall-clock seconds one cell may run.
        notebook_timeout_s: wall-clock seconds for all cells together.
        memory_mb: address-space limit of the kernel (data-segment limit on a GPU, where
            CUDA reserves far more address space than it uses).
        output_bytes: output kept per notebook; the rest is dropped and noted.
        transfer_bytes: largest value one bridge request or response may carry.
        transfer_timeout_s: seconds one bridge request (a student call) may take.
        threads: if set, TensorFlow and OpenMP thread pools of the kernel use this many.
        disk_mb: size of the sandbox's writable tmpfs (its /tmp and work dir).
        open_files: open file descriptors the kernel may hold.
        startup_timeout_s: seconds the kernel may take to start.
    """

    cell_timeout_s: float = 300
    notebook_timeout_s: float = 1800
    memory_mb: int = 4096
    output_bytes: int = 1_000_000
    transfer_bytes: int = 256 * 2**20
    transfer_timeout_s: float = 120
    threads: int | None = None
    disk_mb: int = 1024
    open_files: int = 1024
    startup_timeout_s: float = 60

    def thread_env(self) -> dict[str, str]:
        """Environment variables that cap the kernel's thread pools (empty if unset)."""
        if self.threads is None:
            return {}
        value = str(int(self.threads))
        names = ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OMP_NUM_THREADS")
        return dict.fromkeys(names, value)

    def rlimits(self, *, gpu: bool) -> dict[str, int]:
        """setrlimit values, by ``resource`` constant name."""
        memory = "RLIMIT_DATA" if gpu else "RLIMIT_AS"
        return {
            memory: int(self.memory_mb) * 2**20,
            # CPU seconds add up over threads; this is a backstop, the wall clock rules.
            "RLIMIT_CPU": int(self.notebook_timeout_s * (os.cpu_count() or 1)) + 60,
            # Enough for any honest file; Python ignores SIGXFSZ, so writes get EFBIG.
            "RLIMIT_FSIZE": max(int(self.transfer_bytes), int(self.disk_mb) * 2**20) + 2**20,
            "RLIMIT_NOFILE": int(self.open_files),
        }


@dataclass(frozen=True)
class Layout:
    """The grader's folders for one notebook: all below ``root``, all deleted afterwards.

    ``staging`` holds a copy of the submission folder, ``requests`` the bridge requests
    (read-only to the kernel), ``responses`` its answers, ``ipc`` the kernel's sockets.
    """

    root: Path
    staging: Path
    requests: Path
    responses: Path
    ipc: Path

    @classmethod
    def create(cls, root: Path) -> Layout:
        root = Path(root).resolve()
        layout = cls(root, root / "staging", root / "requests", root / "responses", root / "ipc")
        for path in (layout.staging, layout.requests, layout.responses, layout.ipc):
            path.mkdir(parents=True)
        return layout

    @property
    def connection_file(self) -> Path:
        return self.ipc / "kernel.json"


@dataclass
class LaunchPlan:
    """How to start the kernel: the command, its environment, and what protects it."""

    argv: list[str]
    env: dict[str, str]
    workdir: str
    signal_offset: int  # bubblewrap reports a child killed by signal N as exit 128 + N
    protections: dict = field(default_factory=dict)


@functools.lru_cache(maxsize=1)
def detect_protections() -> dict[str, bool]:
    """Which protections work on this machine (probed once, by running them).

    Returns:
        ``{"bubblewrap": ..., "network_namespace": ..., "rlimits": ...}``.
    """
    bubblewrap = _works(bwrap_base(gpu=False) + ["--", "true"]) if shutil.which("bwrap") else False
    unshare = bool(shutil.which("unshare")) and _works(_unshare_prefix() + ["true"])
    return {
        "bubblewrap": bubblewrap,
        "network_namespace": bubblewrap or unshare,
        "rlimits": hasattr(resource, "RLIMIT_AS"),
    }


def _works(command: list[str]) -> bool:
    try:
        done = subprocess.run(command, capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def _unshare_prefix() -> list[str]:
    # Without root, a user namespace is what lets an ordinary user own a network namespace.
    return ["unshare", "-n"] if os.geteuid() == 0 else ["unshare", "-r", "-n"]


def gpu_present() -> bool:
    """Whether NVIDIA device files exist (what ``device="auto"`` goes by)."""
    return bool(glob.glob("/dev/nvidia[0-9]*"))


def plan_launch(
    layout: Layout,
    *,
    limits: Limits,
    device: str = "cpu",
    secrets: list[Path] | tuple[Path, ...] = (),
    isolation: str = "auto",
) -> LaunchPlan:
    """The command that starts a sandboxed ipykernel for ``layout``.

    Args:
        layout: the grader's folders; the submission must already be in ``staging``.
        limits: resource limits (see :class:`Limits`).
        device: ``"cpu"`` hides GPUs, ``"gpu"`` passes /dev/nvidia* through, ``"auto"``
            is ``"gpu"`` when one is present.
        secrets: paths to hide (see :func:`autograder.engine.mounts.secret_paths`).
        isolation: ``"auto"`` (the best available), ``"bubblewrap"``, ``"unshare"`` or
            ``"none"`` (rlimits only).

    Raises:
        SandboxUnavailable: if ``isolation`` names a protection this machine lacks.
        ValueError: for an unknown ``device`` or ``isolation``.
    """
    if device not in DEVICES or isolation not in ISOLATIONS:
        raise ValueError(
            f"device must be one of {DEVICES} and isolation one of {ISOLATIONS}; "
            f"got device={device!r}, isolation={isolation!r}"
        )
    gpu = device == "gpu" or (device == "auto" and gpu_present())
    available = detect_protections()
    if isolation == "auto":
        isolation = "bubblewrap" if available["bubblewrap"] else "unshare"
        if isolation == "unshare" and not available["network_namespace"]:
            isolation = "none"
    elif isolation == "bubblewrap" and not available["bubblewrap"]:
        raise SandboxUnavailable(f"bubblewrap does not work here; protections: {available}")
    elif isolation == "unshare" and not available["network_namespace"]:
        raise SandboxUnavailable(f"unshare -n does not work here; protections: {available}")
    secrets = sorted({Path(p).resolve() for p in secrets if Path(p).exists()})
    bubblewrap = isolation == "bubblewrap"
    workdir = SANDBOX_WORKDIR if bubblewrap else str(layout.staging)
    scratch = SANDBOX_TMP if bubblewrap else str(layout.root / "tmp")
    if not bubblewrap:
        os.makedirs(scratch, exist_ok=True)
    # -I: the submission's files must not shadow the kernel's own modules at start-up
    # (the bridge installer then puts the work dir on sys.path, as Jupyter would).
    kernel = [sys.executable, "-I", "-m", "ipykernel_launcher", "-f", str(layout.connection_file)]
    kernel += ["--HistoryManager.enabled=False", "--IPKernelApp.log_level=ERROR"]
    config = {
        "rlimits": limits.rlimits(gpu=gpu),
        # bubblewrap's --die-with-parent already covers this; without it, the launcher does.
        "die_with_parent": not bubblewrap,
        "copy_from": str(layout.staging) if bubblewrap else None,
        "workdir": workdir,
        "argv": kernel,
    }
    launcher = [sys.executable, "-I", "-c", _LAUNCHER, json.dumps(config)]
    if bubblewrap:
        # The bridge folders keep their host paths, so one connection file serves both sides.
        binds = [(layout.requests, False), (layout.responses, True), (layout.ipc, True),
                 (layout.staging, False)]  # fmt: skip
        argv = bwrap_base(gpu=gpu) + bwrap_mounts(secrets, binds=binds, disk_mb=limits.disk_mb)
        argv += ["--chdir", SANDBOX_TMP, "--", *launcher]
    elif isolation == "unshare":
        argv = _unshare_prefix() + launcher
    else:
        argv = launcher
    env = _kernel_env(workdir=workdir, scratch=scratch, limits=limits, gpu=gpu)
    protections = {
        "isolation": isolation,
        "network_isolated": isolation in ("bubblewrap", "unshare"),
        "pid_namespace": bubblewrap,
        "read_only_root": bubblewrap,
        "capabilities_dropped": bubblewrap,
        "hidden_paths": [str(p) for p in secrets] if bubblewrap else [],
        "secrets_visible": [] if bubblewrap else [str(p) for p in secrets],
        "private_tmp_mb": int(limits.disk_mb) if bubblewrap else 0,
        "rlimits": config["rlimits"],
        "minimal_environment": True,
        "device": "gpu" if gpu else "cpu",
    }
    offset = 128 if bubblewrap else 0
    return LaunchPlan(argv, env, workdir, offset, protections)


def _kernel_env(*, workdir: str, scratch: str, limits: Limits, gpu: bool) -> dict[str, str]:
    # Built from scratch: the grader's own environment may hold tokens and paths.
    env = {name: os.environ[name] for name in _PASSED_ENV if name in os.environ}
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    bin_dirs = [str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"]
    env.update(
        PATH=os.pathsep.join(bin_dirs),
        HOME=workdir,
        TMPDIR=scratch,
        IPYTHONDIR=f"{scratch}/ipython",
        MPLCONFIGDIR=f"{scratch}/matplotlib",
        **limits.thread_env(),
    )
    if not gpu:
        env["CUDA_VISIBLE_DEVICES"] = ""
    return env
