"""Offline checks of the Kubernetes deployment: parsing, rendering, schemas, and what each object promises.

Rendering uses `kubectl kustomize` (kubectl on PATH); schemas come from the PyPI package kubernetes-validate.
Either missing skips only the tests that need it, with a message naming what to install.
"""

from __future__ import annotations

import base64
import json
import os
import re
from secrets import token_bytes, token_urlsafe

import pytest

from relais_cli.services import SERVICES as MANIFESTS
from relais_shared.signin.claims import ClaimsMapping
from tests.deploy.manifests import (
    KUBERNETES,
    OVERLAYS,
    ROOT,
    SERVICES,
    by_kind,
    documents,
    render,
    resource_files,
)

KUBERNETES_VERSION = "1.31.0"  # the oldest minor version the manifests target
APPS = {"app.kubernetes.io/part-of": "relais"}


@pytest.fixture(scope="module", params=OVERLAYS)
def rendered(request) -> tuple[str, list[dict]]:
    return request.param, render(KUBERNETES / "overlays" / request.param)


@pytest.fixture(scope="module")
def production() -> list[dict]:
    return render(KUBERNETES / "overlays" / "production")


@pytest.fixture(scope="module")
def base_objects() -> list[dict]:
    return [doc for path in resource_files() if KUBERNETES / "base" in path.parents for doc in documents(path)]


def _is_core(obj: dict) -> bool:
    """Objects of Kubernetes itself (no CRD): `v1` or a group that is not a dotted domain, or *.k8s.io."""
    group = obj["apiVersion"].rpartition("/")[0]
    return "." not in group or group.endswith(".k8s.io")


def test_every_manifest_parses_and_names_its_kind() -> None:
    files = resource_files()
    assert len(files) >= 10, f"expected the base, overlays and monitoring manifests, found {files}"
    for path in files:
        for doc in documents(path):
            where = path.relative_to(ROOT)
            assert isinstance(doc, dict), f"{where}: a document is not a mapping"
            if path.parent.name in OVERLAYS:  # patches name what they patch, not always a full object
                continue
            assert doc.get("apiVersion") and doc.get("kind"), f"{where}: a document lacks apiVersion or kind"
            assert doc.get("metadata", {}).get("name"), f"{where}: a {doc['kind']} has no name"


def test_overlays_render_to_the_whole_platform(rendered) -> None:
    overlay, objects = rendered
    deployments = by_kind(objects, "Deployment")
    assert set(deployments) == {f"relais-{s}" for s in SERVICES}, f"{overlay}: deployments {sorted(deployments)}"
    for kind in ("Service", "PodDisruptionBudget", "ScaledObject"):
        assert {f"relais-{s}" for s in SERVICES} <= set(by_kind(objects, kind)), f"{overlay}: a {kind} is missing"
    assert by_kind(objects, "RabbitmqCluster") and by_kind(objects, "Cluster"), f"{overlay}: broker or database"
    assert all(o["metadata"].get("namespace") == "relais" for o in objects if o["kind"] != "Namespace")


def test_monitoring_kustomization_renders() -> None:
    objects = render(ROOT / "deploy" / "monitoring")
    assert set(by_kind(objects, "PodMonitor")) == {"relais-services", "relais-rabbitmq", "relais-postgres"}
    config_maps = by_kind(objects, "ConfigMap")
    assert "relais.json" in config_maps["relais-grafana-dashboard"]["data"]
    assert config_maps["relais-grafana-dashboard"]["metadata"]["labels"]["grafana_dashboard"] == "1"


def test_core_objects_match_the_kubernetes_schemas(base_objects, rendered) -> None:
    kubernetes_validate = pytest.importorskip(
        "kubernetes_validate", reason="the PyPI package kubernetes-validate==1.37.0 (dev group) ships the schemas")
    overlay, objects = rendered
    checked = 0
    for obj in [*base_objects, *objects]:
        if not _is_core(obj):
            continue
        try:
            kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            pytest.fail(f"{overlay}: {obj['kind']} {obj['metadata']['name']} breaks the schema: {exc.message} "
                        f"at {'/'.join(map(str, exc.path))}")
        checked += 1
    assert checked >= 30, f"only {checked} core objects were validated"


