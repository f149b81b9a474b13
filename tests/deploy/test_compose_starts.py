"""`docker compose up` starts with the README's steps: make-env.py writes the .env, and with it every container's
environment (computed as Compose would) is one its service accepts in production mode, builds its app from, and
starts with; the development provider serves the issuer the services are given.

No Docker engine here: the environments are computed from docker-compose.yml and the generated .env
(tests/deploy/compose_env.py); one service then runs as a process on this machine's PostgreSQL and RabbitMQ, with
compose's own credentials, and the provider's container start script runs with LemonLDAP::NG from Debian.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest

from relais_cli.services import SERVICES
from relais_shared.settings import ConfigError
from tests.deploy.compose_env import ROOT, Unset, container_env, load_compose, read_dotenv, required_variables
from tests.launcher import Process, python_module
from tests.support import free_port

MAKE_ENV = ROOT / "deploy" / "compose" / "make-env.py"
PROVIDER_ENTRY = ROOT / "deploy" / "compose" / "provider.py"
DEV_ISSUER = "http://sso.localhost:8009"


def make_env(directory: Path, extra: dict[str, str] | None = None, *args: str) -> subprocess.CompletedProcess:
    """make-env.py as the README runs it, with the interpreter alone (-I -S: no site-packages) to prove it needs
    nothing installed."""
    environ = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **(extra or {})}
    return subprocess.run([sys.executable, "-I", "-S", str(MAKE_ENV), "--output", str(directory / ".env"), *args],
                          env=environ, capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def dotenv(tmp_path_factory) -> dict[str, str]:
    directory = tmp_path_factory.mktemp("compose")
    done = make_env(directory)
    assert done.returncode == 0, done.stderr
    assert (directory / ".env").stat().st_mode & 0o777 == 0o600, "the .env holds secrets: its owner only"
    return read_dotenv(directory / ".env")


@pytest.fixture(scope="module")
def compose() -> dict:
    return load_compose()


def _settings_from(env: dict[str, str], service: str, monkeypatch):
    for key in [k for k in os.environ if k.startswith("RELAIS_")]:  # ./dev test's RELAIS_ENV=test among them
        monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return SERVICES[service].settings()


def test_make_env_gives_every_variable_compose_requires(dotenv) -> None:
    missing = required_variables() - set(dotenv)
    assert not missing, f"docker-compose.yml requires {sorted(missing)}, which make-env.py does not write"
    assert dotenv["COMPOSE_PROFILES"] == "dev-provider" and dotenv["RELAIS_OIDC_ISSUER"] == DEV_ISSUER
    passwords = [v for k, v in dotenv.items() if k.endswith("_PASSWORD")]
    assert len(set(passwords)) == len(passwords) == 14, "one fresh password per user and role"
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{24,}", p) for p in passwords), "passwords go into URLs: URL-safe"


def test_make_env_keeps_an_existing_file(tmp_path) -> None:
    assert make_env(tmp_path).returncode == 0
    first = (tmp_path / ".env").read_text()
    refused = make_env(tmp_path)
    assert refused.returncode != 0 and "exists" in refused.stderr
    assert (tmp_path / ".env").read_text() == first, "its keys open the database: never replaced silently"
    assert make_env(tmp_path, None, "--force").returncode == 0 and (tmp_path / ".env").read_text() != first


def test_make_env_takes_a_real_provider_from_the_environment(tmp_path) -> None:
    real = {"RELAIS_OIDC_ISSUER": "https://auth.agentconnect.gouv.fr/api/v2",
            "RELAIS_OIDC_CLIENT_SECRET": "registered-at-the-provider-0123456789",
            "RELAIS_OIDC_CLAIMS": '{"roles": "relais_roles"}'}
    refused = make_env(tmp_path, {"RELAIS_OIDC_ISSUER": real["RELAIS_OIDC_ISSUER"]})
    assert refused.returncode != 0 and "RELAIS_OIDC_CLIENT_SECRET" in refused.stderr
    assert make_env(tmp_path, real).returncode == 0
    values = read_dotenv(tmp_path / ".env")
    assert {k: values[k] for k in real} == real
    assert "COMPOSE_PROFILES" not in values, "a real provider: the development one stays off"


def test_compose_interpolates_for_every_container(compose, dotenv) -> None:
    for name in compose["services"]:
        try:
            container_env(compose, name, dotenv)
        except Unset as exc:
            pytest.fail(f"{name}: compose would stop: {exc}")
    with pytest.raises(Unset, match="make-env"):  # without the .env, compose says what to run
        container_env(compose, "intake", {})


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_accepts_its_compose_environment_in_production(compose, dotenv, service, monkeypatch) -> None:
    env = container_env(compose, service, dotenv)
    try:
        settings = _settings_from(env, service, monkeypatch)
    except ConfigError as exc:
        pytest.fail(f"{service} refuses compose's environment: {exc}")
    assert settings.env == "production" and settings.http_host == "0.0.0.0"  # noqa: S104 - inside its container
    assert settings.oidc_issuer == DEV_ISSUER and settings.oidc_client_secret is not None
    assert settings.keyring() is not None
    app = SERVICES[service].create_app(settings)
    assert app.state.runtime.settings is settings


def test_the_provider_serves_what_the_services_are_given(compose, dotenv) -> None:
    provider = compose["services"]["provider"]
    env = container_env(compose, "provider", dotenv)
    services_env = container_env(compose, "intake", dotenv)
    for name in ("RELAIS_OIDC_ISSUER", "RELAIS_OIDC_CLIENT_SECRET"):
        assert env[name] == services_env[name], f"{name} differs between the provider and the services"
    issuer = urlsplit(env["RELAIS_OIDC_ISSUER"])
    # One address for the browser (*.localhost is the loopback, where the port is published) and the containers.
    assert issuer.hostname.endswith(".localhost") and issuer.hostname in provider["networks"]["default"]["aliases"]
    assert f"127.0.0.1:{issuer.port}:{issuer.port}" in provider["ports"]
    assert set(provider["profiles"]) <= set(dotenv["COMPOSE_PROFILES"].split(","))
    for name in SERVICES:  # a real provider replaces it: nothing may need the development one to start
        assert "provider" not in (compose["services"][name].get("depends_on") or {})
    dockerfile = (ROOT / provider["build"]["dockerfile"]).read_text(encoding="utf-8")
    packages = re.search(r"PROVIDER_PACKAGES=\(([^)]*)\)", (ROOT / "dev").read_text(encoding="utf-8")).group(1)
    assert all(package in dockerfile for package in packages.split()), "the image installs what ./dev installs"
    final_stage = dockerfile.rsplit("\nFROM ", 1)[1]
    assert re.search(r"^USER 10001", final_stage, re.M) and "COPY deploy/compose/provider.py" in final_stage
    # The root .dockerignore leaves deploy/ out of the context; the Dockerfile's own ignore file lets the script in.
    ignored = (ROOT / "deploy/compose/provider.Dockerfile.dockerignore").read_text(encoding="utf-8").split()
    assert ignored.index("!deploy/compose/provider.py") > ignored.index("deploy") and "**/.env" in ignored


# ---- one step further: processes ----

class LoopbackTransport(httpx.HTTPTransport):
    """Sends every request to 127.0.0.1, keeping its URL and Host header: *.localhost as a browser resolves it."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        named = request.url
        request.url = named.copy_with(host="127.0.0.1")
        try:
            return super().handle_request(request)
        finally:
            request.url = named


