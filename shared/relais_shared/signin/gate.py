"""The one question every operator surface asks: who is this, and is that still true?

A console in a browser is named by its session cookie (same origin only); an API client by a bearer access
token. A console socket gets a Lease and is watched: when its session ends, expires or is revoked at the
provider, or its token expires, the socket is closed with 4401 and the console asks to sign in again.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import cast

import structlog
from starlette.requests import HTTPConnection
from starlette.websockets import WebSocket

from relais_shared.identity import AuthError, Operator
from relais_shared.signin.provider import Provider, ProviderUnavailable
from relais_shared.signin.sessions import Session, SessionStore
from relais_shared.signin.tokens import TokenVerifier

log = structlog.get_logger(__name__)
SIGNED_OUT_CODE = 4401
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class Lease:
    """What a console socket holds: a session (checked again) or a token (good until its expiry)."""

    operator: Operator
    expires_at: datetime
    session: Session | None = None


class OperatorGate:
    def __init__(self, *, verifier: TokenVerifier, provider: Provider | None, store: SessionStore | None,
                 cookie_name: str, refresh_grace_seconds: float, check_seconds: float) -> None:
        self.verifier, self.provider, self.store, self.cookie_name = verifier, provider, store, cookie_name
        self.refresh_grace = timedelta(seconds=refresh_grace_seconds)
        self.check_seconds = check_seconds

    def sessions(self) -> SessionStore:
        """The session store, for code that holds a session: only a gate with a store ever opens one."""
        assert self.store is not None, "this service keeps no operator sessions"
        return self.store

    async def operator(self, connection: HTTPConnection, bearer: str | None = None) -> Operator:
        """The operator of an HTTP request: its session cookie, else its bearer token."""
        return (await self.lease(connection, bearer)).operator

    async def lease(self, connection: HTTPConnection, bearer: str | None = None) -> Lease:
        cookie = connection.cookies.get(self.cookie_name)
        if cookie and self.store is not None:
            _same_origin_or_refuse(connection)
            session = await self.store.find(cookie)
            if session is None:
                raise AuthError("session ended")
            session = await self.current(session)
            return Lease(session.operator, session.expires_at, session)
        if bearer:
            operator, claims = await self.verifier.access_token(bearer.strip())
            return Lease(operator, datetime.fromtimestamp(claims["exp"], UTC))
        raise AuthError("not signed in")

    async def current(self, session: Session) -> Session:
        """The session, asked again of the provider when its access token has expired."""
        now = datetime.now(UTC)
        if not session.refresh_due(now):
            return session
        store, provider = self.sessions(), self.provider
        if provider is None or not session.refresh_token:
            await store.end(session.id_hash, "expired")
            raise AuthError("session expired")
        try:
            # A session opened with a refresh token keeps one: SessionStore.refreshed keeps the old if none comes.
            renewed = await store.refreshed(session.id_hash, lambda due: provider.refresh(cast(str, due.refresh_token)))
        except ProviderUnavailable:
            if now < session.refresh_due_at + self.refresh_grace:
                return session  # the provider is away for a moment: keep working within the grace period
            raise
        except AuthError:
            # Revoked, signed out at the provider, or its refresh token refused: sign in again.
            await store.end(session.id_hash, "refused by provider")
            raise
        if renewed is None:
            raise AuthError("session ended")
        return renewed

    async def still_valid(self, lease: Lease) -> bool:
        if datetime.now(UTC) >= lease.expires_at:
            return False
        if lease.session is None:
            return True
        session = await self.sessions().still_live(lease.session.id_hash)
        if session is None:
            return False
        try:
            lease.session = await self.current(session)
        except ProviderUnavailable:
            return True  # past the grace the next check ends it; the provider's absence is not the operator's
        except AuthError:
            return False
        return True

    @contextlib.asynccontextmanager
    async def watching(self, websocket: WebSocket, lease: Lease) -> AsyncIterator[Lease]:
        """While the block runs, close the socket (4401, after a `signed_out` frame) once the lease is over."""
        task = asyncio.create_task(self._watch(websocket, lease))
        try:
            yield lease
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def _watch(self, websocket: WebSocket, lease: Lease) -> None:
        while True:
            left = (lease.expires_at - datetime.now(UTC)).total_seconds()
            await asyncio.sleep(max(0.05, min(self.check_seconds, left)))
            try:
                valid = await self.still_valid(lease)
            except Exception as exc:  # noqa: BLE001 - a database blip must not end a dispatcher's console
                log.warning("signin.session_check_failed", error=type(exc).__name__)
                continue
            if not valid:
                log.info("signin.console_signed_out")
                with contextlib.suppress(Exception):
                    await websocket.send_json({"type": "signed_out"})
                with contextlib.suppress(Exception):
                    await websocket.close(code=SIGNED_OUT_CODE)
                return


def _same_origin_or_refuse(connection: HTTPConnection) -> None:
    """A cookie is only honoured from the operators' own pages: refuse another origin's socket or form.

    SameSite=Strict keeps other sites out; this also keeps out a page of the same site on another host (the
    victims' public host, say). Browsers send Origin on every socket handshake and on unsafe requests.
    """
    if connection.scope["type"] == "http" and connection.scope.get("method") in SAFE_METHODS:
        return
    origin = connection.headers.get("origin")
    if origin is None:
        return
    host = connection.headers.get("host", "")
    if origin.split("://", 1)[-1] != host:
        raise AuthError("request from another site")
