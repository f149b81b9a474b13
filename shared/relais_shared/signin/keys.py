"""The provider's signing keys, kept off the request path.

Keys are fetched at start-up and again only when a token names a key we do not hold, at most once per
cool-down and within a short timeout, so a made-up token or an unreachable provider costs a request at most
that timeout and never blocks the event loop. A key set is trusted for `max_age` seconds: a key the provider
removed from its JWKS stops being trusted at the next refresh, not at the next restart.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import jwt
import structlog

from relais_shared.identity import AuthError

log = structlog.get_logger(__name__)


class KeySet:
    """Keys by kid from a JWKS URL (refreshed) or a file (development), with single-flight refreshes."""

    def __init__(self, *, jwks_url: str | None = None, jwks_file: Path | None = None, timeout: float = 3.0,
                 cooldown: float = 30.0, max_age: float = 600.0, http: httpx.AsyncClient | None = None,
                 discover: Callable[[], Awaitable[str]] | None = None):
        self.jwks_url, self.jwks_file, self.discover = jwks_url, jwks_file, discover
        self.timeout, self.cooldown, self.max_age = timeout, cooldown, max_age
        self._http = http
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = float("-inf")  # when the held keys were fetched
        self._tried_at = float("-inf")  # when a fetch was last attempted, successful or not
        self._lock = asyncio.Lock()
        if jwks_file is not None:
            self._keys = _parse(json.loads(Path(jwks_file).read_text()))
            self._fetched_at = float("inf")  # a file is trusted as long as the process runs

    @property
    def kids(self) -> frozenset[str]:
        return frozenset(self._keys)

    async def load(self) -> bool:
        """Fetch now (start-up); False when the provider did not answer, which a later request retries."""
        return await self._refresh(force=True)

    async def key(self, kid: str | None) -> Any:  # PyJWK's key object, of the type its algorithm chose
        """The verification key named `kid`, refreshing once if it is unknown or the set is stale."""
        now = time.monotonic()
        if kid not in self._keys or now - self._fetched_at > self.max_age:
            await self._refresh(force=False)
        found = self._keys.get(kid) if kid is not None else None
        return None if found is None else found.key

    async def _refresh(self, *, force: bool) -> bool:
        if self.jwks_url is None and self.discover is None:
            return False
        async with self._lock:  # concurrent misses wait for one fetch rather than start one each
            now = time.monotonic()
            if not force and now - self._tried_at < self.cooldown:
                return False
            self._tried_at = now
            try:
                if self.jwks_url is None:  # from the provider's discovery document, once it answers
                    assert self.discover is not None  # checked above: without a URL there is a discovery
                    self.jwks_url = await self.discover()
                client = self._http or httpx.AsyncClient()
                try:
                    answer = await client.get(self.jwks_url, timeout=self.timeout)
                    answer.raise_for_status()
                    keys = _parse(answer.json())
                finally:
                    if self._http is None:
                        await client.aclose()
            except (httpx.HTTPError, AuthError, ValueError, KeyError, TypeError, jwt.PyJWTError) as exc:
                log.warning("signin.keys_unavailable", error=type(exc).__name__)
                return False
            removed = sorted(set(self._keys) - set(keys))
            self._keys, self._fetched_at = keys, time.monotonic()
            log.info("signin.keys_loaded", kids=sorted(keys), removed=removed)
            return True


def _parse(jwks: dict[str, Any]) -> dict[str, jwt.PyJWK]:
    """Signing keys with a kid; encryption keys and keys of algorithms we do not accept are left out."""
    keys = {}
    for entry in jwks.get("keys", []):
        if entry.get("use", "sig") != "sig" or "kid" not in entry:
            continue
        try:
            keys[entry["kid"]] = jwt.PyJWK(entry)
        except jwt.PyJWTError:
            continue
    return keys
