"""The operators' identity provider, as an OpenID Connect relying party sees it: discovery, tokens, sign-out.

Every call has the configured timeout; none runs on a request's critical path except the sign-in itself and a
session's refresh. Discovery is cached once it succeeds.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import structlog

from relais_shared.identity import AuthError

log = structlog.get_logger(__name__)


class ProviderUnavailable(AuthError):
    """The provider did not answer in time; the page says to try again, nothing is signed in or out."""


@dataclass(frozen=True)
class Tokens:
    access_token: str
    id_token: str | None
    refresh_token: str | None
    expires_in: int


def pkce_pair() -> tuple[str, str]:
    """A code verifier and its S256 challenge (RFC 7636)."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


class Provider:
    """One provider, found by its discovery document."""

    def __init__(self, *, discovery_url: str, client_id: str, client_secret: str | None, timeout: float,
                 http: httpx.AsyncClient):
        self.discovery_url, self.client_id, self.client_secret = discovery_url, client_id, client_secret
        self.timeout, self.http = timeout, http
        self._metadata: dict[str, Any] | None = None
        self._lock = asyncio.Lock()

    async def metadata(self) -> dict[str, Any]:
        if self._metadata is None:
            async with self._lock:
                if self._metadata is None:
                    self._metadata = await self._call("GET", self.discovery_url)
        return self._metadata

    async def authorize_url(self, *, redirect_uri: str, scopes: str, state: str, nonce: str, challenge: str,
                            lang: str) -> str:
        query = {"response_type": "code", "client_id": self.client_id, "redirect_uri": redirect_uri,
                 "scope": scopes, "state": state, "nonce": nonce, "code_challenge": challenge,
                 "code_challenge_method": "S256", "ui_locales": lang}
        return f"{(await self.metadata())['authorization_endpoint']}?{urlencode(query)}"

    async def exchange(self, *, code: str, verifier: str, redirect_uri: str) -> Tokens:
        return await self._tokens({"grant_type": "authorization_code", "code": code, "code_verifier": verifier,
                                   "redirect_uri": redirect_uri})

    async def refresh(self, refresh_token: str) -> Tokens:
        return await self._tokens({"grant_type": "refresh_token", "refresh_token": refresh_token})

    async def end_session_url(self, *, id_token: str | None, after: str, state: str) -> str | None:
        """Where to send the browser so the provider's own session ends too (None if it has no such endpoint).

        `after` must be registered exactly at the provider, so it carries no query: `state` comes back on it.
        """
        endpoint = (await self.metadata()).get("end_session_endpoint")
        if not endpoint:
            return None
        query = {"post_logout_redirect_uri": after, "client_id": self.client_id, "state": state}
        if id_token:
            query["id_token_hint"] = id_token
        return f"{endpoint}?{urlencode(query)}"

    async def _tokens(self, form: dict[str, str]) -> Tokens:
        endpoint = (await self.metadata())["token_endpoint"]
        # client_secret_post: every provider we target takes it (ProConnect, LemonLDAP::NG), and unlike Basic it
        # does not depend on how the provider parses an Authorization header. A public client sends its id alone.
        credentials = {"client_id": self.client_id} | ({"client_secret": self.client_secret} if self.client_secret
                                                       else {})
        body = await self._call("POST", endpoint, data={**form, **credentials})
        if "access_token" not in body:
            raise AuthError("the provider refused the sign-in")
        return Tokens(access_token=body["access_token"], id_token=body.get("id_token"),
                      refresh_token=body.get("refresh_token"), expires_in=int(body.get("expires_in") or 300))

    async def _call(self, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
        try:
            answer = await self.http.request(method, url, timeout=self.timeout, **kwargs)
        except httpx.HTTPError as exc:
            log.warning("signin.provider_unreachable", error=type(exc).__name__)
            raise ProviderUnavailable("the identity provider did not answer") from exc
        if answer.status_code in (400, 401):
            # invalid_grant (a refresh token revoked or expired), a code already used: the provider said no.
            log.info("signin.provider_refused", status=answer.status_code)
            raise AuthError("the provider refused the sign-in")
        if answer.status_code >= 300:
            log.warning("signin.provider_failed", status=answer.status_code)
            raise ProviderUnavailable("the identity provider failed")
        try:
            document: dict[str, Any] = answer.json()
            return document
        except ValueError as exc:
            raise ProviderUnavailable("the identity provider answered nonsense") from exc
