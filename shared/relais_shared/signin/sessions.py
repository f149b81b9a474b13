"""Operators' console sessions, server-side in PostgreSQL; the browser holds only a random name for one.

A session lives until its absolute end or its sign-out. When the provider's access token expires, the next
request or the console socket's next check asks the provider again with the refresh token: an account revoked
or signed out at the provider ends the Relais session there.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg

from relais_shared.crypto import Keyring
from relais_shared.identity import Operator
from relais_shared.signin.provider import Tokens


@dataclass(frozen=True)
class Session:
    id_hash: bytes
    operator: Operator
    refresh_token: str | None
    id_token: str | None
    refresh_due_at: datetime
    expires_at: datetime

    def refresh_due(self, now: datetime) -> bool:
        return now >= self.refresh_due_at


def _hash(cookie: str) -> bytes:
    return hashlib.sha256(cookie.encode()).digest()


class SessionStore:
    """Sessions of one service; sealed tokens use the service's own key group."""

    def __init__(self, pool: asyncpg.Pool, keyring: Keyring, service: str):
        self.pool, self.keyring, self.context = pool, keyring, f"{service}.operator_session"

    async def create(self, operator: Operator, tokens: Tokens, *, hours: float) -> tuple[str, datetime]:
        """A new session; returns the cookie's value (shown once, never stored) and the session's end."""
        cookie = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        expires = now + timedelta(hours=hours)
        await self.pool.execute(
            "INSERT INTO operator_sessions (id_hash, sub, operator, tokens, refresh_due_at, expires_at) "
            "VALUES ($1, $2, $3::jsonb, $4, $5, $6)", _hash(cookie), operator.sub, operator.model_dump_json(),
            self._seal(tokens), now + timedelta(seconds=tokens.expires_in), expires)
        return cookie, expires

    async def find(self, cookie: str) -> Session | None:
        """The live session this cookie names, or None (unknown, ended or past its end). A read only: an
        operator's every request must not cost a write."""
        return await self.still_live(_hash(cookie))

    async def refreshed(self, id_hash: bytes, refresh: Callable[[Session], Awaitable[Tokens]]) -> Session | None:
        """Refresh a due session once, even when several requests or replicas find it due together.

        The row stays locked while the provider answers (within its timeout): a rotated refresh token is used
        once, and whoever waited reads the renewed session instead of spending the old token again.
        """
        async with self.pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow("SELECT * FROM operator_sessions WHERE id_hash = $1 AND ended_at IS NULL "
                                      "AND expires_at > now() FOR UPDATE", id_hash)
            if row is None:
                return None
            session = self._session(row)
            if not session.refresh_due(datetime.now(UTC)):
                return session
            tokens = await refresh(session)
            merged = Tokens(access_token=tokens.access_token, id_token=tokens.id_token or session.id_token,
                            refresh_token=tokens.refresh_token or session.refresh_token,
                            expires_in=tokens.expires_in)
            row = await conn.fetchrow("UPDATE operator_sessions SET tokens = $2, refresh_due_at = $3 "
                                      "WHERE id_hash = $1 RETURNING *", id_hash, self._seal(merged),
                                      datetime.now(UTC) + timedelta(seconds=merged.expires_in))
            assert row is not None  # the row is locked FOR UPDATE above: it is still there
            return self._session(row)

    async def end(self, id_hash: bytes, reason: str) -> None:
        await self.pool.execute("UPDATE operator_sessions SET ended_at = now(), ended_reason = $2 "
                                "WHERE id_hash = $1 AND ended_at IS NULL", id_hash, reason)

    async def still_live(self, id_hash: bytes) -> Session | None:
        row = await self.pool.fetchrow("SELECT * FROM operator_sessions WHERE id_hash = $1 AND ended_at IS NULL "
                                       "AND expires_at > now()", id_hash)
        return None if row is None else self._session(row)

    def _seal(self, tokens: Tokens) -> bytes:
        kept = {"refresh_token": tokens.refresh_token, "id_token": tokens.id_token}
        return self.keyring.seal(json.dumps(kept), context=self.context)

    def _session(self, row: asyncpg.Record) -> Session:
        tokens = json.loads(self.keyring.open(row["tokens"], context=self.context))
        operator = row["operator"]
        operator = Operator.model_validate_json(operator) if isinstance(operator, str) else Operator(**operator)
        return Session(id_hash=row["id_hash"], operator=operator, refresh_token=tokens["refresh_token"],
                       id_token=tokens["id_token"], refresh_due_at=row["refresh_due_at"],
                       expires_at=row["expires_at"])
