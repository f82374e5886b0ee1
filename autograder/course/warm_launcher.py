"""The kernel command of a warm kernelspec: ask the fork server for a kernel, stand in for it.

``jupyter_client`` starts this in place of ``python -m ipykernel_launcher -f CONN`` and
treats it as the kernel process: it signals it to interrupt, and kills it to stop the
kernel. So the launcher hands the server its arguments, environment, working directory
and standard streams, passes on every signal it can catch to the forked kernel, and
exits as the kernel exits. When it is killed, the server sees the connection close and
kills the kernel (see ``autograder.course.warm_kernels``).

It imports only the standard library: it has to start in milliseconds. Whenever no
server answers, or the server says the kernel must start cold, it becomes the cold
kernel command itself, so a kernel always starts.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sys
import time

# Defined here, not in the server's module, so that this one imports nothing heavy.
SOCKET_ENV = "MEDL_WARM_KERNELS"
FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1,
             signal.SIGUSR2)  # fmt: skip
# The server binds its socket a few hundred milliseconds after it starts.
CONNECT_PATIENCE = 5.0


def main(argv: list[str]) -> None:
    path = os.environ.get(SOCKET_ENV)
    if path:
        connection = _connect(path)
        if connection is None:
            _say_cold(f"no fork server listens at {path}")
        else:
            _stand_in(connection, argv)  # returns only when the kernel must start cold
    os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *argv])


def _connect(path: str) -> socket.socket | None:
    if not os.path.isdir(os.path.dirname(path)):
        return None  # made before the server starts: no server will ever listen there
    deadline = time.monotonic() + CONNECT_PATIENCE
    while True:
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            connection.connect(path)
            return connection
        except FileNotFoundError:  # not bound yet: the server is starting
            connection.close()
            if time.monotonic() > deadline:
                return None
            time.sleep(0.05)
        except OSError:  # refused: the server is gone
            connection.close()
            return None


def _stand_in(connection: socket.socket, argv: list[str]) -> None:
    request = {"argv": argv, "env": dict(os.environ), "cwd": os.getcwd()}
    try:
        socket.send_fds(connection, [json.dumps(request).encode()], [0, 1, 2])
        reply = json.loads(connection.recv(1 << 16) or b"{}")
    except (OSError, ValueError):
        reply = {}
    if "pid" not in reply:
        connection.close()
        _say_cold(reply.get("cold", "no answer from the fork server"))
        return
    pid = reply["pid"]

    def forward(signum, _frame):
        # To the kernel's process group, as jupyter_client signals a kernel it launched.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signum)

    for signum in FORWARDED:
        signal.signal(signum, forward)
    try:
        ended = json.loads(connection.recv(1 << 16) or b"{}")
    except (OSError, ValueError):
        ended = {}
    code = ended.get("returncode")
    if not isinstance(code, int):
        # The server is gone; the kernel must not outlive this process.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
        os._exit(1)
    if code < 0:
        # Die the way the kernel died, so jupyter_client reports the same signal.
        with contextlib.suppress(OSError, ValueError):  # SIGKILL's cannot be set (nor needs to)
            signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    os._exit(code & 0xFF)


def _say_cold(reason: str) -> None:
    # The kernel process's own stderr: nbgrader's log, never a notebook cell.
    print(f"medl: starting a cold kernel: {reason}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