def test_the_provider_container_entry_signs_in_a_demo_operator(compose, dotenv, tmp_path) -> None:
    """deploy/compose/provider.py, as the image runs it, on a free port: the issuer compose names, the services'
    client secret, and the compose services' callbacks registered (a demo operator signs in, the code exchanges)."""
    from relais_cli.provider import ProviderUnavailable
    from relais_cli.provider.dev_provider import check_installed

    try:
        check_installed()
    except ProviderUnavailable as exc:
        pytest.skip(str(exc))
    port = free_port()
    issuer = f"http://sso.localhost:{port}"
    env = {**container_env(compose, "provider", dotenv), "RELAIS_OIDC_ISSUER": issuer,
           "RELAIS_PROVIDER_LISTEN": f"127.0.0.1:{port}", "RELAIS_PROVIDER_WORKDIR": str(tmp_path),
           "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    process = Process([sys.executable, str(PROVIDER_ENTRY)], env, log=tmp_path / "entry.log", name="provider")
    try:
        with httpx.Client(transport=LoopbackTransport(), timeout=5) as client:
            discovery = _wait_for_discovery(client, issuer, process, tmp_path / "entry.log")
            assert discovery["issuer"] == issuer
            code = _sign_in(client, discovery, "http://localhost:8003/auth/callback")
        with httpx.Client(transport=LoopbackTransport(), timeout=5) as service:  # no browser cookie
            tokens = service.post(discovery["token_endpoint"], data={
                "grant_type": "authorization_code", "code": code["code"], "code_verifier": code["verifier"],
                "redirect_uri": "http://localhost:8003/auth/callback", "client_id": "relais-consoles",
                "client_secret": dotenv["RELAIS_OIDC_CLIENT_SECRET"]})
        assert tokens.status_code == 200, tokens.text
        assert {"id_token", "access_token", "refresh_token"} <= set(tokens.json())
    finally:
        process.stop()


def _wait_for_discovery(client: httpx.Client, issuer: str, process: Process, log: Path) -> dict:
    for _ in range(300):
        assert process.alive, f"the provider exited:\n{log.read_text(errors='replace')[-2000:]}"
        try:
            answer = client.get(issuer + "/.well-known/openid-configuration")
            if answer.status_code == 200:
                return answer.json()
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"the provider never answered:\n{log.read_text(errors='replace')[-2000:]}")