@pytest.mark.parametrize("service", SERVICES)
def test_deployment_probes_resources_and_graceful_stop(base_objects, service: str) -> None:
    deployment = by_kind(base_objects, "Deployment")[f"relais-{service}"]
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["image"].startswith(f"ghcr.io/relais-platform/relais-{service}:")
    assert container["ports"][0]["containerPort"] == SERVICES[service]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
    for side in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(container["resources"][side]), f"{service}: resources.{side}"
    pre_stop = container["lifecycle"]["preStop"]["exec"]["command"]
    assert pre_stop[0] == "sleep", f"{service}: preStop must sleep so endpoints drain before SIGTERM"
    # preStop sleep + RELAIS_SHUTDOWN_GRACE_SECONDS (10 s) must fit in the grace period with room to spare.
    assert pod["terminationGracePeriodSeconds"] >= max(30, int(pre_stop[1]) + 10 + 10)


@pytest.mark.parametrize("service", SERVICES)
def test_pods_run_restricted(base_objects, service: str) -> None:
    pod = by_kind(base_objects, "Deployment")[f"relais-{service}"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] != 0
    assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
    context = container["securityContext"]
    assert context["readOnlyRootFilesystem"] is True
    assert context["allowPrivilegeEscalation"] is False
    assert context["capabilities"]["drop"] == ["ALL"]
    assert pod["automountServiceAccountToken"] is False


