"""What keeps intake standing: a cap on request bodies (no-trace headers and rate limits are in relais_shared)."""

from __future__ import annotations

import json

from relais_shared.api_errors import error_body
from relais_shared.bilingual import Bilingual
from relais_shared.notrace import with_no_trace

TOO_LARGE = json.dumps(error_body(Bilingual(fr="La requête est trop volumineuse.",
                                             en="The request is too large."))).encode()


class SafetyMiddleware:
    """413 for bodies over the cap, declared or streamed (the no-trace headers come from relais_shared)."""

    def __init__(self, app, max_body_bytes: int):
        self.app, self.max_body_bytes = app, max_body_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body_bytes):
            return await _reply_413(send)
        received = 0

        async def capped_receive():
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body_bytes:
                raise BodyTooLarge
            return message

        try:
            await self.app(scope, capped_receive, send)
        except BodyTooLarge:
            await _reply_413(send)


class BodyTooLarge(Exception):
    """A chunked body went over the cap while being read."""


async def _reply_413(send) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(TOO_LARGE)).encode())]
    await send({"type": "http.response.start", "status": 413, "headers": with_no_trace(headers)})
    await send({"type": "http.response.body", "body": TOO_LARGE})
