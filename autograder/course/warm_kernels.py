"""Warm kernels: Jupyter kernels forked from a process that has already imported TensorFlow.

Every notebook nbgrader autogrades gets a fresh kernel, and every unit's first cell
imports TensorFlow and Keras: 5–6 s of the same work per notebook, half of a short
notebook's run (unit01's blank release runs its cells in 12.6 s cold, 4.9 s warm). While
:func:`warm_kernels` is active, a *fork server* imports those modules once, and each
kernel nbgrader starts is a copy of it, forked on request (``autograder.course.warm_launcher``
is the kernel command that asks for one). The student's ``import tensorflow`` then finds
the module loaded; everything else about the kernel is a fresh ``ipykernel`` started with
nbgrader's own arguments.

What a forked kernel shares with its siblings, and why it is harmless or undone:

- Imported modules and their import-time state. TensorFlow's runtime (its eager context,
  thread pools, devices) starts at the first operation, which happens in the kernel, so
  thread and determinism settings a notebook makes still apply. Anything read from the
  environment at import time must match: the server compares the kernel's environment
  with its own and answers "start cold" when they differ (see :data:`VOLATILE`).
- The state of Python's and NumPy's global random generators, which a fresh process
  seeds from the OS: the child reseeds both from the OS, so unseeded code still draws
  differently in every kernel.
- The string-hash seed, which Python fixes when a process starts: every kernel of one
  server iterates a set of strings in the same order, where fresh processes would each
  pick their own (an order no program may rely on either way).

The server also keeps kernels from outliving their launcher (``jupyter_client`` kills the
launcher to stop a kernel, and the server then kills the kernel's whole process group)
and exits, killing its kernels, when the process that started it closes its stdin.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import importlib
import json
import os
import random
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Iterator
from pathlib import Path

# The kernel command finds the server at $SOCKET_ENV; without it, kernels start cold.
from autograder.course.warm_launcher import SOCKET_ENV

# Set to anything to start every kernel cold (for comparison, or to rule warm kernels out).
COLD_ENV = "MEDL_COLD_KERNELS"
# What the server imports before it forks: what every unit's first cell imports and
# what ipykernel needs to start (matplotlib comes with them: see serve).
MODULES = ("numpy", "tensorflow", "keras", "ipykernel.kernelapp")
# Environment variables a kernel's launcher may have and the server may not (or with
# another value): ones that none of MODULES reads at import time. jupyter_client's
# bookkeeping (JPY_PARENT_PID: see _run_kernel) and nbgrader's mark on the kernels it runs.
VOLATILE = ("JPY_PARENT_PID", "JPY_SESSION_NAME", "PYDEVD_DISABLE_FILE_VALIDATION",
            "NBGRADER_EXECUTION")  # fmt: skip
# What ipykernel sets $MPLBACKEND to when it is unset (IPKernelApp.init_gui_pylab).
_IPKERNEL_BACKEND = "module://matplotlib_inline.backend_inline"
# A request carries the launcher's argv, environment and working directory.
MAX_REQUEST = 1 << 20


# How the kernel command and the server start: like ipykernel_launcher, each first drops
# the working directory from sys.path (with `python -m` it would come first, and a
# student's json.py beside the notebook would replace the standard library's).
def _without_cwd(module: str) -> str:
    return f"import sys, runpy; del sys.path[0]; runpy.run_module({module!r}, run_name='__main__')"


_LAUNCH = _without_cwd("autograder.course.warm_launcher")
_SERVE = _without_cwd("autograder.course.warm_kernels")


@contextlib.contextmanager
def warm_kernels(env: dict[str, str]) -> Iterator[dict[str, str]]:
    """Run a fork server for as long as the block lasts; yield ``env`` set up to use it.

    Pass the yielded environment to the process that starts kernels (nbgrader). Its
    ``python3`` kernelspec then names the warm launcher; a kernel whose environment
    differs from ``env`` in anything but :data:`VOLATILE` starts cold, as do all kernels
    when ``$MEDL_COLD_KERNELS`` is set.
    """
    if env.get(COLD_ENV):
        yield env
        return
    home = Path(tempfile.mkdtemp(prefix="medl-warm-"))
    spec = home / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-c", _LAUNCH, "-f", "{connection_file}"],
        "display_name": "Python 3 (ipykernel, forked warm)",
        "language": "python",
        "metadata": {"debugger": False},
    }, indent=1))  # fmt: skip
    paths = [str(home), *filter(None, [env.get("JUPYTER_PATH")])]
    env = {**env, "JUPYTER_PATH": os.pathsep.join(paths), SOCKET_ENV: str(home / "fork.sock")}
    log = home / "server.log"
    with log.open("wb") as stderr:
        server = subprocess.Popen(
            [sys.executable, "-c", _SERVE, env[SOCKET_ENV]], cwd=home, env=env,
            stdin=subprocess.PIPE, stdout=stderr, stderr=stderr, start_new_session=True,
        )  # fmt: skip
    try:
        yield env
    finally:
        died = server.poll()
        if died is not None:
            # Kernels started cold meanwhile, which is slower, not wrong: say why.
            tail = log.read_text(errors="replace")[-2000:]
            print(f"medl: the warm-kernel server stopped early ({died}):\n{tail}", file=sys.stderr)
        # Closing its stdin tells the server to kill its kernels and exit. A server still
        # importing cannot hear it: it is terminated, and any kernel it had forked exits
        # within a second of it (see _run_kernel).
        assert server.stdin is not None
        server.stdin.close()
        try:
            server.wait(timeout=1)
        except subprocess.TimeoutExpired:
            server.terminate()
            try:
                server.wait(timeout=5)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        shutil.rmtree(home, ignore_errors=True)


def serve(path: str) -> None:
    """The fork server: import :data:`MODULES`, then fork a kernel per request on ``path``."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    # Listen before importing: launchers that connect meanwhile wait in the backlog.
    listener.bind(path)
    listener.listen(64)
    own_env = dict(os.environ)
    # Keras imports matplotlib, which reads its default backend from the environment at
    # import. A cold kernel has set it by then (ipykernel's inline backend, unless the
    # environment names one), so the server sets it the same way before importing.
    os.environ.setdefault("MPLBACKEND", _IPKERNEL_BACKEND)
    for name in MODULES:
        importlib.import_module(name)
    # Importing TensorFlow sets variables (TF2_BEHAVIOR, KMP_*...) in the process's
    # environment; a cold kernel has them after its import, so a forked one gets them too
    # (and the backend above).
    set_by_imports = {k: v for k, v in os.environ.items() if own_env.get(k) != v}
    # Children share these objects; frozen, no collection in a child touches (and so
    # copies) the pages that hold them.
    gc.freeze()
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ, "accept")
    selector.register(sys.stdin, selectors.EVENT_READ, "parent")
    # kernel pid -> the connection to its launcher (None once the launcher is gone)
    kernels: dict[int, socket.socket | None] = {}
    while True:
        for key, _ in selector.select(timeout=0.2):
            if key.data == "parent":
                for pid in kernels:
                    _kill_group(pid)
                return
            if key.data == "accept":
                connection, _ = listener.accept()
                # The child must hold no other launcher's connection (it could answer for
                # that launcher's kernel) and not the server's own sockets.
                others = [c for c in kernels.values() if c is not None]
                pid = _fork_kernel(
                    connection, own_env, set_by_imports,
                    close_in_child=[listener, selector, sys.stdin, *others],
                )  # fmt: skip
                if pid is None:
                    connection.close()
                else:
                    kernels[pid] = connection
                    selector.register(connection, selectors.EVENT_READ, pid)
            else:
                # A launcher only ever reads after its request: readable means it is gone,
                # and its kernel goes too.
                selector.unregister(key.fileobj)
                key.fileobj.close()
                kernels[key.data] = None
                _kill_group(key.data)
        _reap(kernels, selector)


