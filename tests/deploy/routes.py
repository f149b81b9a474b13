"""Every route each service serves, read from its FastAPI app, and which of them are operators' routes.

An operator route is one of:
- a sign-in route (/auth/…, relais_shared.signin.flow);
- a route that depends on relais_shared.operators.require (operator APIs, audit endpoints);
- a console page: asked without a session, it sends the browser to /auth/login (console_kit.console_page), itself
  or after a redirect of its own (/en/supervision → /supervision?lang=en);
- the console kit's assets (/kit) and a console's own assets (a mount under a console page's path);
- a WebSocket, unless it is one of VICTIM_SOCKETS: a new socket is an operator's until declared a victim's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from fastapi.routing import iter_route_contexts
from starlette.routing import Mount, WebSocketRoute

from relais_cli.services import SERVICES
from relais_shared.signin.wiring import build_gate

VICTIM_SOCKETS = {("chat", "/v1/chat/ws")}
INFRASTRUCTURE = ("/metrics", "/healthz", "/readyz", "/openapi.json", "/docs", "/redoc")  # never on any host
KIT_ASSETS = "/kit"


@dataclass(frozen=True)
class Route:
    service: str
    path: str  # as the app declares it, with {parameters}
    kind: str  # "http", "websocket" or "mount"
    methods: frozenset[str]
    operator: str  # why it is an operator route, or "" when it is not

    @property
    def sample(self) -> str:
        """A concrete path this route answers, for the ingress model."""
        path = re.sub(r"\{[^}]+\}", "35", self.path)
        return path.rstrip("/") + "/asset.js" if self.kind == "mount" else path

    @property
    def infrastructure(self) -> bool:
        return any(self.path == p or self.path.startswith(p + "/") for p in INFRASTRUCTURE)


async def service_routes(service: str, keys_dir: Path) -> list[Route]:
    """The routes of one service's app (test settings, no database: nothing is started)."""
    manifest = SERVICES[service]
    settings = manifest.settings(env="test", keys_dir=str(keys_dir))
    app = manifest.create_app(settings)
    async with httpx.AsyncClient() as oidc_http:
        app.state.operator_gate = build_gate(settings, None, oidc_http)  # what the lifespan does, minus the database
        return await _classified(service, app)


async def _classified(service: str, app) -> list[Route]:
    found: list[tuple[str, str, frozenset[str], str]] = []
    for context in iter_route_contexts(app.routes):
        original = context.original_route
        kind = "mount" if isinstance(original, Mount) else "websocket" if isinstance(original, WebSocketRoute) \
            else "http"
        path = original.path if kind == "mount" else context.path
        found.append((path, kind, frozenset(context.methods or ()), _declared_reason(service, path, kind, context)))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://relais.test", follow_redirects=True) as client:
        pages = [(path, kind, methods, reason or await _console_page(client, path, methods))
                 for path, kind, methods, reason in found]
    console_paths = [path for path, kind, _, reason in pages if reason == "console page"]
    return [Route(service, path, kind, methods, reason or _console_assets(path, kind, console_paths))
            for path, kind, methods, reason in pages]


def _declared_reason(service: str, path: str, kind: str, context) -> str:
    if path == "/auth" or path.startswith("/auth/"):
        return "sign-in"
    if kind == "websocket":
        return "" if (service, path) in VICTIM_SOCKETS else "socket"
    dependant = getattr(context, "dependant", None)
    if dependant is not None and _requires_operator(dependant):
        return "operators.require"
    return ""


def _requires_operator(dependant) -> bool:
    for dependency in dependant.dependencies:
        call = dependency.call
        if getattr(call, "__module__", "") == "relais_shared.operators" and \
                getattr(call, "__qualname__", "").startswith("require."):
            return True
        if _requires_operator(dependency):
            return True
    return False


async def _console_page(client: httpx.AsyncClient, path: str, methods: frozenset[str]) -> str:
    """"console page" when a GET without a session ends at the sign-in (console_page's contract)."""
    if "GET" not in methods or "{" in path or any(path.startswith(p) for p in INFRASTRUCTURE):
        return ""
    response = await client.get(path)
    signs_in = any(urlsplit(hop.headers.get("location", "")).path == "/auth/login" for hop in response.history)
    return "console page" if signs_in else ""


def _console_assets(path: str, kind: str, console_paths: list[str]) -> str:
    if kind != "mount":
        return ""
    if path == KIT_ASSETS:
        return "console kit"
    return "console assets" if any(path.startswith(page.rstrip("/") + "/") for page in console_paths) else ""
