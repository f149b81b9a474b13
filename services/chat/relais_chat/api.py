"""HTTP side: start a session with the routing result, the exit beacon, orientation for the console."""

from __future__ import annotations

import uuid
from typing import Literal

import httpx
import structlog
from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator

from relais_chat import sessions
from relais_chat.rules import platform_of
from relais_chat.victim import leave_by_exit
from relais_shared import operators
from relais_shared.identity import Operator
from relais_shared.ratelimit import enforce

log = structlog.get_logger(__name__)
router = APIRouter(prefix="/v1", tags=["chat"])


class SessionIn(BaseModel):
    """The routing result the public page got for the chosen commune (no address, no free text)."""

    model_config = ConfigDict(extra="forbid")
    force: Literal["PN", "GN"] | None = None
    department: str | None = Field(None, pattern=r"^(\d{2,3}|2[AB])$")
    platform_queue: Literal["platform.pn", "platform.gn", "platform.triage"] = "platform.triage"
    level: Literal["orange", "blue"] = "orange"
    danger_level: Literal["standard", "high", "severe"] = "standard"
    report_id: uuid.UUID | None = None
    category: str | None = Field(None, pattern=r"^[a-z_]{2,40}$")
    alias: str | None = Field(None, min_length=1, max_length=30)
    lang: Literal["fr", "en"] = "fr"

    @model_validator(mode="after")
    def _queue_matches_force(self) -> SessionIn:
        if self.platform_queue != platform_of(self.force):
            raise ValueError("platform_queue must be the force's platform (platform.pn, platform.gn) or triage")
        return self


class SessionOut(BaseModel):
    session_id: uuid.UUID
    secret: str = Field(description="Keep in memory only; authenticates the victim's socket (never in a URL)")
    alias: str


class ExitIn(BaseModel):
    session_id: uuid.UUID
    secret: str = Field(min_length=20, max_length=100)


@router.post("/sessions", status_code=201, response_model=SessionOut)
async def start_session(body: SessionIn, request: Request) -> SessionOut:
    """Open an anonymous conversation; it waits in the force's platform queue."""
    enforce(request.app.state.session_limiter, request, request.app.state.hub.runtime.settings.trusted_proxy_hops)
    alias = (body.alias or "").strip() or f"Anonyme {uuid.uuid4().hex[:4].upper()}"
    new = sessions.NewSession(body.force, body.department, body.platform_queue, body.level, body.danger_level,
                              body.report_id, body.category, alias, body.lang)
    pepper = request.app.state.runtime.settings.secret_key.get_secret_value()
    async with request.app.state.runtime.pool.acquire() as conn:
        session_id, secret = await sessions.create(conn, new, pepper)
    log.info("chat.session_started", session_id=str(session_id), queue=body.platform_queue)
    return SessionOut(session_id=session_id, secret=secret, alias=alias)


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
