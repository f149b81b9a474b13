"""No-trace headers on every answer of every service, and never a cookie.

A victim's phone may be looked at by the aggressor: nothing may be cached, no referrer may tell another site
where she came from, and no cookie may stay behind. Operators' pages hold the most sensitive data there is and
get the same treatment. The policy allows no inline code, so the pages cannot be made to run injected script.
"""

from __future__ import annotations

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
OWN_NAMES = {name for name, _ in PAGE_HEADERS} | {b"set-cookie"}


def with_no_trace(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The answer's headers without cookies or competing caching and framing rules, plus ours."""
    return [(k, v) for k, v in headers if k.lower() not in OWN_NAMES] + PAGE_HEADERS


class NoTraceHeaders:
    """ASGI middleware putting PAGE_HEADERS on every HTTP answer (the service app factory installs it)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_safely(message):
            if message["type"] == "http.response.start":
                message["headers"] = with_no_trace(list(message.get("headers", [])))
            await send(message)

        await self.app(scope, receive, send_safely)
