"""Per-address rate limits that never keep an address: only a keyed hash that changes every day."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections import defaultdict
from datetime import UTC, datetime

from fastapi import HTTPException, Request

TOO_MANY = ("Too many attempts, try again later. In danger, call 17 or 112. / Trop de tentatives, réessayez plus "
            "tard. En danger, appelez le 17 ou le 112.")


class RateLimiter:
    """Fixed hourly windows per keyed hash of the client address; the key rotates every day.

    The address itself is never stored: only HMAC(secret, day | address), kept for the current hour.
    """

    def __init__(self, secret: str, per_hour: int):
        self._secret, self.per_hour = secret.encode(), per_hour
        self._hour, self._counts = -1, defaultdict(int)

    def key(self, address: str) -> str:
        day = datetime.now(UTC).strftime("%Y-%m-%d")
        return hmac.new(self._secret, f"{day}|{address}".encode(), hashlib.sha256).hexdigest()[:32]

    def allow(self, address: str) -> bool:
        """Count one request; False once the address's hourly allowance is spent."""
        hour = int(time.time() // 3600)
        if hour != self._hour:
            self._hour, self._counts = hour, defaultdict(int)  # a new window forgets the previous one
        key = self.key(address)
        self._counts[key] += 1
        return self._counts[key] <= self.per_hour


def client_address(scope: dict, trusted_proxy_hops: int) -> str:
    """The client's address, from X-Forwarded-For only when we sit behind trusted proxies."""
    if trusted_proxy_hops > 0:
        forwarded = dict(scope.get("headers") or []).get(b"x-forwarded-for", b"").decode("latin-1")
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= trusted_proxy_hops:
            return hops[-trusted_proxy_hops]
    client = scope.get("client")
    return client[0] if client else "unknown"


def enforce(limiter: RateLimiter, request: Request, trusted_proxy_hops: int) -> None:
    """Count this request against its address; 429 with the emergency numbers once the allowance is spent."""
    if not limiter.allow(client_address(request.scope, trusted_proxy_hops)):
        raise HTTPException(429, TOO_MANY, headers={"Retry-After": "600"})
