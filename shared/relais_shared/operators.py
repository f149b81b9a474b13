"""The one way an operator request is authenticated and scoped, for every console and operator API."""

from __future__ import annotations

import structlog
from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.requests import HTTPConnection

from relais_shared.identity import AuthError, Operator
from relais_shared.signin.gate import Lease, OperatorGate
from relais_shared.signin.provider import ProviderUnavailable

NOT_FOUND = "Not found. / Introuvable."  # the same answer whether the object is absent or out of scope
SIGN_IN = "Sign in to Relais. / Connectez-vous à Relais."


def gate_of(connection: HTTPConnection) -> OperatorGate:
    """The service's gate (built at start-up; built here for an app whose lifespan has not run, in tests)."""
    state = connection.app.state
    if getattr(state, "operator_gate", None) is None:
        import httpx

        from relais_shared.signin.wiring import build_gate

        runtime = state.runtime
        state.operator_gate = build_gate(runtime.settings, getattr(runtime, "pool", None), httpx.AsyncClient())
    return state.operator_gate


async def lease_of(connection: HTTPConnection, token: str | None = None) -> Lease:
    """Who is on this request or socket: the session cookie first, else a bearer token (API clients)."""
    return await gate_of(connection).lease(connection, token)


def require(*roles: str):
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
            raise HTTPException(503, "The identity provider is not answering; try again in a moment. / Le service "
                                "d'identité ne répond pas ; réessayez dans un instant.",
                                headers={"Retry-After": "5"}) from exc
        except AuthError as exc:
            raise HTTPException(401, f"{exc}. {SIGN_IN}", headers={"WWW-Authenticate": "Bearer"}) from exc
        if roles and not who.has_any(*roles):
            raise HTTPException(403, "Your role does not allow this. / Votre rôle ne le permet pas.")
        structlog.contextvars.bind_contextvars(operator=who.sub)
        return who

    return Depends(operator)


def not_found() -> HTTPException:
    """Out of scope and absent look the same, so that existence does not leak."""
    return HTTPException(404, NOT_FOUND)
