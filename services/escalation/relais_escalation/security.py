"""Headers for the console and API: a strict CSP (no inline code), no caching, no referrer."""

from __future__ import annotations

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = [(b"content-security-policy", CSP.encode()), (b"cache-control", b"no-store"),
           (b"referrer-policy", b"no-referrer"), (b"x-content-type-options", b"nosniff"),
           (b"x-frame-options", b"DENY")]


class SecurityHeadersMiddleware:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message.setdefault("headers", []).extend(h for h in HEADERS if h[0] not in present)
            await send(message)

        await self.app(scope, receive, with_headers)
