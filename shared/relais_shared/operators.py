"""The one way an operator request is authenticated and scoped, for every console and operator API."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.requests import HTTPConnection

from relais_shared.api_errors import NOT_FOUND, ROLE_REFUSED, SIGN_IN, ApiError
from relais_shared.bilingual import Bilingual
from relais_shared.identity import AuthError, Operator
from relais_shared.signin.gate import Lease, OperatorGate
from relais_shared.signin.provider import ProviderUnavailable

PROVIDER_AWAY = Bilingual(fr="Le service d'identité ne répond pas ; réessayez dans un instant.",
                          en="The identity provider is not answering; try again in a moment.")


def gate_of(connection: HTTPConnection) -> OperatorGate:
    """The service's gate (built at start-up; built here for an app whose lifespan has not run, in tests)."""
    state = connection.app.state
    if getattr(state, "operator_gate", None) is None:
        import httpx

        from relais_shared.signin.wiring import build_gate

        runtime = state.runtime
        state.operator_gate = build_gate(runtime.settings, getattr(runtime, "pool", None), httpx.AsyncClient())
    gate: OperatorGate = state.operator_gate
    return gate


async def lease_of(connection: HTTPConnection, token: str | None = None) -> Lease:
    """Who is on this request or socket: the session cookie first, else a bearer token (API clients)."""
    return await gate_of(connection).lease(connection, token)


def require(*roles: str) -> Any:  # Depends(…): a parameter's default, so typed as anything, as FastAPI does
    """A FastAPI dependency: a signed-in operator (session cookie or bearer token) with one of `roles`.

    The roles are named in the OpenAPI security scheme (`Operator[dispatcher|supervisor]`), which documents
    each endpoint and lets a test try every operator endpoint with every wrong role.
    """
    scheme = f"Operator[{'|'.join(sorted(roles)) or '*'}]"
    bearer = HTTPBearer(auto_error=False, scheme_name=scheme,
                        description="An access token (JWT, typ at+jwt) from the operators' identity provider; "
                                    "a console's page sends its session cookie (relais_operator_<service>) instead")

    async def operator(request: Request,
                       credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Operator:
        token = credentials.credentials if credentials and credentials.credentials else None
        try:
            who = (await lease_of(request, token)).operator
        except ProviderUnavailable as exc:
            raise ApiError(503, PROVIDER_AWAY, headers={"Retry-After": "5"}) from exc
        except AuthError as exc:
            # Why the token was refused is technical, so in English only; what to do is in both languages.
            raise ApiError(401, Bilingual(fr=SIGN_IN.fr, en=f"{exc}. {SIGN_IN.en}"),
                           detail=f"{exc}. {SIGN_IN.joined()}", headers={"WWW-Authenticate": "Bearer"}) from exc
        if roles and not who.has_any(*roles):
            raise ApiError(403, ROLE_REFUSED)
        structlog.contextvars.bind_contextvars(operator=who.sub)
        return who

    return Depends(operator)


def not_found() -> ApiError:
    """Out of scope and absent look the same, so that existence does not leak."""
    return ApiError(404, NOT_FOUND)
