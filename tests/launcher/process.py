"""Child processes for tests and benchmarks: started from this checkout, ready when they answer, stopped for sure.

Each child leads a process group of its own, so whatever it started (`relais up`'s services, a provider's
workers) is killed with it, and anything still running when this interpreter exits is killed then.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO

import httpx

ROOT = Path(__file__).resolve().parents[2]
_RUNNING: set[Process] = set()


class NotReady(RuntimeError):
    """A child exited during start-up or never answered; the message ends with its last log lines."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def python_module(module: str, *args: str) -> list[str]:
    """`python -m module`, run from the checkout's root so `bench.…` and `tests.…` import as packages."""
    return [sys.executable, "-m", module, *args]


class Process:
    """One child on `env`; its output goes to `log` (a path, appended to; an open file) or to a temporary file
    removed once it has stopped."""

    def __init__(self, command: list[str], env: dict[str, str], *, ready_url: str | None = None,
                 log: str | Path | IO | None = None, name: str | None = None):
        self.name, self.ready_url = name or command[-1], ready_url
        self._log, self._log_kind = self._open_log(log)
        self.log_path: str | None = getattr(self._log, "name", None)
        try:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self._log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        except BaseException:
            self._close_log()
            raise
        _RUNNING.add(self)

    @staticmethod
    def _open_log(log) -> tuple[IO, str]:
        """The file, and what to do with it once the child has stopped: remove it, close it, or leave it."""
        if log is None:
            return tempfile.NamedTemporaryFile("ab", prefix="relais-", suffix=".log", delete=False), "remove"  # noqa: SIM115
        if isinstance(log, str | Path):
            return open(log, "ab"), "close"  # noqa: SIM115 - closed once the child has stopped
        return log, "leave"

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_ready(self, timeout: float = 60) -> Process:
        """Return once `ready_url` answers 200; raise NotReady if the child exits first or `timeout` passes."""
        if self.ready_url is None:
            raise ValueError(f"{self.name} has no readiness URL to wait for")
        deadline = time.monotonic() + timeout
        while True:
            if not self.alive:  # first: another process may have taken the port of one that died
                raise NotReady(f"{self.name} exited with {self.process.returncode}\n{self.log_tail()}")
            if self._answers(self.ready_url):
                return self
            if time.monotonic() > deadline:
                raise NotReady(f"{self.name} not ready after {timeout}s\n{self.log_tail()}")
            time.sleep(0.2)

    @staticmethod
    def _answers(url: str) -> bool:
        try:
            return httpx.get(url, timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def send(self, signum: int) -> None:
        """A signal to the child itself (SIGSTOP, SIGCONT, SIGKILL…), not to what it started."""
        if self.alive:
            self.process.send_signal(signum)

    def stop(self, timeout: float = 20, signum: int = signal.SIGTERM) -> int:
        """Ask the child to stop; past `timeout`, kill its whole group. Returns its exit code."""
        self.send(signum)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self._kill_group()
        finally:
            self._finished()
        return self.process.returncode

    def kill(self) -> None:
        """SIGKILL to the child and its group: no clean shutdown."""
        self._kill_group()
        self._finished()

    def _kill_group(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def _finished(self) -> None:
        # Whatever it started and left behind goes too (its group outlives it while any member runs).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        _RUNNING.discard(self)
        self._close_log()

    def _close_log(self) -> None:
        if self._log_kind != "leave" and not self._log.closed:
            self._log.close()
            if self._log_kind == "remove":
                os.unlink(self._log.name)

    def log_tail(self, lines: int = 40) -> str:
        if self.log_path is None or not os.path.exists(self.log_path):
            return ""
        with open(self.log_path, encoding="utf-8", errors="replace") as log:
            return "".join(log.readlines()[-lines:])


class ServiceProcess(Process):
    """`python -m relais_<service>` on `port`, ready when its /readyz answers 200."""

    def __init__(self, service: str, env: dict[str, str], port: int, *, log: str | Path | IO | None = None):
        self.service, self.port, self.url = service, port, f"http://127.0.0.1:{port}"
        super().__init__(python_module(f"relais_{service}"), env, ready_url=self.url + "/readyz", log=log,
                         name=service)

    def wait_ready(self, timeout: float = 60) -> ServiceProcess:
        super().wait_ready(timeout)
        return self


@atexit.register
def _kill_leftovers() -> None:
    """Children a caller never stopped (an interrupted run) do not outlive the tests or the benchmark."""
    for process in list(_RUNNING):
        process.kill()
