"""Every operator endpoint of every service refuses a missing or bad token (401) and every wrong role (403).

The endpoints and their roles are read from each service's OpenAPI, where `operators.require` declares them
as the security scheme `Operator[role|role]`: a new endpoint is covered the day it is written.
"""

import re
import uuid
from pathlib import Path

import httpx
import pytest

from relais_cli.services import SERVICES
from relais_shared.identity import Operator
from relais_shared.operator_keys import mint_token

ROLES = ("chat_operator", "triage_operator", "dispatcher", "followup", "supervisor", "auditor", "admin")
SCHEME = re.compile(r"^Operator\[(.*)\]$")


def operator_endpoints(app):
    """(method, path, allowed roles) for every operation secured by an operator token."""
    for path, operations in app.openapi()["paths"].items():
        for method, operation in operations.items():
            for requirement in operation.get("security", []):
                for name in requirement:
                    if match := SCHEME.match(name):
                        allowed = set() if match.group(1) == "*" else set(match.group(1).split("|"))
                        yield method.upper(), path, allowed


def concrete(path: str) -> str:
    """Fill path parameters with well-formed values, so that only authorisation can refuse the call."""
    def value(match):
        name = match.group(1)
        return "35" if "department" in name else str(uuid.uuid4()) if name.endswith("id") else "x"
    return re.sub(r"\{([^}]+)\}", value, path)


def token(settings, roles) -> str:
    who = Operator(sub="probe", alias="Probe", force="GN", departments=("35",), roles=frozenset(roles),
                   orange_clearance=True)
    return mint_token(Path(settings.keys_dir), who, issuer=settings.oidc_issuer, audience=settings.oidc_audience)


@pytest.mark.parametrize("service", list(SERVICES))
async def test_every_operator_endpoint_refuses_wrong_tokens_and_roles(service, isolated, tmp_path):
    manifest = SERVICES[service]
    settings = isolated.settings(manifest.settings, keys_dir=str(tmp_path))
    app = manifest.create_app(settings)
    endpoints = list(operator_endpoints(app))
    assert endpoints, f"{service} declares no operator endpoint"
    tokens = {role: token(settings, {role}) for role in ROLES}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://relais.test") as client:
        for method, path, allowed in endpoints:
            url = concrete(path)
            assert (await client.request(method, url)).status_code == 401, (method, path, "no token")
            bad = {"Authorization": "Bearer not.a.token"}
            assert (await client.request(method, url, headers=bad)).status_code == 401, (method, path, "garbage")
            for role in set(ROLES) - allowed if allowed else ():
                headers = {"Authorization": f"Bearer {tokens[role]}"}
                response = await client.request(method, url, headers=headers, json={})
                assert response.status_code == 403, (method, path, role, response.status_code)
