"""No-trace headers on every answer of every service, and never a cookie.

A victim's phone may be looked at by the aggressor: nothing may be cached, no referrer may tell another site
where she came from, and no cookie may stay behind. Operators' pages hold the most sensitive data there is and
get the same treatment. The policy allows no inline code, so the pages cannot be made to run injected script.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")


def page_headers(form_action: Sequence[str] = ()) -> list[tuple[bytes, bytes]]:
    """The headers every answer carries; `form_action` adds origins a page's forms may post to (a peer service)."""
    for origin in form_action:
        if not ORIGIN.match(origin):  # an origin only: anything else could widen or break the policy
            raise ValueError(f"not an origin for form-action: {origin!r}")
    targets = " ".join(["'self'", *form_action])
    policy = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
              f"form-action {targets}; base-uri 'none'; frame-ancestors 'none'")
    return [
        (b"cache-control", b"no-store"),
        (b"pragma", b"no-cache"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"permissions-policy", b"geolocation=(), camera=(), microphone=(), interest-cohort=()"),
        (b"cross-origin-opener-policy", b"same-origin"),
        (b"content-security-policy", policy.encode()),
    ]


PAGE_HEADERS = page_headers()
OWN_NAMES = {name for name, _ in PAGE_HEADERS} | {b"set-cookie"}


SIGN_IN_PREFIX = "/auth/"  # the operators' sign-in routes (relais_shared/signin/flow.py), operators' host only


def with_no_trace(headers: list[tuple[bytes, bytes]], own: list[tuple[bytes, bytes]] = PAGE_HEADERS,
                  *, keep_cookies: bool = False) -> list[tuple[bytes, bytes]]:
    """The answer's headers without cookies or competing caching and framing rules, plus ours.

    Only the operators' sign-in routes may set a cookie (their session's); no other answer ever does, so a
    victim's page can leave nothing on her device.
    """
    dropped = OWN_NAMES - {b"set-cookie"} if keep_cookies else OWN_NAMES
    return [(k, v) for k, v in headers if k.lower() not in dropped] + own


class NoTraceHeaders:
    """ASGI middleware putting the no-trace headers on every HTTP answer (the service app factory installs it).

    A service whose pages post to a peer's public pages installs it once more, outermost, with that origin.
    """

    def __init__(self, app: ASGIApp, form_action: Sequence[str] = ()) -> None:
        self.app, self.headers = app, page_headers(form_action)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_safely(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = with_no_trace(list(message.get("headers", [])), self.headers,
                                                   keep_cookies=scope["path"].startswith(SIGN_IN_PREFIX))
            await send(message)

        await self.app(scope, receive, send_safely)
