"""The platform around the services: broker and database clusters, autoscalers, network policies, ingresses.

Custom resources (RabbitMQ Cluster Operator, CloudNativePG, KEDA) have no schema in kubernetes-validate: their
required fields and the promises they carry are checked here, on the rendered production overlay.
"""

from __future__ import annotations

import ipaddress

import pytest

from tests.deploy.manifests import (
    KUBERNETES,
    SERVICES,
    allowed,
    by_kind,
    consumer_names,
    egress_to_address,
    render,
)

KNOWN_CUSTOM_KINDS = {
    ("rabbitmq.com/v1beta1", "RabbitmqCluster"),
    ("rabbitmq.com/v1beta1", "Exchange"),
    ("rabbitmq.com/v1beta1", "User"),
    ("rabbitmq.com/v1beta1", "Permission"),
    ("rabbitmq.com/v1beta1", "TopicPermission"),
    ("postgresql.cnpg.io/v1", "Cluster"),
    ("postgresql.cnpg.io/v1", "Database"),
    ("postgresql.cnpg.io/v1", "ScheduledBackup"),
    ("keda.sh/v1alpha1", "ScaledObject"),
    ("keda.sh/v1alpha1", "TriggerAuthentication"),
}
NS = "relais"


@pytest.fixture(scope="module")
def objects() -> list[dict]:
    return render(KUBERNETES / "overlays" / "production")


def _pod(service: str) -> dict[str, str]:
    return {"app.kubernetes.io/name": f"relais-{service}", "app.kubernetes.io/part-of": "relais", "relais/tier": "app"}


def test_custom_resources_are_kinds_we_know(objects) -> None:
    custom = {(o["apiVersion"], o["kind"]) for o in objects if "." in o["apiVersion"].rpartition("/")[0]
              and not o["apiVersion"].rpartition("/")[0].endswith(".k8s.io")}
    assert custom <= KNOWN_CUSTOM_KINDS, f"unknown custom resources: {custom - KNOWN_CUSTOM_KINDS}"
    assert all(o.get("spec") for o in objects if (o["apiVersion"], o["kind"]) in KNOWN_CUSTOM_KINDS)