def _sign_in(client: httpx.Client, discovery: dict, callback: str) -> dict[str, str]:
    """The browser's part: authorize, the provider's login form with a demo account, back to the callback."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    page = client.get(discovery["authorization_endpoint"], params={
        "response_type": "code", "client_id": "relais-consoles", "redirect_uri": callback, "state": "s",
        "scope": "openid profile relais", "nonce": "n", "code_challenge": challenge, "code_challenge_method": "S256"})
    assert page.status_code == 200 and 'name="password"' in page.text, "no login form: redirect URI refused?"
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page.text))
    action = re.search(r'<form[^>]*action="([^"#]+)"', page.text)
    target = str(page.url.join(action.group(1))) if action else str(page.url)
    answer = client.post(target, data={**fields, "user": "corg.gn91", "password": "relais-demo"})
    location = answer.headers.get("location", "")
    assert answer.status_code in (302, 303) and location.startswith(callback + "?"), (answer.status_code, location)
    query = dict(part.split("=", 1) for part in urlsplit(location).query.split("&"))
    return {"code": query["code"], "verifier": verifier}


@pytest.mark.integration
async def test_a_service_starts_with_its_compose_environment(compose, dotenv, servers, isolated, tmp_path) -> None:
    """intake as a process with compose's environment, production mode, on this machine's servers: its own broker
    user (compose's password, made as broker-users makes it), its runtime role (made by the migration, as
    intake-migrate makes it); ready (database and broker) on /readyz."""
    from relais_shared.broker_grants import definitions, user_name
    from relais_shared.broker_users import delete_with_rabbitmqctl, import_with_rabbitmqctl
    from relais_shared.db_roles import runtime_role

    if not servers.local or shutil.which("rabbitmqctl") is None:
        pytest.skip("creating the service's broker user needs this machine's RabbitMQ and rabbitmqctl")
    service, namespace = "intake", isolated.namespace
    variables = {**dotenv, "RELAIS_NAMESPACE": namespace}  # the shell's value wins over .env, as in compose
    env = container_env(compose, service, variables)
    migrate_env = container_env(compose, f"{service}-migrate", variables)
    database = f"relais_{namespace}_{service}"
    isolated.databases.add(database)
    local_db, local_mq = urlsplit(servers.database_url), urlsplit(servers.amqp_url)
    broker_password = dotenv[f"RABBITMQ_{service.upper()}_PASSWORD"]
    await asyncio.to_thread(import_with_rabbitmqctl, definitions(namespace, "/", {service: broker_password}))
    process = None
    try:
        migrated = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", f"relais_{service}", "migrate"],
                                           cwd=ROOT, capture_output=True, text=True,
                                           timeout=120, env={**_host_env(), **migrate_env,
                                                             "RELAIS_DATABASE_URL": servers.database_url + database})
        assert migrated.returncode == 0, migrated.stderr[-2000:]
        runtime, amqp = urlsplit(env["RELAIS_DATABASE_URL"]), urlsplit(env["RELAIS_AMQP_URL"])
        assert amqp.username == user_name(namespace, service) and amqp.password == broker_password
        port = free_port()
        overrides = {  # compose's credentials, this machine's servers (and this test's database)
            "RELAIS_DATABASE_URL": urlunsplit(runtime._replace(
                netloc=f"{runtime_role(database)}:{runtime.password}@{local_db.hostname}:{local_db.port or 5432}",
                path=f"/{database}")),
            "RELAIS_AMQP_URL": urlunsplit(amqp._replace(
                netloc=f"{amqp.username}:{amqp.password}@{local_mq.hostname}:{local_mq.port or 5672}")),
            "RELAIS_HTTP_HOST": "127.0.0.1", "RELAIS_HTTP_PORT": str(port),
        }
        isolated.spawned = True
        log = tmp_path / f"{service}.log"
        process = _spawn(service, {**_host_env(), **env, **overrides}, log)
        await _wait_ready(f"http://127.0.0.1:{port}", process, log)
    finally:
        if process is not None:
            process.stop()
        await _drop(servers.database_url, database)
        await asyncio.to_thread(delete_with_rabbitmqctl, [user_name(namespace, service)])


def _spawn(service: str, env: dict[str, str], log: Path) -> Process:
    return Process(python_module(f"relais_{service}"), env, log=log, name=service)


def _host_env() -> dict[str, str]:
    """What any process needs from this machine, and nothing of ./dev test's settings."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}


async def _wait_ready(url: str, process: Process, log: Path) -> None:
    async with httpx.AsyncClient(timeout=2) as client:
        for _ in range(600):
            assert process.alive, f"the service exited:\n{log.read_text(errors='replace')[-3000:]}"
            try:
                if (await client.get(url + "/healthz")).status_code == 200 and \
                        (await client.get(url + "/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise AssertionError(f"not ready:\n{log.read_text(errors='replace')[-3000:]}")


async def _drop(server_url: str, database: str) -> None:
    """The database, then its runtime role (roles are the server's, not the database's)."""
    from relais_shared.db_roles import runtime_role

    admin = await asyncpg.connect(server_url + "postgres")
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await admin.execute(f'DROP ROLE IF EXISTS "{runtime_role(database)}"')
    finally:
        await admin.close()
