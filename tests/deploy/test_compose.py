"""Static checks of the container deployment: docker-compose.yml, the one service Dockerfile, the init script.

No Docker engine is needed: the files are parsed and checked against the workspace (uv.lock, the services'
manifests). The Dockerfile is read as Docker builds it for each service, with compose's build arguments.
"""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

import pytest
import yaml

from relais_cli.services import SERVICES as MANIFESTS
from tests.deploy.compose_env import built_instructions, compose_build_args, final_stage

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
POSTGRES_INIT = ROOT / "deploy" / "compose" / "postgres-init.sql"
DOCKERFILE = "Dockerfile"  # at the root: every service image, the service a build argument

SERVICES = {name: manifest.default_port for name, manifest in MANIFESTS.items()}
REQUIRED_ENV = ("RELAIS_ENV", "RELAIS_AMQP_URL", "RELAIS_DATABASE_URL", "RELAIS_SECRET_KEY")


@pytest.fixture(scope="module")
def compose() -> dict:
    assert COMPOSE_FILE.is_file(), f"{COMPOSE_FILE} is missing"
    # safe_load resolves the YAML anchors and `<<` merge keys the file uses.
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


def _service(compose: dict, name: str) -> dict:
    services = compose.get("services") or {}
    assert name in services, f"docker-compose.yml has no `{name}` service (has: {sorted(services)})"
    return services[name]


def _environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):  # the `- KEY=value` form
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def _exec_form(args: str) -> list[str]:
    """A CMD/ENTRYPOINT in JSON (exec) form or shell form, as a list of words."""
    if args.startswith("["):
        return yaml.safe_load(args)  # JSON is YAML
    return shlex.split(args)


def _healthcheck_text(service: dict) -> str:
    test = (service.get("healthcheck") or {}).get("test") or []
    return " ".join(test if isinstance(test, list) else [test])


def _lock_package_names() -> set[str]:
    with (ROOT / "uv.lock").open("rb") as lock:
        return {package["name"] for package in tomllib.load(lock).get("package", [])}


# ---- docker-compose.yml: the five services ----

@pytest.mark.parametrize(("name", "port"), SERVICES.items())
def test_service_is_built_from_the_one_dockerfile(compose: dict, name: str, port: int) -> None:
    build = _service(compose, name).get("build")
    assert isinstance(build, dict), f"{name}: `build` must be a mapping with context and dockerfile"
    context = ROOT / build.get("context", ".")
    assert context.resolve() == ROOT, f"{name}: the build context must be the repository root, got {build!r}"
    dockerfile = build.get("dockerfile")
    assert dockerfile, f"{name}: build.dockerfile is not set"
    assert (context / dockerfile).is_file(), f"{name}: build.dockerfile {dockerfile!r} does not exist"
    assert Path(dockerfile).as_posix() == DOCKERFILE, f"{name}: expected {DOCKERFILE}, got {dockerfile!r}"
    assert compose_build_args(_service(compose, name)) == {"SERVICE": name, "PORT": str(port)}, (
        f"{name}: build args must name the service and its manifest's port, got {build.get('args')!r}")


def test_no_service_keeps_a_dockerfile_of_its_own() -> None:
    copies = sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("services/*/Dockerfile"))
    assert not copies, f"every service image comes from {DOCKERFILE}; remove {copies}"


@pytest.mark.parametrize(("name", "port"), SERVICES.items())
def test_service_port_is_published_on_loopback_only(compose: dict, name: str, port: int) -> None:
    ports = [str(p) for p in _service(compose, name).get("ports") or []]
    assert f"127.0.0.1:{port}:{port}" in ports, f"{name}: expected port 127.0.0.1:{port}:{port}, got {ports}"
    exposed_widely = [p for p in ports if not p.startswith("127.0.0.1:")]
    assert not exposed_widely, f"{name}: ports published beyond 127.0.0.1: {exposed_widely}"


@pytest.mark.parametrize(("name", "port"), SERVICES.items())
def test_service_environment(compose: dict, name: str, port: int) -> None:
    env = _environment(_service(compose, name))
    missing = [key for key in REQUIRED_ENV if not env.get(key)]
    assert not missing, f"{name}: environment lacks {missing}"
    url = re.sub(r"\$\{[^}]*\}", "X", env["RELAIS_DATABASE_URL"])  # ${…:?message}: its message may hold a /
    database = url.partition("?")[0].rstrip("/").rpartition("/")[2]
    assert database == f"relais_{name}", (
        f"{name}: RELAIS_DATABASE_URL must name the service's own database relais_{name}, "
        f"got {env['RELAIS_DATABASE_URL']!r}")
    assert "@postgres:" in env["RELAIS_DATABASE_URL"], f"{name}: RELAIS_DATABASE_URL must reach the postgres service"
    assert "@rabbitmq:" in env["RELAIS_AMQP_URL"], f"{name}: RELAIS_AMQP_URL must reach the rabbitmq service"
    assert "guest:guest@" not in env["RELAIS_AMQP_URL"], f"{name}: RELAIS_AMQP_URL uses RabbitMQ's guest account"
    assert "RELAIS_SECRET_KEY" in env["RELAIS_SECRET_KEY"], (
        f"{name}: RELAIS_SECRET_KEY must come from the environment, not be written in the file")


