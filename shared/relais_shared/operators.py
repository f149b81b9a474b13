"""The one way an operator request is authenticated and scoped, for every console and operator API."""

from __future__ import annotations

from pathlib import Path

import structlog
from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from relais_shared.identity import AuthError, Operator, TokenVerifier
from relais_shared.operator_keys import ensure_local_keys
from relais_shared.settings import RelaisSettings

NOT_FOUND = "Not found. / Introuvable."  # the same answer whether the object is absent or out of scope


def build_verifier(settings: RelaisSettings) -> TokenVerifier:
    """Keys from the identity provider's JWKS URL, or (development) from the local keys directory."""
    if settings.oidc_jwks_url:
        return TokenVerifier(issuer=settings.oidc_issuer, audience=settings.oidc_audience,
                             jwks_url=settings.oidc_jwks_url)
    jwks_path = ensure_local_keys(Path(settings.keys_dir))
    return TokenVerifier.from_file(jwks_path, issuer=settings.oidc_issuer, audience=settings.oidc_audience)


def _verifier(request: Request) -> TokenVerifier:
    state = request.app.state
    if getattr(state, "verifier", None) is None:
        state.verifier = build_verifier(state.runtime.settings)
    return state.verifier


def require(*roles: str):
    """A FastAPI dependency: a valid token with one of `roles` (any role when none are named).

    The roles are named in the OpenAPI security scheme (`Operator[dispatcher|supervisor]`), which documents
    each endpoint and lets a test try every operator endpoint with every wrong role.
    """
    bearer = HTTPBearer(auto_error=False, scheme_name=f"Operator[{'|'.join(sorted(roles)) or '*'}]",
                        description="An operator token (JWT) from the identity provider")

    async def operator(request: Request,
                       credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Operator:
        if credentials is None or not credentials.credentials:
            raise HTTPException(401, "Sign in with your operator token. / Connectez-vous avec votre jeton.",
                                headers={"WWW-Authenticate": "Bearer"})
        try:
            who = _verifier(request).verify(credentials.credentials.strip())
        except AuthError as exc:
            raise HTTPException(401, f"{exc}. / Jeton refusé.", headers={"WWW-Authenticate": "Bearer"}) from exc
        if roles and not who.has_any(*roles):
            raise HTTPException(403, "Your role does not allow this. / Votre rôle ne le permet pas.")
        structlog.contextvars.bind_contextvars(operator=who.sub)
        return who

    return Depends(operator)


def not_found() -> HTTPException:
    """Out of scope and absent look the same, so that existence does not leak."""
    return HTTPException(404, NOT_FOUND)
