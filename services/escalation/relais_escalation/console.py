"""The dispatch console: the page (French first, English on ?lang=en) and its WebSocket.

The token travels as the socket's first message, never in a URL, so it stays out of every log."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import structlog
from fastapi import APIRouter, Query, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from relais_escalation import staffing
from relais_escalation.i18n import strings
from relais_shared import audit, operators
from relais_shared.identity import AuthError, Operator

log = structlog.get_logger(__name__)
HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
router = APIRouter(tags=["console"])
AUTH_SECONDS = 10


@router.get("/console", response_class=HTMLResponse, include_in_schema=False)
async def console_page(request: Request, lang: str = Query("fr", pattern="^(fr|en)$")):
    return templates.TemplateResponse(request, "console.html", {"lang": lang, "t": strings(lang),
                                                                 "strings_json": strings(lang)})


@router.get("/favicon.ico", include_in_schema=False)
async def favicon() -> Response:
    return Response(status_code=204)


@router.websocket("/v1/console/ws")
async def console_socket(socket: WebSocket):
    await socket.accept()
    operator, last_seen = await _authenticate(socket)
    if operator is None:
        return
    app = socket.app
    hub, pool, node = app.state.hub, app.state.runtime.pool, app.state.dispatch.node
    async with pool.acquire() as conn, conn.transaction():
        connection_id = await staffing.come_on_duty(conn, operator, node)
        await audit.record(conn, operator, "console.connect", "console", str(connection_id))
    console = None
    try:
        # On duty before the console says hello: an emergency arriving from now on finds this operator.
        await socket.send_json({"type": "hello", "alias": operator.alias, "force": operator.force,
                                "departments": list(operator.departments), "orange": operator.orange_clearance})
        console = await hub.join(socket, operator, last_seen)
        while True:
            message = await socket.receive_json()
            if isinstance(message, dict) and message.get("type") == "heartbeat":
                async with pool.acquire() as conn:
                    await staffing.heartbeat(conn, connection_id)
    except (WebSocketDisconnect, RuntimeError, ValueError):
        pass
    finally:
        if console is not None:
            hub.leave(console)
        with contextlib.suppress(Exception):
            async with pool.acquire() as conn:
                await staffing.go_off_duty(conn, connection_id)


async def _authenticate(socket: WebSocket) -> tuple[Operator | None, int | None]:
    """The first message: {"type": "auth", "token": "…", "last_seq": n}; anything else closes the socket."""
    try:
        first = await asyncio.wait_for(socket.receive_json(), AUTH_SECONDS)
        token, last_seq = str(first["token"]), first.get("last_seq")
        verifier = getattr(socket.app.state, "verifier", None) or operators.build_verifier(
            socket.app.state.runtime.settings)
        socket.app.state.verifier = verifier
        operator = verifier.verify(token.strip())
    except (TimeoutError, KeyError, TypeError, ValueError, AuthError, WebSocketDisconnect) as exc:
        log.info("escalation.console_refused", error=type(exc).__name__)
        await _refuse(socket, 4401, "Sign in with a valid operator token. / Connectez-vous avec un jeton valide.")
        return None, None
    if not operator.has_any("dispatcher", "supervisor"):
        await _refuse(socket, 4403, "Your role does not allow this. / Votre rôle ne le permet pas.")
        return None, None
    return operator, last_seq if isinstance(last_seq, int) and last_seq >= 0 else None


async def _refuse(socket: WebSocket, code: int, message: str) -> None:
    with contextlib.suppress(Exception):
        await socket.send_json({"type": "error", "message": message})
        await socket.close(code=code)