@pytest.mark.parametrize(("name", "port"), SERVICES.items())
def test_service_waits_for_healthy_broker_and_database(compose: dict, name: str, port: int) -> None:
    depends_on = _service(compose, name).get("depends_on")
    assert isinstance(depends_on, dict), f"{name}: depends_on must be a mapping with conditions, got {depends_on!r}"
    for dependency in ("rabbitmq", "postgres"):
        condition = (depends_on.get(dependency) or {}).get("condition")
        assert condition == "service_healthy", (
            f"{name}: depends_on.{dependency}.condition must be service_healthy, got {condition!r}")


@pytest.mark.parametrize(("name", "port"), SERVICES.items())
def test_service_has_healthcheck_and_lifecycle(compose: dict, name: str, port: int) -> None:
    service = _service(compose, name)
    assert _healthcheck_text(service), f"{name}: no healthcheck"
    assert "/healthz" in _healthcheck_text(service), f"{name}: the healthcheck must probe /healthz"
    assert service.get("restart") == "unless-stopped", f"{name}: restart must be unless-stopped"
    assert service.get("stop_grace_period") == "30s", f"{name}: stop_grace_period must be 30s"


@pytest.mark.parametrize("name", ["rabbitmq", "postgres"])
def test_infrastructure_services_have_healthchecks(compose: dict, name: str) -> None:
    service = _service(compose, name)
    image = service.get("image", "")
    assert ":" in image and not image.endswith(":latest"), f"{name}: image must be pinned, got {image!r}"
    assert _healthcheck_text(service), f"{name}: no healthcheck"
    probe = {"rabbitmq": "rabbitmq-diagnostics -q ping", "postgres": "pg_isready"}[name]
    assert probe in _healthcheck_text(service), f"{name}: the healthcheck must run {probe}"


@pytest.mark.parametrize(("name", "port"), SERVICES.items())
def test_service_runs_as_its_own_broker_user_and_database_role(compose: dict, name: str, port: int) -> None:
    service = _service(compose, name)
    env = _environment(service)
    upper = name.upper()
    assert env["RELAIS_AMQP_URL"].startswith(f"amqp://${{RELAIS_NAMESPACE:-relais}}-{name}:${{RABBITMQ_{upper}_PASSWORD:")
    assert env["RELAIS_DATABASE_URL"].startswith(f"postgresql://relais_{name}_app:${{POSTGRES_{upper}_PASSWORD:")
    depends_on = service["depends_on"]
    for one_shot in ("broker-users", f"{name}-migrate"):
        assert depends_on[one_shot]["condition"] == "service_completed_successfully", f"{name}: {one_shot}"
    # The pre-start step (relais_shared.serve.main) runs as the database's owner and creates the role with the
    # password the service uses.
    migrate = _service(compose, f"{name}-migrate")
    assert migrate["command"] == ["python", "-m", f"relais_{name}", "migrate"]
    assert migrate["image"] == service["image"] and migrate["pull_policy"] == "never"
    migrate_env = _environment(migrate)
    assert migrate_env["RELAIS_DATABASE_URL"].startswith("postgresql://${POSTGRES_USER:-relais}:")
    password = env["RELAIS_DATABASE_URL"].split(":", 2)[2].split("@")[0]
    assert migrate_env["RELAIS_RUNTIME_ROLE_PASSWORD"] == password


def test_broker_users_are_made_from_the_grants_table(compose: dict) -> None:
    from relais_shared.broker_grants import GRANTS

    one_shot = _service(compose, "broker-users")
    assert one_shot["command"] == ["python", "-m", "relais_shared.broker_users", "load"]
    env = _environment(one_shot)
    assert env["RABBITMQ_MANAGEMENT_URL"] == "http://rabbitmq:15672"
    for name in GRANTS:  # the password it sets is the one the service logs in with
        url = _environment(_service(compose, name))["RELAIS_AMQP_URL"]
        assert env[f"RELAIS_BROKER_{name.upper()}_PASSWORD"] == url.split(f"-{name}:", 1)[1].rsplit("@", 1)[0]
    assert one_shot["depends_on"]["rabbitmq"]["condition"] == "service_healthy"