@pytest.mark.parametrize("service", SERVICES)
def test_secrets_come_from_kubernetes_secrets(base_objects, service: str) -> None:
    (container,) = by_kind(base_objects, "Deployment")[f"relais-{service}"]["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e for e in container["env"]}
    for name in ("RELAIS_SECRET_KEY", "RELAIS_DATA_KEYS", "AMQP_PASSWORD", "DB_PASSWORD", "RELAIS_OIDC_CLIENT_SECRET"):
        assert "secretKeyRef" in env[name].get("valueFrom", {}), f"{service}: {name} must come from a Secret"
    assert env["RELAIS_DATABASE_URL"]["value"].endswith(f"/relais_{service}"), f"{service}: its own database"
    assert "$(DB_PASSWORD)" in env["RELAIS_DATABASE_URL"]["value"]
    assert "$(AMQP_PASSWORD)" in env["RELAIS_AMQP_URL"]["value"]
    assert [source["configMapRef"]["name"] for source in container["envFrom"]] == ["relais-config"]
    secret = {name: env[name]["valueFrom"]["secretKeyRef"]["name"] for name in
              ("RELAIS_DATA_KEYS", "AMQP_PASSWORD", "DB_PASSWORD", "RELAIS_OIDC_CLIENT_SECRET")}
    assert secret == {"RELAIS_DATA_KEYS": f"relais-keys-{service}",  # its own purposes' keys only
                      "AMQP_PASSWORD": f"relais-broker-{service}-user-credentials",  # its own broker user
                      "DB_PASSWORD": f"relais-db-{service}-app",  # the runtime role, which owns nothing
                      "RELAIS_OIDC_CLIENT_SECRET": "relais-oidc"}  # the consoles' client at the provider


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_run_as_the_database_owner_before_the_service(base_objects, service: str) -> None:
    pod = by_kind(base_objects, "Deployment")[f"relais-{service}"]["spec"]["template"]["spec"]
    (init,) = pod["initContainers"]
    assert init["command"] == ["python", "-m", f"relais_{service}", "migrate"]  # its pre-start step (serve.main)
    assert init["image"] == pod["containers"][0]["image"]
    env = {e["name"]: e for e in init["env"]}
    assert env["DB_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"] == f"relais-db-{service}"
    assert env["RELAIS_DATABASE_URL"]["value"].endswith(f"/relais_{service}")
    assert init["securityContext"]["readOnlyRootFilesystem"] is True and init["resources"]["limits"]


@pytest.mark.parametrize("service", SERVICES)
def test_service_and_disruption_budget_select_the_pods(base_objects, service: str) -> None:
    name = f"relais-{service}"
    pod_labels = by_kind(base_objects, "Deployment")[name]["spec"]["template"]["metadata"]["labels"]
    svc = by_kind(base_objects, "Service")[name]
    assert svc["spec"]["selector"].items() <= pod_labels.items()
    assert svc["spec"]["ports"][0]["port"] == SERVICES[service]
    budget = by_kind(base_objects, "PodDisruptionBudget")[name]["spec"]
    assert budget["selector"]["matchLabels"].items() <= pod_labels.items()
    assert budget.get("maxUnavailable") == 1 or budget.get("minAvailable", 0) >= 1


def test_production_runs_several_replicas_and_commits_no_secret(production) -> None:
    for name, deployment in by_kind(production, "Deployment").items():
        assert deployment["spec"]["replicas"] >= 2, f"{name}: at least two replicas in production"
    for name, scaled in by_kind(production, "ScaledObject").items():
        assert scaled["spec"]["minReplicaCount"] >= 2, f"{name}: the autoscaler may go below two replicas"
    assert not by_kind(production, "Secret"), "the production overlay must not carry Secret values"
    config = next(iter(by_kind(production, "ConfigMap").values()))["data"]
    assert config["RELAIS_ENV"] == "production" and config["RELAIS_OIDC_ISSUER"].startswith("https://")
    assert "RELAIS_OIDC_JWKS_URL" not in config, "the provider's discovery document gives its keys"
    ClaimsMapping.model_validate_json(config["RELAIS_OIDC_CLAIMS"])  # a bad mapping would stop every service


def test_local_secrets_are_obviously_fake() -> None:
    objects = render(KUBERNETES / "overlays" / "local")
    secrets = by_kind(objects, "Secret")
    assert {"relais-secrets", *(f"relais-db-{s}" for s in SERVICES)} <= set(secrets)
    for name, secret in secrets.items():
        values = [base64.b64decode(v).decode() for k, v in secret["data"].items() if k != "username"]
        assert all("dev" in v or "local" in v for v in values), f"{name}: local values must look fake"


def _production_secrets() -> dict[str, dict[str, str]]:
    """The Secrets docs/operations.md has an operator create before the first production deploy, made up here."""
    from relais_shared.purposes import restrict

    master = {"2026-01": token_bytes(32)}
    made = {"relais-secrets": {"RELAIS_SECRET_KEY": token_urlsafe(48)},
            "relais-oidc": {"RELAIS_OIDC_CLIENT_SECRET": token_urlsafe(32)}}
    for name in SERVICES:
        keys = {kid: base64.b64encode(key).decode() for kid, key in restrict(master, name).items()}
        made[f"relais-keys-{name}"] = {"RELAIS_DATA_KEYS": json.dumps(keys), "RELAIS_ACTIVE_DATA_KEY": "2026-01"}
        made[f"relais-db-{name}-app"] = {"username": f"relais_{name}_app", "password": token_urlsafe(24)}
    return made


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("service", SERVICES)
def test_each_service_accepts_the_rendered_configuration(service: str, overlay: str, monkeypatch) -> None:
    """The environment a pod gets (ConfigMap, Secrets, env) is one its settings class starts with: the local
    overlay's fake Secrets in development mode, and in production mode the Secrets an operator creates."""
    objects = render(KUBERNETES / "overlays" / overlay)
    secrets = {name: {k: base64.b64decode(v).decode() for k, v in s["data"].items()}
               for name, s in by_kind(objects, "Secret").items()}
    if overlay == "production":
        secrets.update(_production_secrets())
    for name in SERVICES:  # generated by the Messaging Topology Operator
        secrets[f"relais-broker-{name}-user-credentials"] = {"username": f"made-{name}", "password": "operator-made"}
    (container,) = by_kind(objects, "Deployment")[f"relais-{service}"]["spec"]["template"]["spec"]["containers"]
    env = dict(next(iter(by_kind(objects, "ConfigMap").values()))["data"])
    for item in container["env"]:
        ref = item.get("valueFrom", {}).get("secretKeyRef")
        value = secrets[ref["name"]][ref["key"]] if ref else item["value"]
        env[item["name"]] = re.sub(r"\$\((\w+)\)", lambda m: env[m.group(1)], value)  # Kubernetes' $(VAR)
    for key in [k for k in os.environ if k.startswith("RELAIS_")]:
        monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = MANIFESTS[service].settings()
    assert settings.env == ("production" if overlay == "production" else "development")
    assert settings.operator_url and settings.operator_url.startswith("https://")
    assert settings.service_database_url.endswith(f"@relais-postgres-rw:5432/relais_{service}")
    assert settings.port == SERVICES[service] and settings.http_host == "0.0.0.0"  # noqa: S104 - pods listen on their own IP
    assert settings.keyring() is not None and not settings.keyring().holds_master
    assert settings.amqp_url.startswith(f"amqp://made-{service}:")
