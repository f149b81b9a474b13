"""Refuses NUL bytes and invalid Unicode in the path, query string and body, once, before any service code runs.

PostgreSQL cannot store a NUL character and UTF-8 cannot encode a lone surrogate: let either through and it
surfaces far away as a 500 (asyncpg, the JSON encoder, a CSV export). Web clients never send them, attackers and
fuzzers do, so the answer is a plain 422 saying what is wrong, in the services' usual error shape.
"""

from __future__ import annotations

import json
import re
from urllib.parse import unquote_to_bytes

import structlog
from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from relais_shared.api_errors import problems_body
from relais_shared.bilingual import Bilingual, Problem

log = structlog.get_logger(__name__)

FORBIDDEN = re.compile("[\x00\ud800-\udfff]")  # NUL, and surrogates (only a broken client produces them)
MESSAGE = Bilingual(fr="La requête contient un caractère non autorisé (un octet nul ou de l'Unicode invalide). "
                       "Retirez-le et réessayez.",
                    en="The request contains a character that is not allowed (a null byte or invalid Unicode). "
                       "Remove it and try again.")
TOO_DEEP = Bilingual(fr="La requête est trop profondément imbriquée.", en="The request is nested too deeply.")
OUT_OF_RANGE = Bilingual(fr="Une date ou un nombre de la requête sort de ce qui peut être enregistré (par exemple une "
                            "année avant 1 ou après 9999 une fois convertie en UTC). Vérifiez-la et réessayez.",
                         en="A date or number in the request is outside what can be recorded (for example a year "
                            "before 1 or after 9999 once converted to UTC). Check it and try again.")
FORM = "application/x-www-form-urlencoded"


def clean_text(raw: bytes) -> bool:
    """Strict UTF-8 without NUL or surrogates."""
    try:
        return FORBIDDEN.search(raw.decode("utf-8")) is None
    except UnicodeDecodeError:
        return False


def clean_url_part(raw: bytes) -> bool:
    """A percent-encoded path or query, checked on the bytes it decodes to (an invalid %FF is refused too)."""
    return clean_text(unquote_to_bytes(raw.replace(b"+", b" ")))


def json_problem(raw: bytes) -> Bilingual | None:
    """What is wrong with a JSON body's text, if anything; a body that is not JSON is left to the validation."""
    if not clean_text(raw):
        return MESSAGE
    try:
        document = json.loads(raw)
    except RecursionError:
        return TOO_DEEP
    except ValueError:
        return None
    pending = [document]
    while pending:  # iterative: a deeply nested document must not exhaust the stack here either
        item = pending.pop()
        if isinstance(item, str):
            if FORBIDDEN.search(item):  # escapes such as \u0000 or a lone \ud800 pass the byte check
                return MESSAGE
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return None


def body_kind(headers: dict[bytes, bytes]) -> str | None:
    """"json" or "form" for the bodies the services parse (FastAPI reads a body without a type as JSON)."""
    media = headers.get(b"content-type", b"").split(b";")[0].strip().lower().decode("latin-1")
    if media in ("", "application/json") or media.endswith("+json"):
        return "json"
    return "form" if media == FORM else None


class InputGuard:
    """ASGI middleware: 422 for bad characters in path, query or body (a WebSocket handshake is closed, 1007)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        raw_path = scope.get("raw_path")  # the path as sent: its %-escapes may hide invalid UTF-8
        path_ok = clean_url_part(raw_path.split(b"?")[0]) if raw_path else FORBIDDEN.search(scope["path"]) is None
        problem: tuple[str, Bilingual] | None = None
        if not path_ok:
            problem = ("path", MESSAGE)
        elif not clean_url_part(scope.get("query_string") or b""):
            problem = ("query", MESSAGE)
        if problem is None and scope["type"] == "http":
            receive, problem = await self._checked_body(scope, receive)
        if problem is None:
            return await self.app(scope, receive, send)
        if scope["type"] == "websocket":
            return await send({"type": "websocket.close", "code": 1007})
        await _reply_422(send, *problem)

    @staticmethod
    async def _checked_body(scope: Scope, receive: Receive) -> tuple[Receive, tuple[str, Bilingual] | None]:
        """Reads a JSON or form body once to check it, and hands the app a receive that replays it."""
        kind = body_kind(dict(scope.get("headers") or []))
        if kind is None:
            return receive, None
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return _replay([message], receive), None
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        wrong = None
        if body:
            wrong = json_problem(body) if kind == "json" else (None if clean_url_part(body) else MESSAGE)
        replay = _replay([{"type": "http.request", "body": body, "more_body": False}], receive)
        return replay, (("body", wrong) if wrong else None)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    async def replaying() -> Message:
        return messages.pop(0) if messages else await receive()

    return replaying


async def _reply_422(send: Send, field: str, message: Bilingual) -> None:
    body = json.dumps(problems_body([Problem(field, message)]), ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 422, "headers": headers})
    await send({"type": "http.response.body", "body": body})



async def out_of_range(_request: Request, exc: Exception) -> JSONResponse:
    """422 for a value no calendar or column can hold: Python's datetime overflow, PostgreSQL's data exceptions."""
    log.warning("http.value_out_of_range", error=type(exc).__name__)
    return JSONResponse(problems_body([Problem("request", OUT_OF_RANGE)]), status_code=422)