def test_rabbitmq_is_a_three_node_quorum_cluster(objects) -> None:
    (broker,) = by_kind(objects, "RabbitmqCluster").values()
    spec = broker["spec"]
    assert spec["replicas"] == 3
    assert "default_queue_type = quorum" in spec["rabbitmq"]["additionalConfig"]
    assert "cluster_partition_handling = pause_minority" in spec["rabbitmq"]["additionalConfig"]
    assert {"cpu", "memory"} <= set(spec["resources"]["requests"]) and spec["persistence"]["storage"]
    anti = spec["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][0]
    assert anti["topologyKey"] == "kubernetes.io/hostname"
    assert broker["metadata"]["name"] == "relais-rabbitmq", "services and KEDA read relais-rabbitmq-default-user"


def test_postgres_has_a_primary_two_replicas_and_one_database_per_service(objects) -> None:
    (cluster,) = by_kind(objects, "Cluster").values()
    spec = cluster["spec"]
    assert spec["instances"] == 3 and spec["affinity"]["enablePodAntiAffinity"] is True
    roles = {r["name"]: r for r in spec["managed"]["roles"]}
    databases = {d["spec"]["name"]: d["spec"] for d in by_kind(objects, "Database").values()}
    for service in SERVICES:
        role = roles[f"relais_{service}"]
        assert role["login"] and role["passwordSecret"]["name"] == f"relais-db-{service}"
        runtime = roles[f"relais_{service}_app"]  # what the service runs as (relais_shared/db_roles.py)
        assert runtime["login"] and runtime["passwordSecret"]["name"] == f"relais-db-{service}-app"
        assert not runtime.get("superuser") and not runtime.get("createrole") and not runtime.get("inRoles")
        assert databases[f"relais_{service}"]["owner"] == f"relais_{service}"
        assert databases[f"relais_{service}"]["cluster"]["name"] == cluster["metadata"]["name"]
    store = spec["backup"]["barmanObjectStore"]
    assert store["destinationPath"].startswith("s3://") and store["s3Credentials"]
    (backup,) = by_kind(objects, "ScheduledBackup").values()
    assert backup["spec"]["cluster"]["name"] == cluster["metadata"]["name"]


def test_every_consumer_queue_drives_an_autoscaler(objects) -> None:
    deployments = by_kind(objects, "Deployment")
    auths = by_kind(objects, "TriggerAuthentication")
    scaled_queues: dict[str, str] = {}
    for name, scaled in by_kind(objects, "ScaledObject").items():
        assert scaled["spec"]["scaleTargetRef"]["name"] in deployments, f"{name}: scales no Deployment"
        for trigger in scaled["spec"]["triggers"]:
            if trigger["type"] == "rabbitmq":
                assert trigger["authenticationRef"]["name"] in auths, f"{name}: unknown TriggerAuthentication"
                assert trigger["metadata"]["mode"] == "QueueLength" and int(trigger["metadata"]["value"]) > 0
                scaled_queues[trigger["metadata"]["queueName"]] = scaled["spec"]["scaleTargetRef"]["name"]
    for consumer in consumer_names():
        queue = f"relais.{consumer}"
        assert queue in scaled_queues, f"consumer {consumer}: no KEDA trigger on {queue}"
        assert scaled_queues[queue] == f"relais-{consumer.split('.')[0]}", f"{queue} scales the wrong service"
    secret_refs = [ref for auth in auths.values() for ref in auth["spec"]["secretTargetRef"]]
    assert {ref["parameter"] for ref in secret_refs} == {"username", "password"}


def test_each_service_has_its_own_broker_user_from_the_grants_table(objects) -> None:
    """User, Permission and TopicPermission per service, equal to relais_shared.broker_grants' table."""
    from relais_shared.broker_grants import kubernetes_objects

    config = next(iter(by_kind(objects, "ConfigMap").values()))["data"]
    expected = kubernetes_objects(config["RELAIS_NAMESPACE"], cluster=by_kind(objects, "RabbitmqCluster").popitem()[0])
    for want in expected:
        got = by_kind(objects, want["kind"]).get(want["metadata"]["name"])
        assert got is not None, f"no {want['kind']} {want['metadata']['name']}"
        assert got["spec"] == want["spec"], f"{want['kind']} {want['metadata']['name']} differs from broker_grants"
    assert {u for u in by_kind(objects, "User")} == {f"relais-broker-{s}" for s in SERVICES}
    for service in SERVICES:
        (container,) = by_kind(objects, "Deployment")[f"relais-{service}"]["spec"]["template"]["spec"]["containers"]
        refs = {e["valueFrom"]["secretKeyRef"]["name"] for e in container["env"]
                if e["name"].startswith("AMQP_") and "valueFrom" in e}
        assert refs == {f"relais-broker-{service}-user-credentials"}, f"{service} logs in as {refs}"


@pytest.mark.parametrize("service", ["intake", "chat"])
def test_http_fronts_scale_on_cpu(objects, service: str) -> None:
    triggers = by_kind(objects, "ScaledObject")[f"relais-{service}"]["spec"]["triggers"]
    assert any(t["type"] == "cpu" for t in triggers), f"{service}: no CPU trigger"
    assert not by_kind(objects, "HorizontalPodAutoscaler"), "one autoscaler per Deployment: KEDA makes the HPA"


def test_no_session_affinity_anywhere(objects) -> None:
    for name, service in by_kind(objects, "Service").items():
        assert service["spec"].get("sessionAffinity", "None") == "None", f"{name}: sticky sessions"


def test_network_is_denied_unless_a_rule_allows(objects) -> None:
    policies = list(by_kind(objects, "NetworkPolicy").values())
    deny = by_kind(objects, "NetworkPolicy")["default-deny"]["spec"]
    assert deny["podSelector"] == {} and set(deny["policyTypes"]) == {"Ingress", "Egress"}
    stranger = ("default", {"app": "anything"})
    for service, port in SERVICES.items():
        assert not allowed(policies, "ingress", NS, _pod(service), *stranger, port), f"{service} open to all"
        assert not egress_to_address(policies, NS, _pod(service), 80), f"{service}: may reach the Internet"


@pytest.mark.parametrize(("service", "public", "operators"), [
    ("intake", True, True), ("chat", True, True), ("routing", False, True),
    ("escalation", False, True), ("followup", False, True), ("stats", True, True),
])
def test_who_reaches_each_service(objects, service: str, public: bool, operators: bool) -> None:
    policies, port = list(by_kind(objects, "NetworkPolicy").values()), SERVICES[service]
    assert allowed(policies, "ingress", NS, _pod(service), "ingress-public", {}, port) is public
    assert allowed(policies, "ingress", NS, _pod(service), "ingress-operators", {}, port) is operators
    assert allowed(policies, "ingress", NS, _pod(service), "monitoring", {}, port), f"{service}: not scraped"


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_reaches_the_identity_provider_only(objects, service: str) -> None:
    """Each serves /auth/ and operator routes: discovery, keys and the token endpoint, on HTTPS, at the provider."""
    policies = list(by_kind(objects, "NetworkPolicy").values())
    egress = by_kind(objects, "NetworkPolicy")["relais-identity-provider"]["spec"]["egress"]
    provider = str(ipaddress.ip_network(egress[0]["to"][0]["ipBlock"]["cidr"])[10])  # the overlay's range
    assert provider.startswith("198.51.100."), "the production overlay sets the provider's addresses"
    assert egress_to_address(policies, NS, _pod(service), 443, provider), f"{service} cannot reach the provider"
    assert not egress_to_address(policies, NS, _pod(service), 80, provider), f"{service}: plain HTTP to the provider"
    assert not egress_to_address(policies, NS, _pod(service), 443, "203.0.113.7"), f"{service}: any HTTPS server"


@pytest.mark.parametrize(("client", "server", "expected"), [
    ("intake", "routing", True), ("escalation", "routing", True), ("chat", "intake", True),
    ("followup", "routing", False), ("chat", "escalation", False), ("intake", "followup", False),
])
def test_service_to_service_calls(objects, client: str, server: str, expected: bool) -> None:
    policies, port = list(by_kind(objects, "NetworkPolicy").values()), SERVICES[server]
    outbound = allowed(policies, "egress", NS, _pod(client), NS, _pod(server), port)
    inbound = allowed(policies, "ingress", NS, _pod(server), NS, _pod(client), port)
    assert (outbound and inbound) is expected, f"{client} -> {server}"


@pytest.mark.parametrize("service", SERVICES)
def test_services_reach_broker_database_and_dns(objects, service: str) -> None:
    policies = list(by_kind(objects, "NetworkPolicy").values())
    rabbit, postgres = {"app.kubernetes.io/name": "relais-rabbitmq"}, {"cnpg.io/cluster": "relais-postgres"}
    dns = {"k8s-app": "kube-dns"}
    for peer_ns, peer, port in ((NS, rabbit, 5672), (NS, postgres, 5432), ("kube-system", dns, 53)):
        assert allowed(policies, "egress", NS, _pod(service), peer_ns, peer, port), f"{service} -> {peer}"
    assert allowed(policies, "ingress", NS, rabbit, NS, _pod(service), 5672)
    assert allowed(policies, "ingress", NS, postgres, NS, _pod(service), 5432)


def test_public_ingress_routes_only_the_victims_pages(objects) -> None:
    ingresses = by_kind(objects, "Ingress")
    public, operators = ingresses["relais-public"]["spec"], ingresses["relais-operators"]["spec"]
    assert public["ingressClassName"] != operators["ingressClassName"]
    routes = [(p["path"], p["backend"]["service"]["name"]) for rule in public["rules"] for p in rule["http"]["paths"]]
    assert {backend for _, backend in routes} == {"relais-intake", "relais-chat"}
    forbidden = ("/console", "/metrics", "/healthz", "/readyz", "/docs", "/openapi.json", "/v1/console", "/auth",
                 "/kit", "/audit", "/unit", "/v1/unit", "/v1/audit", "/cell", "/triage", "/supervision")
    assert not [path for path, _ in routes if path.startswith(forbidden)], routes
    services = by_kind(objects, "Service")
    for spec in (public, operators):
        assert spec["tls"], "TLS on every host"
        for rule in spec["rules"]:
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                assert backend["port"]["number"] == services[backend["name"]]["spec"]["ports"][0]["port"]
                assert path["path"] != "/" or path["pathType"] == "Exact", "a / prefix would publish /metrics"