def test_broker_users_load_posts_the_definitions_to_the_management_api() -> None:
    import base64
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from relais_shared.broker_grants import GRANTS, permissions
    from relais_shared.broker_users import load

    received = {}

    class Management(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            received.update(path=self.path, auth=self.headers["Authorization"],
                            body=json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Management)
    threading.Thread(target=server.handle_request, daemon=True).start()
    try:
        load(f"http://127.0.0.1:{server.server_port}", "admin", "pw", "relais", "/", dict.fromkeys(GRANTS, "x"))
    finally:
        server.server_close()
    assert received["path"] == "/api/definitions"
    assert base64.b64decode(received["auth"].split()[1]) == b"admin:pw"
    users = {u["name"] for u in received["body"]["users"]}
    assert users == {f"relais-{s}" for s in GRANTS}
    stats = next(p for p in received["body"]["permissions"] if p["user"] == "relais-stats")
    assert {k: stats[k] for k in ("configure", "write", "read")} == permissions("relais", "stats")


def test_postgres_init_script_creates_every_service_database(compose: dict) -> None:
    volumes = [str(v) for v in _service(compose, "postgres").get("volumes") or []]
    mounted = [v for v in volumes if "/docker-entrypoint-initdb.d/" in v]
    assert any(v.startswith("./deploy/compose/postgres-init.sql:") for v in mounted), (
        f"postgres: deploy/compose/postgres-init.sql is not mounted into /docker-entrypoint-initdb.d ({volumes})")
    assert POSTGRES_INIT.is_file(), f"{POSTGRES_INIT} is missing"
    sql = re.sub(r"--[^\n]*", "", POSTGRES_INIT.read_text(encoding="utf-8"))
    created = set(re.findall(r'CREATE\s+DATABASE\s+"?(\w+)"?', sql, flags=re.IGNORECASE))
    missing = {f"relais_{name}" for name in SERVICES} - created
    assert not missing, f"{POSTGRES_INIT.name} does not create {sorted(missing)} (creates {sorted(created)})"


# ---- the service Dockerfile, as built for each service ----

def _built_for(compose: dict, name: str) -> list[tuple[str, str]]:
    path = ROOT / DOCKERFILE
    assert path.is_file(), f"{path} is missing"
    return built_instructions(path, compose_build_args(_service(compose, name)))


def _run_by_shell(command: list[str], env: dict[str, str]) -> list[str]:
    """The words a `sh -c "exec …"` command runs, with the image's ENV put in (a plain command is returned)."""
    if command[:2] != ["sh", "-c"]:
        return command
    words = shlex.split(re.sub(r"\$\{(\w+)\}", lambda m: env.get(m.group(1), ""), command[2]))
    return words[1:] if words[:1] == ["exec"] else words


@pytest.mark.parametrize(("name", "port"), SERVICES.items())
def test_dockerfile_runtime_stage(compose: dict, name: str, port: int) -> None:
    instructions = _built_for(compose, name)
    froms = [args for keyword, args in instructions if keyword == "FROM"]
    assert len(froms) >= 2, f"{name}: the Dockerfile must be multi-stage, has FROM {froms}"
    for image in froms:
        base = image.split()[0]
        if base.startswith("python:"):
            assert re.fullmatch(r"python:3\.11\.\d+-slim-bookworm(@sha256:[0-9a-f]{64})?", base), (
                f"{name}: base image must be a pinned python:3.11.x-slim-bookworm, got {base!r}")

    final = final_stage(instructions)
    users = [args for keyword, args in final if keyword == "USER"]
    assert users, f"{name}: the runtime stage sets no USER (it would run as root)"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0"), f"{name}: the runtime stage runs as {users[-1]!r}"

    exposed = {word.split("/")[0] for keyword, args in final if keyword == "EXPOSE" for word in args.split()}
    assert str(port) in exposed, f"{name}: the runtime stage must EXPOSE {port}, exposes {sorted(exposed)}"
    env_text = " ".join(args for keyword, args in final if keyword == "ENV")
    assert f"RELAIS_HTTP_PORT={port}" in env_text, f"{name}: the runtime stage must set RELAIS_HTTP_PORT={port}"
    assert "RELAIS_HTTP_HOST=0.0.0.0" in env_text, f"{name}: the runtime stage must set RELAIS_HTTP_HOST=0.0.0.0"

    cmds = [_exec_form(args) for keyword, args in final if keyword == "CMD"]
    assert cmds, f"{name}: the runtime stage has no CMD"
    env = dict(word.partition("=")[::2] for keyword, args in final if keyword == "ENV" for word in shlex.split(args))
    assert _run_by_shell(cmds[-1], env) == ["python", "-m", f"relais_{name}"], (
        f"{name}: CMD must be python -m relais_{name}, got {cmds[-1]}")
    assert any(keyword == "HEALTHCHECK" and "/healthz" in args for keyword, args in final), (
        f"{name}: the runtime stage has no HEALTHCHECK on /healthz")


@pytest.mark.parametrize("name", SERVICES)
def test_dockerfile_installs_its_own_package_from_the_lock(compose: dict, name: str) -> None:
    syncs = [args for keyword, args in _built_for(compose, name) if keyword == "RUN" and "uv sync" in args]
    assert syncs, f"{name}: the Dockerfile never runs `uv sync`"
    lock_packages = _lock_package_names()
    for sync in syncs:
        words = shlex.split(sync)
        assert "--frozen" in words, f"{name}: `uv sync` must use --frozen (install exactly uv.lock): {sync}"
        assert "--no-dev" in words, f"{name}: `uv sync` must use --no-dev: {sync}"
        assert "--package" in words, f"{name}: `uv sync` must install one package with --package: {sync}"
        package = words[words.index("--package") + 1]
        assert package == f"relais-{name}", f"{name}: `uv sync` installs {package!r}, expected relais-{name}"
        assert package in lock_packages, f"{name}: --package {package!r} is not a package in uv.lock"
