"""HTTP side: start or resume a session from intake's ticket, the exit beacon, orientation for the console."""

from __future__ import annotations

import uuid
from typing import Literal

import httpx
import structlog
from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from relais_chat import opening, sessions
from relais_chat.texts import TICKET_REFUSED
from relais_chat.victim import leave_by_exit
from relais_shared import operators, tickets
from relais_shared.api_errors import ApiError
from relais_shared.identity import Operator
from relais_shared.ratelimit import enforce
from relais_shared.tickets import TicketRejected

log = structlog.get_logger(__name__)
router = APIRouter(prefix="/v1", tags=["chat"])
TICKET_MAX_CHARS = 8000


class SessionIn(BaseModel):
    """Intake's sealed ticket: the only way to start (or resume) a conversation. No force, level or danger here."""

    model_config = ConfigDict(extra="forbid")
    ticket: str = Field(min_length=20, max_length=TICKET_MAX_CHARS)
    alias: str | None = Field(None, min_length=1, max_length=30)


class SessionOut(BaseModel):
    session_id: uuid.UUID
    secret: str = Field(description="Keep in memory only; authenticates the victim's socket (never in a URL)")
    alias: str
    resumed: bool = Field(description="True when the ticket's report already had an open conversation")


class ExitIn(BaseModel):
    session_id: uuid.UUID
    secret: str = Field(min_length=20, max_length=100)


@router.post("/sessions", status_code=201, response_model=SessionOut,
             responses={200: {"model": SessionOut, "description": "The report's open conversation, resumed"},
                        400: {"description": "Unreadable, expired or erased ticket"}})
async def start_session(body: SessionIn, request: Request, response: Response) -> SessionOut:
    """Start the conversation the ticket vouches for (201), or resume the report's open one (200)."""
    try:
        opened = await open_conversation(request, body.ticket, alias=body.alias, lang=None)
    except TicketRejected as exc:
        raise ApiError(400, TICKET_REFUSED) from exc
    if opened.resumed:
        response.status_code = 200
    return SessionOut(session_id=opened.session_id, secret=opened.secret, alias=opened.alias, resumed=opened.resumed)


async def open_conversation(request: Request, ticket_text: str, *, alias: str | None,
                            lang: str | None) -> opening.Opened:
    """Redeem the ticket and open or resume; only a new conversation counts against the address's allowance."""
    hub = request.app.state.hub
    settings = hub.runtime.settings
    ticket = tickets.redeem(hub.keyring, ticket_text.strip())
    pepper = settings.secret_key.get_secret_value()

    async def before_create(conn) -> None:
        # On the transaction's own connection: a second one from the pool could starve it under a flood.
        await enforce(request.app.state.session_limiter, request, settings.trusted_proxy_hops, db=conn)

    async with hub.runtime.pool.acquire() as conn:
        opened = await opening.open_from_ticket(conn, ticket, alias=alias, lang=lang or ticket.lang, pepper=pepper,
                                                before_create=before_create,
                                                ceiling=request.app.state.severe_ceiling)
    if opened.resumed:
        # Sockets opened with the old secret (the page before a reload, another device) are cut off.
        await hub.publish_live("replaced", session_id=opened.session_id,
                               credential=sessions.credential(pepper, opened.secret))
    log.info("chat.session_opened", session_id=str(opened.session_id), resumed=opened.resumed,
             queue="triage" if ticket.jurisdiction is None else ticket.jurisdiction.force)
    return opened


@router.post("/sessions/exit", status_code=204)
async def emergency_exit(body: ExitIn, request: Request) -> Response:
    """The page's beacon on the emergency exit; answers the same whether or not the session exists."""
    hub = request.app.state.hub
    pepper = hub.runtime.settings.secret_key.get_secret_value()
    async with hub.runtime.pool.acquire() as conn:
        session = await sessions.authenticate(conn, body.session_id, body.secret, pepper)
    if session is not None:
        await leave_by_exit(hub, session["id"])
    return Response(status_code=204, headers={"Clear-Site-Data": '"cache", "storage"'})


@router.get("/console/orientation")
async def orientation(request: Request, category: str = Query("domestic_violence", pattern=r"^[a-z_]{2,40}$"),
                      department: str | None = Query(None, pattern=r"^(\d{2,3}|2[AB])$"),
                      lang: Literal["fr", "en"] = "fr",
                      who: Operator = operators.require("chat_operator")) -> dict:
    """Intake's orientation list for the conversation at hand; unavailable rather than slow."""
    settings = request.app.state.runtime.settings
    params = {"category": category, "lang": lang, **({"department": department} if department else {})}
    try:
        async with httpx.AsyncClient(timeout=settings.orientation_timeout_seconds) as client:
            answer = await client.get(f"{settings.intake_url}/v1/orientation", params=params)
        answer.raise_for_status()
        return {"available": True, **answer.json()}
    except (httpx.HTTPError, ValueError) as exc:
        log.warning("chat.orientation_unavailable", error=type(exc).__name__)
        return {"available": False, "national": [], "local": []}
