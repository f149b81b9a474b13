"""What keeps a victim's device clean and the service standing: headers, body cap, rate limits."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections import defaultdict
from datetime import UTC, datetime

PAGE_HEADERS = [
    (b"cache-control", b"no-store"),
    (b"pragma", b"no-cache"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"geolocation=(), camera=(), microphone=(), interest-cohort=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"content-security-policy", b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                  b"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
]
TOO_LARGE = json.dumps({"detail": "The request is too large. / La requête est trop volumineuse."}).encode()


class SafetyMiddleware:
    """No-trace headers on every answer (and no cookie ever), and 413 for bodies over the cap."""

    def __init__(self, app, max_body_bytes: int):
        self.app, self.max_body_bytes = app, max_body_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_safely(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"set-cookie"]
                message["headers"] = headers + PAGE_HEADERS
            await send(message)

        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body_bytes):
            return await _reply_413(send_safely)
        received = 0

        async def capped_receive():
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body_bytes:
                raise BodyTooLarge
            return message

        try:
            await self.app(scope, capped_receive, send_safely)
        except BodyTooLarge:
            await _reply_413(send_safely)


class BodyTooLarge(Exception):
    """A chunked body went over the cap while being read."""


async def _reply_413(send) -> None:
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(TOO_LARGE)).encode())]})
    await send({"type": "http.response.body", "body": TOO_LARGE})


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
