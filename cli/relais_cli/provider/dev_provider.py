"""A real OpenID Connect provider (LemonLDAP::NG's portal from Debian's packages) for development and tests.

One Starman process group per provider, bound to 127.0.0.1 only: the master and its workers are started in
their own session, so stop() can end all of them by that group's id, and the master gets SIGTERM if the Python
process that started it dies first.
"""

from __future__ import annotations

import ctypes
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import httpx

from relais_cli.provider.accounts import DEMO_OPERATORS, write_users_database
from relais_cli.provider.config import CLIENT_ID, ProviderConfig, write_configuration

PORTAL_PSGI = Path(__file__).with_name("portal.psgi")
STARMAN = "/usr/bin/starman"
PERL_MODULES = ("Lemonldap::NG::Portal::Main", "DBD::SQLite", "Crypt::OpenSSL::Bignum")
STARTUP_FAILURE = "Error while loading"  # what Starman logs when a worker cannot load the portal
DEBIAN_PACKAGES = "liblemonldap-ng-portal-perl libdbd-sqlite3-perl libcrypt-openssl-bignum-perl starman"


def callback_uris(bases: list[str]) -> list[str]:
    """Where the provider may send a browser back with a code, for services at these base URLs."""
    return [base.rstrip("/") + "/auth/callback" for base in bases]


def signed_out_uris(bases: list[str]) -> list[str]:
    """Where the provider may send a browser after signing out (post_logout_redirect_uri)."""
    return [base.rstrip("/") + "/auth/signed-out" for base in bases]


class ProviderUnavailable(RuntimeError):
    """LemonLDAP::NG or Starman is not installed on this machine."""


class DevProvider:
    client_id = CLIENT_ID

    def __init__(self) -> None:
        self.host = "127.0.0.1"
        self.port = 0
        self.client_secret = ""
        self.workdir: Path | None = None
        self.owns_workdir = False  # a temporary directory of its own, removed by stop()
        self.process: subprocess.Popen | None = None

    @property
    def issuer(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def discovery_url(self) -> str:
        return self.issuer + "/.well-known/openid-configuration"

    @property
    def log_path(self) -> Path:
        assert self.workdir is not None
        return self.workdir / "portal.log"

    def start(self, *, host: str = "127.0.0.1", port: int | None = None, redirect_uris: list[str],
              post_logout_redirect_uris: list[str], access_token_ttl_seconds: int = 600,
              workdir: Path | str | None = None, workers: int = 2, operators=DEMO_OPERATORS) -> DevProvider:
        """Render the configuration into `workdir` and start the portal; call wait_ready() before using it."""
        if host != "127.0.0.1":
            raise ValueError("the development provider listens on 127.0.0.1 only")
        check_installed()
        self.host, self.port = host, port or free_port()
        self.owns_workdir = workdir is None
        self.workdir = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="relais-provider-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        # URL-safe characters only: LLNG reads a Basic header with `^Basic (\w+)`, which a "+" or "/" in the
        # base64 of client_id:secret would cut short; these never produce one.
        self.client_secret = secrets.token_urlsafe(32)
        write_users_database(self.workdir / "users.sqlite", operators)
        ini = write_configuration(self.workdir, ProviderConfig(
            self.issuer, self.client_secret, tuple(redirect_uris), tuple(post_logout_redirect_uris),
            access_token_ttl_seconds))
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "LLNG_DEFAULTCONFFILE": str(ini)}
        with open(self.log_path, "wb") as log:  # this start's log only
            self.process = subprocess.Popen(
                [STARMAN, "--listen", f"{self.host}:{self.port}", "--workers", str(workers), "--env", "deployment",
                 str(PORTAL_PSGI)],
                cwd=self.workdir, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                start_new_session=True, preexec_fn=_terminate_with_parent,
            )
        return self

    def wait_ready(self, timeout: float = 30) -> DevProvider:
        """Wait until the portal serves its discovery document; fail at once if it cannot start."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None or STARTUP_FAILURE in self.log_tail():
                raise RuntimeError(f"the provider failed to start\n{self.log_tail()}")
            try:
                status = httpx.get(self.discovery_url, timeout=2).status_code
            except httpx.HTTPError:
                status = None
            if status == 200:
                return self
            if status is not None and status >= 500:  # LLNG's "Initialization failed": a configuration error
                raise RuntimeError(f"the provider answered {status}\n{self.log_tail()}")
            time.sleep(0.1)
        raise RuntimeError(f"the provider did not answer within {timeout}s\n{self.log_tail()}")

    def stop(self, grace: float = 10) -> None:
        """End the Starman master and every worker: the whole process group this provider started."""
        process, self.process = self.process, None
        if process is not None:
            _signal_group(process.pid, signal.SIGTERM)
            try:
                process.wait(grace)
            except subprocess.TimeoutExpired:
                pass
            # Workers may outlive a master that was killed: the group goes, whatever is left of it.
            _signal_group(process.pid, signal.SIGKILL)
            if process.poll() is None:
                process.wait()
        if self.owns_workdir and self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.owns_workdir = False

    def log_tail(self, lines: int = 30) -> str:
        if self.workdir is None or not self.log_path.exists():
            return ""
        return "".join(self.log_path.read_text(errors="replace").splitlines(keepends=True)[-lines:])

    def __enter__(self) -> DevProvider:
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()


def check_installed() -> None:
    missing = [] if os.access(STARMAN, os.X_OK) else ["starman"]
    probe = subprocess.run(["perl", *(f"-M{m}" for m in PERL_MODULES), "-e", "1"], capture_output=True)
    if probe.returncode != 0:
        missing.append("Perl modules " + ", ".join(PERL_MODULES))
    if missing:
        raise ProviderUnavailable(
            f"the development OIDC provider needs {' and '.join(missing)}: run ./dev test or ./dev up, which install"
            f" them, or `apt-get install {DEBIAN_PACKAGES}`")


def free_port() -> int:
    """A port free now below Linux's ephemeral range, where outgoing connections cannot take it meanwhile."""
    for _ in range(100):
        port = 10_000 + secrets.randbelow(20_000)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port for the provider")


def _signal_group(pgid: int, signum: int) -> None:
    try:
        os.killpg(pgid, signum)
    except ProcessLookupError:
        pass


def _terminate_with_parent() -> None:
    # prctl(PR_SET_PDEATHSIG, SIGTERM): a provider never outlives the test run or `relais up` that started it.
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)
