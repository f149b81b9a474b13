"""Building a service's OperatorGate from its settings, once its database pool exists."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import httpx
import structlog
from fastapi import FastAPI

from relais_shared.operator_keys import ensure_local_keys
from relais_shared.settings import RelaisSettings
from relais_shared.signin.gate import OperatorGate
from relais_shared.signin.keys import KeySet
from relais_shared.signin.provider import Provider
from relais_shared.signin.sessions import SessionStore
from relais_shared.signin.tokens import Issuer, TokenVerifier

log = structlog.get_logger(__name__)
LOCAL_ISSUER = "relais-local"  # `relais operator token`'s development tokens


def has_provider(settings: RelaisSettings) -> bool:
    return settings.oidc_issuer != LOCAL_ISSUER


def build_gate(settings: RelaisSettings, pool: asyncpg.Pool | None, http: httpx.AsyncClient) -> OperatorGate:
    """The provider's keys (discovered), and in development and tests also the local signing key."""
    issuers, provider = [], None
    if has_provider(settings):
        discovery = (settings.oidc_discovery_url
                     or settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration")
        secret = settings.oidc_client_secret.get_secret_value() if settings.oidc_client_secret else None
        provider = Provider(discovery_url=discovery, client_id=settings.oidc_client_id, client_secret=secret,
                            timeout=settings.oidc_timeout_seconds, http=http)

        async def jwks_uri() -> str:
            uri: str = (await provider.metadata())["jwks_uri"]
            return uri

        keys = KeySet(jwks_url=settings.oidc_jwks_url, discover=jwks_uri, timeout=settings.oidc_timeout_seconds,
                      cooldown=settings.oidc_keys_cooldown_seconds, max_age=settings.oidc_keys_max_age_seconds,
                      http=http)
        # LemonLDAP::NG and others put the client id in an access token's `aud`; an API audience is also taken.
        issuers.append(Issuer(settings.oidc_issuer, keys, [settings.oidc_audience, settings.oidc_client_id],
                              frozenset({settings.oidc_client_id})))
    if settings.env != "production":
        local = KeySet(jwks_file=ensure_local_keys(Path(settings.keys_dir)))
        issuers.append(Issuer(LOCAL_ISSUER, local, settings.oidc_audience))
    store = SessionStore(pool, settings.keyring(), settings.service_name) if pool is not None else None
    return OperatorGate(verifier=TokenVerifier(issuers, settings.oidc_claims), provider=provider, store=store,
                        cookie_name=f"relais_operator_{settings.service_name}",
                        refresh_grace_seconds=settings.operator_refresh_grace_seconds,
                        check_seconds=settings.operator_session_check_seconds)


async def open_gate(app: FastAPI, settings: RelaisSettings, pool: asyncpg.Pool | None) -> None:
    """Put the gate on app.state and load the provider's keys in the background (start-up never waits)."""
    app.state.oidc_http = httpx.AsyncClient()
    gate = app.state.operator_gate = build_gate(settings, pool, app.state.oidc_http)
    provider_keys = [i.keys for name, i in gate.verifier.issuers.items() if name != LOCAL_ISSUER]
    app.state.oidc_warmup = [asyncio.create_task(keys.load()) for keys in provider_keys]


async def close_gate(app: FastAPI) -> None:
    for task in getattr(app.state, "oidc_warmup", []):
        task.cancel()
    http = getattr(app.state, "oidc_http", None)
    if http is not None:
        await http.aclose()
