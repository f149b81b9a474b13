"""The dispatch console: the page (French first, English on ?lang=en, on the console kit) and its WebSocket.

The page's socket is signed in by the session cookie; an API client's token travels as the socket's first
message, never in a URL, so it stays out of every log."""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path

import structlog
from fastapi import APIRouter, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import HTMLResponse, Response

from relais_escalation import duty, staffing
from relais_escalation.i18n import OUTCOMES, strings
from relais_shared import audit, operators
from relais_shared.api_errors import ROLE_REFUSED, SIGN_IN, error_frame
from relais_shared.console_kit import console_page, kit_templates
from relais_shared.identity import AuthError
from relais_shared.signin.gate import Lease
from relais_shared.socket_guard import FrameLimits, Overrun, SocketGuard

log = structlog.get_logger(__name__)
HERE = Path(__file__).parent
templates = kit_templates(HERE / "templates")
router = APIRouter(tags=["console"])
AUTH_SECONDS = 10
# What the page sends: a sign-in (a token of at most 8 KB), then a heartbeat every 5 seconds. Anything bigger
# is refused before it is parsed, anything faster than this pace is a client to cut off (1009, 1008).
LIMITS = FrameLimits(max_bytes=16 * 1024, burst=20, per_second=2.0, typing_every=0)


@router.get("/console", response_class=HTMLResponse, include_in_schema=False)
async def dispatch_console(request: Request, lang: str = "fr") -> Response:
    """The console for a signed-in dispatcher or supervisor; anyone else is sent to sign in or told what is
    missing. The page's socket is signed in by the same session cookie."""
    return await console_page(request, templates=templates, template="console.html",
                              roles=("dispatcher", "supervisor"), texts=strings(lang), lang=lang,
                              context={"outcomes": OUTCOMES})


@router.get("/favicon.ico", include_in_schema=False)
async def favicon() -> Response:
    return Response(status_code=204)


@router.websocket("/v1/console/ws")
async def console_socket(socket: WebSocket):
    await socket.accept()
    pace = SocketGuard(LIMITS)
    lease, last_seen = await _authenticate(socket, pace)
    if lease is None:
        return
    operator = lease.operator
    app = socket.app
    hub, pool, node = app.state.hub, app.state.runtime.pool, app.state.dispatch.node
    async with pool.acquire() as conn, conn.transaction():
        connection_id = await staffing.come_on_duty(conn, operator, node)
        await duty.opened(conn, operator, connection_id, app.state.runtime.settings)
        await audit.record(conn, operator, "console.connect", "console", str(connection_id))
    console = None
    try:
        # On duty before the console says hello: an emergency arriving from now on finds this operator.
        await socket.send_json({"type": "hello", "alias": operator.alias, "force": operator.force,
                                "departments": list(operator.departments), "orange": operator.orange_clearance})
        console = await hub.join(socket, operator, last_seen)
        # Closed (4401) when the session ends, expires or is revoked: the console asks to sign in again.
        async with operators.gate_of(socket).watching(socket, lease):
            while True:
                message = await _receive(socket, pace)
                if isinstance(message, dict) and message.get("type") == "heartbeat":
                    async with pool.acquire() as conn:
                        await staffing.heartbeat(conn, connection_id)
                        await duty.renew(conn, operator, app.state.runtime.settings)
    except (WebSocketDisconnect, RuntimeError, ValueError):
        pass
    finally:
        if console is not None:
            hub.leave(console)
        with contextlib.suppress(Exception):
            async with pool.acquire() as conn, conn.transaction():
                await staffing.go_off_duty(conn, connection_id)
                await duty.closed(conn, operator, app.state.runtime.settings)


async def _authenticate(socket: WebSocket, pace: SocketGuard) -> tuple[Lease | None, int | None]:
    """The first message: {"type": "auth", "last_seq": n} (the session cookie signed the socket in; an API client
    adds "token"); anything else closes the socket."""
    try:
        first = await asyncio.wait_for(_receive(socket, pace), AUTH_SECONDS)
        if not isinstance(first, dict) or first.get("type") != "auth":
            raise ValueError("not a sign-in")
        token, last_seq = first.get("token"), first.get("last_seq")
        lease = await operators.lease_of(socket, token if isinstance(token, str) else None)
    except WebSocketDisconnect:
        return None, None  # gone, or cut for breaking a limit (and told so)
    except (TimeoutError, KeyError, TypeError, ValueError, AuthError) as exc:
        log.info("escalation.console_refused", error=type(exc).__name__)
        await _refuse(socket, 4401, error_frame("auth", SIGN_IN))
        return None, None
    if not lease.operator.has_any("dispatcher", "supervisor"):
        await _refuse(socket, 4403, error_frame("role", ROLE_REFUSED))
        return None, None
    return lease, last_seq if isinstance(last_seq, int) and last_seq >= 0 else None


async def _refuse(socket: WebSocket, code: int, frame: dict[str, str]) -> None:
    with contextlib.suppress(Exception):
        await socket.send_json(frame)
        await socket.close(code=code)


async def _receive(socket: WebSocket, guard: SocketGuard):
    """The next message, measured and paced before it is parsed as JSON; past a limit the socket is closed."""
    message = await socket.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    try:
        raw = guard.admit(message)
    except Overrun as overrun:
        await _refuse(socket, overrun.close_code, overrun.frame)
        raise WebSocketDisconnect(overrun.close_code) from overrun
    return json.loads(raw or b"")
