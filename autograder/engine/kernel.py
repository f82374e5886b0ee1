"""One sandboxed Jupyter kernel: start it, run code with time and output limits, stop it.

The grader owns the kernel process (started from a :class:`~autograder.engine.sandbox.LaunchPlan`),
so it always knows whether the kernel is alive and, when it died, by which signal. Code
runs through Jupyter's messaging over Unix sockets; every wait has a deadline, and the
process is polled between messages, so neither a hung nor a dead kernel can stall grading.
"""

from __future__ import annotations

import collections
import contextlib
import os
import secrets
import signal
import subprocess
import threading
import time
from pathlib import Path

import zmq
from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.connect import write_connection_file

from autograder.engine import phases
from autograder.engine.outputs import Execution, OutputBudget, asks_exit, describe_exit, record
from autograder.engine.sandbox import LaunchPlan, Layout

_POLL_MS = 100
_SEND_TIMEOUT_MS = 2000


class KernelStartError(RuntimeError):
    """The kernel did not come up; the message carries the kernel's own last words."""


class KernelSession:
    """A running kernel and a client connected to it. Use :meth:`start`, then ``with``."""

    def __init__(self, process: subprocess.Popen, plan: LaunchPlan, client: BlockingKernelClient):
        self.process = process
        self.plan = plan
        self._client = client
        # Set when the kernel can no longer be trusted to answer (a call hung, it died):
        # the reason every later cell and check gets.
        self.broken = ""
        self._tail: collections.deque[bytes] = collections.deque(maxlen=64)
        self._reader = threading.Thread(target=self._drain_stdout, daemon=True)
        self._reader.start()

    @classmethod
    def start(cls, plan: LaunchPlan, layout: Layout, *, timeout: float) -> KernelSession:
        """Launch the kernel of ``plan`` and wait until it answers.

        Raises:
            KernelStartError: if it exits or stays silent for ``timeout`` seconds.
        """
        prefix = layout.ipc / "k"
        ports = dict(
            zip(("shell_port", "iopub_port", "stdin_port", "hb_port", "control_port"), range(1, 6))
        )
        _, info = write_connection_file(
            str(layout.connection_file), ip=str(prefix), transport="ipc",
            key=secrets.token_hex(32).encode(), **ports,
        )  # fmt: skip
        process = subprocess.Popen(
            plan.argv, env=plan.env, cwd=layout.root, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        sockets = [Path(f"{prefix}-{port}") for port in ports.values()]
        while not all(path.exists() for path in sockets):
            if process.poll() is not None or time.monotonic() > deadline:
                code = process.poll()
                cls._abandon(process)
                raise KernelStartError(cls._start_failure(process, code, plan, timeout))
            time.sleep(0.05)
        context = zmq.Context()
        # Connect once and never reconnect: a student who replaces a socket file with a
        # link must not be able to point the grader at some other socket on this machine.
        context.setsockopt(zmq.RECONNECT_IVL, -1)
        context.setsockopt(zmq.LINGER, 0)
        # With no reconnection, a send to a dead kernel would block forever; time it out.
        context.setsockopt(zmq.SNDTIMEO, _SEND_TIMEOUT_MS)
        client = BlockingKernelClient(context=context)
        client.load_connection_info(info)
        client.start_channels(shell=True, iopub=True, stdin=False, hb=False, control=True)
        session = cls(process, plan, client)
        if not session._wait_ready(deadline):
            code = process.poll()
            session.shutdown()
            raise KernelStartError(cls._start_failure(process, code, plan, timeout, session.tail()))
        return session

    @staticmethod
    def _abandon(process: subprocess.Popen) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    @staticmethod
    def _start_failure(process, code, plan: LaunchPlan, timeout: float, tail: str = "") -> str:
        if not tail and process.stdout is not None:
            tail = process.stdout.read(8192).decode(errors="replace")
        if code is None:
            how = f"did not answer within {timeout:g} s"
        else:
            how = describe_exit(code, signal_offset=plan.signal_offset)
        return f"the kernel did not start ({how}); its output:\n{tail[-4000:]}"

    def _drain_stdout(self) -> None:
        # The kernel's own stdout/stderr (not the cells'): keep the tail for diagnosis only.
        assert self.process.stdout is not None
        for chunk in iter(lambda: self.process.stdout.read1(4096), b""):
            self._tail.append(chunk)

    def tail(self) -> str:
        """The last few KiB the kernel process wrote outside Jupyter's channels."""
        return b"".join(self._tail).decode(errors="replace")[-4000:]

    def _wait_ready(self, deadline: float) -> bool:
        # A reply on shell proves shell works; a status message proves iopub is subscribed.
        while time.monotonic() < deadline and self.alive:
            msg_id = self._client.kernel_info()
            got_reply = got_iopub = False
            until = min(deadline, time.monotonic() + 1.0)
            while time.monotonic() < until and not (got_reply and got_iopub):
                for channel, msg in self._receive(("shell", "iopub")):
                    if msg["parent_header"].get("msg_id") == msg_id:
                        got_reply |= channel == "shell"
                        got_iopub |= channel == "iopub"
            if got_reply and got_iopub:
                return True
        return False

    def _settle(self, seconds: float = 1.0) -> bool:
        """Whether the kernel is still alive after giving it ``seconds`` to finish dying."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=seconds)
        return self.alive

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def death(self) -> str:
        """How the kernel ended (only meaningful once it is no longer alive)."""
        code = self.process.poll()
        if code is None:
            return "kernel is still running"
        return describe_exit(code, signal_offset=self.plan.signal_offset)

    def _receive(self, names: tuple[str, ...]):
        channels = {name: getattr(self._client, f"{name}_channel") for name in names}
        poller = zmq.Poller()
        for channel in channels.values():
            poller.register(channel.socket, zmq.POLLIN)
        ready = dict(poller.poll(_POLL_MS))
        for name, channel in channels.items():
            if channel.socket not in ready:
                continue
            try:
                msg = channel.get_msg(timeout=0)
            except (ValueError, KeyError, TypeError, zmq.ZMQError):
                continue  # unreadable; the student's process can send anything
            if isinstance(msg.get("content"), dict) and isinstance(msg.get("parent_header"), dict):
                yield name, msg

    def execute(
        self, code: str, *, timeout: float, silent: bool = False, budget: OutputBudget | None = None
    ) -> Execution:
        """Run ``code`` and collect its outputs until the kernel is idle again.

        Args:
            code: Python source for the kernel.
            timeout: seconds before giving up (the kernel is left running; see
                :meth:`interrupt` and :meth:`shutdown`).
            silent: run without history or display (the bridge's requests).
            budget: output bytes the notebook may still keep; ``None`` keeps nothing.
        """
        result = Execution(status="ok")
        try:
            msg_id = self._client.execute(
                code, silent=silent, store_history=not silent, allow_stdin=False,
                stop_on_error=False,
            )  # fmt: skip
        except zmq.ZMQError:
            # The kernel stopped reading; it is dead or wedged: either way, done with it.
            result.status = "died" if not self._settle() else "timeout"
            return result
        deadline = time.monotonic() + timeout
        replied = idle = False
        grace = None
        while not (replied and idle):
            if not self.alive:
                result.status = "died"
                return result
            now = time.monotonic()
            if now > deadline or (grace is not None and now > grace):
                if not replied:
                    result.status = "timeout"
                return result
            for channel, msg in self._receive(("shell", "iopub")):
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue  # a late answer to an earlier, abandoned request
                if channel == "shell":
                    replied = True
                    # iopub's idle normally follows at once; do not wait long if it was lost.
                    grace = time.monotonic() + 2.0
                    content = msg["content"]
                    if content.get("status") == "error" and result.status == "ok":
                        result.status = "error"
                        result.error = f"{content.get('ename')}: {content.get('evalue')}"
                    if asks_exit(content):
                        # exit() stops the kernel a moment after this reply; wait for it, so
                        # that the cell it was called in is the one that gets the blame.
                        self._settle(5.0)
                        result.status = "died"
                        return result
                else:
                    idle |= record(msg, result, budget)
        return result

    def interrupt(self, *, grace: float = 5.0) -> bool:
        """Interrupt the running code; True if the kernel is idle again within ``grace`` s."""
        if not self.alive:
            return False
        request = self._client.session.msg("interrupt_request", {})
        try:
            self._client.control_channel.send(request)
        except zmq.ZMQError:
            return False
        # A tiny request queued behind the interrupted one tells us when the kernel is free.
        probe = self.execute("pass", timeout=grace, silent=True)
        return probe.status == "ok" and self.alive

    def shutdown(self) -> None:
        """Stop the kernel and release every resource.

        The kernel is killed at once: a graded kernel has nothing left to save (its outputs
        are already recorded), and a polite shutdown of a TensorFlow kernel takes ~2 s.
        """
        with phases.phase("shutdown"):
            self._abandon(self.process)
            with contextlib.suppress(Exception):
                self._client.stop_channels()
            self._client.context.destroy(linger=0)
            self._reader.join(timeout=2)
            if self.process.stdout is not None:
                self.process.stdout.close()

    def __enter__(self) -> KernelSession:
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
