"""The public hosts route no operator route; each service's operator routes are all on its own operators' host.

The routes come from the services' FastAPI apps (tests/deploy/routes.py says what makes a route an operator's);
the hosts from the rendered production overlay, through a model of Kubernetes' Ingress path matching.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.deploy.manifests import KUBERNETES, SERVICES, backend, by_kind, hosts, render
from tests.deploy.routes import Route, service_routes

PUBLIC, OPERATORS = "relais-public", "relais-operators"
VICTIM_SERVICES = ("intake", "chat", "stats")  # the services with pages or APIs a victim or the public opens
NOT_FOR_VICTIMS = {"/favicon.ico"}  # answered with 204 by services that have no icon: nothing to publish


@pytest.fixture(scope="module")
def objects() -> list[dict]:
    return render(KUBERNETES / "overlays" / "production")


@pytest.fixture(scope="module")
async def routes(tmp_path_factory) -> dict[str, list[Route]]:
    keys = tmp_path_factory.mktemp("keys")
    found = {service: await service_routes(service, keys) for service in SERVICES}
    for service, listed in found.items():
        reasons = {route.operator for route in listed}
        assert {"sign-in", "operators.require", "console page", "console kit"} <= reasons, (
            f"{service}: the operator routes were not all recognised ({sorted(reasons)}): has the app changed shape?")
    return found


def _operator_url(objects: list[dict], service: str) -> str:
    (container,) = by_kind(objects, "Deployment")[f"relais-{service}"]["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env.get("RELAIS_OPERATOR_URL"), f"{service}: no RELAIS_OPERATOR_URL"
    return env["RELAIS_OPERATOR_URL"]


def test_public_hosts_route_no_operator_route(objects, routes) -> None:
    public = hosts(objects, PUBLIC)
    assert public, "no public host"
    leaks = [f"{host}{route.sample} → {route.service} ({route.operator})"
             for host, paths in public.items() for listed in routes.values() for route in listed
             if route.operator and backend(paths, route.sample) == f"relais-{route.service}"]
    assert not leaks, "operator routes on a public host:\n" + "\n".join(leaks)


def test_public_hosts_route_what_victims_and_the_public_use(objects, routes) -> None:
    """Every route of intake, chat and stats that is neither an operator's nor infrastructure has a public host."""
    public = hosts(objects, PUBLIC)
    missing = [f"{route.service} {route.path}" for service in VICTIM_SERVICES for route in routes[service]
               if not route.operator and not route.infrastructure and route.path not in NOT_FOR_VICTIMS
               and not any(backend(paths, route.sample) == f"relais-{service}" for paths in public.values())]
    assert not missing, "public routes no public host reaches: " + ", ".join(missing)


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_serves_its_operators_on_its_own_host(objects, routes, service: str) -> None:
    """Its sign-in, consoles, operator APIs and every asset its pages load, on the host of RELAIS_OPERATOR_URL."""
    url = urlsplit(_operator_url(objects, service))
    assert url.scheme == "https" and not url.path.strip("/"), f"{service}: RELAIS_OPERATOR_URL must be https://<host>"
    operators = hosts(objects, OPERATORS)
    assert url.hostname in operators, f"{service}: {url.hostname} is not an operators' host ({sorted(operators)})"
    paths = operators[url.hostname]
    wanted = [route for route in routes[service] if route.operator or route.kind == "mount"]
    unreachable = [route.path for route in wanted if backend(paths, route.sample) != f"relais-{service}"]
    assert not unreachable, f"{service}: not routed on {url.hostname}: {unreachable}"
    assert backend(paths, "/auth/callback") == f"relais-{service}"


def test_each_operators_host_is_one_services(objects) -> None:
    """One service per host: its /auth/callback and its host-only session cookie belong to it alone."""
    operators = hosts(objects, OPERATORS)
    for host, paths in operators.items():
        backends = {path["backend"]["service"]["name"] for path in paths}
        assert len(backends) == 1, f"{host} routes to {sorted(backends)}"
    urls = [urlsplit(_operator_url(objects, service)).hostname for service in SERVICES]
    assert sorted(urls) == sorted(operators), f"operators' hosts {sorted(operators)} vs RELAIS_OPERATOR_URL {urls}"


def test_no_host_routes_infrastructure(objects, routes) -> None:
    every_host = {**hosts(objects, PUBLIC), **hosts(objects, OPERATORS)}
    exposed = [f"{host}{route.path}" for host, paths in every_host.items() for listed in routes.values()
               for route in listed if route.infrastructure and backend(paths, route.sample) is not None]
    assert not exposed, f"infrastructure routes behind an ingress: {exposed}"
