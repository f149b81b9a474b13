"""National triage: conversations with no known force wait in platform.triage until a triage operator hands
each one to a force and department."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Literal

import asyncpg
import structlog
from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from relais_chat import queueing
from relais_chat.rules import DEPARTMENT, platform_of
from relais_chat.texts import OUTSIDE_SCOPE
from relais_shared import audit, contracts, operators, outbox
from relais_shared.api_errors import ApiError
from relais_shared.identity import NATIONAL, Operator

log = structlog.get_logger(__name__)
router = APIRouter(prefix="/v1/console", tags=["triage"])
TRIAGE = "platform.triage"


class AssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    force: Literal["PN", "GN"]
    department: str = Field(pattern=DEPARTMENT, description="INSEE department code: 01-95, 971-976, 2A, 2B")


class AssignOut(BaseModel):
    session_id: uuid.UUID
    force: Literal["PN", "GN"]
    department: str
    platform_queue: str


async def triage_queue(conn: asyncpg.Connection, who: Operator) -> list[dict]:
    """The waiting conversations of the national triage queue this operator covers; never a word of them."""
    now = datetime.now(UTC)
    return [{"session_id": str(r["id"]), "alias": r["alias"], "level": r["level"], "danger_level": r["danger_level"],
             "category": r["category"], "department": r["department"],
             "report_id": str(r["report_id"]) if r["report_id"] else None,
             "waited_seconds": round((now - r["queued_at"]).total_seconds())}
            for r in await queueing.waiting(conn, TRIAGE) if who.covers(None, r["department"])]


async def assign(conn: asyncpg.Connection, session_id: uuid.UUID, who: Operator, force: str,
                 department: str) -> contracts.ChatSessionTransferred | None:
    """Move a waiting triage conversation to the force's queue for that department; None when out of reach."""
    async with conn.transaction():
        session = await conn.fetchrow("SELECT status, platform_queue, department FROM chat_sessions WHERE id = $1 "
                                      "FOR UPDATE", session_id)
        if session is None or session["status"] != "waiting" or session["platform_queue"] != TRIAGE \
                or not who.covers(None, session["department"]):
            return None
        # She keeps her place: queued_at stays, so the time she already waited counts in the force's queue.
        await conn.execute("UPDATE chat_sessions SET force = $2, department = $3, platform_queue = $4, "
                           "operational_centre = NULL WHERE id = $1", session_id, force, department,
                           platform_of(force))
        event = contracts.ChatSessionTransferred(session_id=session_id, from_force=None, to_force=force,
                                                 to_department=department)
        await audit.record(conn, who, "chat.triage_assign", "chat_session", str(session_id),
                           details={"to_force": force, "to_department": department})
        await outbox.add(conn, event)
        return event


@router.post("/sessions/{session_id}/assign", response_model=AssignOut,
             responses={403: {"description": "Department outside the operator's scope"},
                        404: {"description": "No waiting triage conversation with this id in scope"}})
async def assign_session(session_id: uuid.UUID, body: AssignIn, request: Request,
                         who: Operator = operators.require("triage_operator")) -> AssignOut:
    """Hand a conversation waiting in national triage to a force and department (audited)."""
    if NATIONAL not in who.departments and body.department not in who.departments:
        raise ApiError(403, OUTSIDE_SCOPE)
    async with request.app.state.runtime.pool.acquire() as conn:
        event = await assign(conn, session_id, who, body.force, body.department)
    if event is None:
        raise operators.not_found()
    log.info("chat.triage_assigned", session_id=str(session_id), force=body.force, department=body.department)
    return AssignOut(session_id=session_id, force=body.force, department=body.department,
                     platform_queue=platform_of(body.force))