def _fork_kernel(
    connection: socket.socket,
    own_env: dict[str, str],
    set_by_imports: dict[str, str],
    *,
    close_in_child: list,
) -> int | None:
    """Answer one launcher's request: fork its kernel (its pid) or tell it to start cold."""
    fds: list[int] = []
    try:
        connection.settimeout(10)
        data, fds, _, _ = socket.recv_fds(connection, MAX_REQUEST, 3)
        request = json.loads(data)
        argv, env, cwd = request["argv"], request["env"], request["cwd"]
    except (OSError, ValueError, KeyError, TypeError):
        for fd in fds:
            os.close(fd)
        return None  # not a launcher's request; closing the connection is the answer
    differing = sorted(
        key for key in set(env) | set(own_env)
        if key not in VOLATILE and env.get(key) != own_env.get(key)
    )  # fmt: skip
    reason = f"environment differs from the fork server's in {differing}" if differing else ""
    if len(fds) != 3:
        reason = "no standard streams passed"
    if reason:
        _send(connection, {"cold": reason})
        for fd in fds:
            os.close(fd)
        return None
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            for resource in close_in_child:
                resource.close()
            connection.close()
            code = _run_kernel(argv, {**env, **set_by_imports}, cwd, fds)
        except BaseException:
            # To the launcher's stderr once _run_kernel has taken its streams: nbgrader's log.
            traceback.print_exc()
        finally:
            os._exit(code)
    for fd in fds:
        os.close(fd)
    connection.settimeout(None)
    if not _send(connection, {"pid": pid}):
        _kill_group(pid)  # the launcher gave up waiting; nobody would stop this kernel
    return pid


def _run_kernel(argv: list[str], env: dict[str, str], cwd: str, fds: list[int]) -> int:
    """In the child: become the kernel a cold ``python -m ipykernel_launcher`` would be."""
    os.setsid()  # its own process group, as jupyter_client gives a kernel it launches
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    # The server set no signal handlers: the dispositions are a fresh interpreter's
    # (SIGPIPE ignored, SIGINT raising KeyboardInterrupt) and stay as they are.
    sys.stdin = sys.__stdin__ = open(0, closefd=False)  # noqa: SIM115 - fd 0 outlives this
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    # A fresh process seeds these from the OS; so must each copy of the server.
    random.seed()
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()
    import ipykernel_launcher
    from ipykernel import kernelapp

    sys.argv = [ipykernel_launcher.__file__, *argv]
    code = 0
    try:
        # ipykernel read $JPY_PARENT_PID when the server imported it, and a kernel exits
        # when its parent is no longer that process. This kernel's parent is the server:
        # it stops when the server goes, which kills its kernels anyway.
        kernelapp.IPKernelApp.launch_instance(argv=argv, parent_handle=os.getppid())
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    atexit._run_exitfuncs()
    with contextlib.suppress(Exception):
        sys.stdout.flush()
        sys.stderr.flush()
    return code


def _reap(kernels: dict[int, socket.socket | None], selector: selectors.BaseSelector) -> None:
    """Tell the launcher of every kernel that has exited how it ended."""
    while kernels:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        # Whatever the kernel started and left behind goes with it.
        _kill_group(pid)
        connection = kernels.pop(pid, None)
        if connection is None:
            continue
        selector.unregister(connection)
        code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        _send(connection, {"returncode": code})
        connection.close()


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _send(connection: socket.socket, message: dict) -> bool:
    """Send ``message``; False when the launcher is gone."""
    try:
        connection.sendall(json.dumps(message).encode())
    except OSError:
        return False
    return True


if __name__ == "__main__":
    serve(sys.argv[1])
