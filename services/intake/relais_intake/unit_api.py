"""The unit side of reports: officers of the competent force read them, answer the reporter, raise the level.

Every read and change is audited; orange content opens only for operators cleared for it; anything out of
scope answers 404 exactly like a report that does not exist.
"""

from __future__ import annotations

import base64
import uuid
from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from relais_intake import receipt_access
from relais_intake.store import sealed_context
from relais_shared import audit, contracts, outbox
from relais_shared.api_errors import ApiError
from relais_shared.bilingual import Bilingual, Problem
from relais_shared.identity import NATIONAL, Operator
from relais_shared.operators import not_found, require

router = APIRouter(prefix="/v1/unit/reports", tags=["unit"])
READERS = ("chat_operator", "supervisor")
NEEDS_CLEARANCE = Bilingual(fr="Signalement orange : habilitation requise.", en="Orange reports need clearance.")
NEVER_LOWERED = Bilingual(fr="Un niveau peut être relevé, jamais abaissé.", en="A level can be raised, never lowered.")
ALREADY_CLOSED = Bilingual(fr="Ce signalement est déjà clôturé.", en="This report is already closed.")
UNKNOWN_CURSOR = Bilingual(fr="Curseur inconnu : reprenez à la première page.",
                           en="Unknown cursor: start again from the first page.")


class ReportLine(BaseModel):
    id: uuid.UUID
    category: str
    level: Literal["orange", "blue"]
    status: str
    danger_level: str
    department: str | None
    force: str | None
    received_at: str
    left_by_exit: bool
    mode: Literal["report", "chat"] = Field(description="chat: she asked to talk now and wrote no report")


class ReportDetail(ReportLine):
    restricted: bool = Field(description="True when the content is orange and the operator is not cleared")
    text: str | None = None
    location_hint: str | None = None
    contact: str | None = None
    messages: list[dict] = Field(default_factory=list)


class ReplyIn(BaseModel):
    text: str = Field(min_length=1, max_length=5000)


class CloseIn(BaseModel):
    # A code, never free text: it travels on report.closed (counts by outcome in stats).
    outcome: str = Field(pattern=r"^[a-z][a-z0-9_]{1,63}$", examples=["complaint_filed", "oriented", "no_follow_up"])


class LevelIn(BaseModel):
    level: Literal["orange", "blue"]
    reason: str = Field(min_length=3, max_length=300)


SELECT = """SELECT id, category, level, status, danger_level, routing->>'department' AS department,
                   routing->>'force' AS force, created_at, left_by_exit_at IS NOT NULL AS left_by_exit,
                   text_sealed, location_sealed, contact_sealed, mode FROM reports"""


def _line(row) -> dict:
    return {"id": row["id"], "category": row["category"], "level": row["level"], "status": row["status"],
            "danger_level": row["danger_level"], "department": row["department"], "force": row["force"],
            "received_at": row["created_at"].isoformat(timespec="minutes"), "left_by_exit": row["left_by_exit"],
            "mode": row["mode"]}


async def _in_scope(conn, who: Operator, report_id: uuid.UUID):
    row = await conn.fetchrow(SELECT + " WHERE id = $1 AND status <> 'erased'", report_id)
    if row is None or not who.covers(row["force"], row["department"]):
        raise not_found()
    return row


NEXT_PAGE = {"description": 'The next page, when there is one: <…?cursor=…>; rel="next"', "schema": {"type": "string"}}


@router.get("", response_model=list[ReportLine], responses={200: {"headers": {"Link": NEXT_PAGE}}, 422: {}})
async def list_reports(request: Request, response: Response, who: Operator = require(*READERS),
                       status: Literal["received", "routed", "unroutable", "closed"] | None = None,
                       limit: int = Query(100, ge=1, le=500),
                       cursor: str | None = Query(None, max_length=200, description="From the previous page's Link")
                       ) -> list[ReportLine]:
    """Reports of the operator's force and departments, newest first; no content in the list.

    The scope is a condition of the query itself (never a filter over a national batch, which reports from
    elsewhere could push out), and pages follow (created_at, id) so each report is listed exactly once.
    """
    after = _read_cursor(cursor)
    async with request.app.state.runtime.pool.acquire() as conn:
        rows = await conn.fetch(SELECT + SCOPED_PAGE, status, who.force, NATIONAL in who.departments,
                                list(who.departments), after[0] if after else None, after[1] if after else None,
                                limit + 1)
    if len(rows) > limit:
        rows = rows[:limit]
        following = request.url.include_query_params(cursor=_cursor(rows[-1]))
        response.headers["Link"] = f'<{following.path}?{following.query}>; rel="next"'
    return [ReportLine(**_line(r)) for r in rows]


# Same rule as Operator.covers: a report of another force never, one with no force yet only by department.
SCOPED_PAGE = """ WHERE status <> 'erased' AND ($1::text IS NULL OR status = $1)
                    AND (routing->>'force' IS NULL OR routing->>'force' = $2)
                    AND ($3::boolean OR routing->>'department' = ANY($4::text[]))
                    AND ($5::timestamptz IS NULL OR (created_at, id) < ($5, $6::uuid))
                  ORDER BY created_at DESC, id DESC LIMIT $7"""


def _cursor(row) -> str:
    raw = f"{row['created_at'].isoformat()}|{row['id']}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _read_cursor(cursor: str | None) -> tuple[datetime, uuid.UUID] | None:
    if cursor is None:
        return None
    try:
        at, _, report_id = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().partition("|")
        moment = datetime.fromisoformat(at)
        if moment.tzinfo is None:
            raise ValueError(at)
        return moment, uuid.UUID(report_id)
    except ValueError:  # binascii.Error and UnicodeDecodeError are ValueErrors too
        raise ApiError.problems([Problem("cursor", UNKNOWN_CURSOR)]) from None


@router.get("/{report_id}", response_model=ReportDetail, responses={404: {}})
async def read_report(report_id: uuid.UUID, request: Request, who: Operator = require(*READERS)) -> ReportDetail:
    """One report; its content only for operators cleared for its level. The read is audited."""
    intake = request.app.state.intake
    async with request.app.state.runtime.pool.acquire() as conn, conn.transaction():
        row = await _in_scope(conn, who, report_id)
        cleared = who.may_read(row["level"])
        await audit.record(conn, who, "report.read" if cleared else "report.read_restricted", "report", report_id)
        detail = ReportDetail(**_line(row), restricted=not cleared)
        if cleared:
            ring = intake.keyring
            detail.text = ring.open_text(row["text_sealed"], context=sealed_context("text", report_id))
            detail.location_hint = ring.open_text(row["location_sealed"], context=sealed_context("location", report_id))
            detail.contact = ring.open_text(row["contact_sealed"], context=sealed_context("contact", report_id))
            messages = await conn.fetch("SELECT author, body_sealed, created_at FROM report_messages "
                                        "WHERE report_id = $1 ORDER BY id", report_id)
            context = receipt_access.message_context(report_id)
            detail.messages = [{"author": m["author"], "at": m["created_at"].isoformat(timespec="minutes"),
                                "text": ring.open(m["body_sealed"], context=context).decode()} for m in messages]
    return detail


@router.post("/{report_id}/messages", status_code=201, responses={404: {}, 403: {}})
async def reply(report_id: uuid.UUID, body: ReplyIn, request: Request,
                who: Operator = require(*READERS)) -> dict[str, bool]:
    """Answer the reporter (she reads it with her receipt). Audited."""
    ring = request.app.state.intake.keyring
    async with request.app.state.runtime.pool.acquire() as conn, conn.transaction():
        row = await _in_scope(conn, who, report_id)
        if not who.may_read(row["level"]):
            raise ApiError(403, NEEDS_CLEARANCE)
        await conn.execute("INSERT INTO report_messages (report_id, author, body_sealed) VALUES ($1, 'unit', $2)",
                           report_id, ring.seal(body.text, context=receipt_access.message_context(report_id)))
        await audit.record(conn, who, "report.replied", "report", report_id)
    return {"sent": True}


@router.post("/{report_id}/level", responses={404: {}, 422: {}})
async def raise_level(report_id: uuid.UUID, body: LevelIn, request: Request,
                      who: Operator = require(*READERS)) -> dict[str, str]:
    """Raise a report to orange (with a reason); a level is never lowered."""
    async with request.app.state.runtime.pool.acquire() as conn, conn.transaction():
        row = await _in_scope(conn, who, report_id)
        if row["level"] == "orange" and body.level == "blue":
            raise ApiError.problems([Problem("level", NEVER_LOWERED)])
        if row["level"] != body.level:
            await conn.execute("UPDATE reports SET level = $2 WHERE id = $1", report_id, body.level)
        await audit.record(conn, who, "report.level_raised", "report", report_id, reason=body.reason,
                           details={"from": row["level"], "to": body.level})
    return {"level": body.level}


@router.post("/{report_id}/close", responses={404: {}, 403: {}, 409: {}})
async def close_report(report_id: uuid.UUID, body: CloseIn, request: Request,
                       who: Operator = require(*READERS)) -> dict[str, str]:
    """Close a report of the unit's scope with an outcome; the reporter then sees "closed". Audited."""
    async with request.app.state.runtime.pool.acquire() as conn, conn.transaction():
        row = await _in_scope(conn, who, report_id)
        if not who.may_read(row["level"]):
            raise ApiError(403, NEEDS_CLEARANCE)
        closed = await conn.fetchval("UPDATE reports SET status = 'closed', outcome = $2, closed_at = now() "
                                     "WHERE id = $1 AND status NOT IN ('closed', 'erased') RETURNING id",
                                     report_id, body.outcome)
        if closed is None:  # closed meanwhile (or just erased by her): one closing, one event
            raise ApiError(409, ALREADY_CLOSED)
        await outbox.add(conn, contracts.ReportClosed(report_id=report_id, outcome=body.outcome, force=row["force"],
                                                      department=row["department"]))
        await audit.record(conn, who, "report.closed", "report", report_id, details={"outcome": body.outcome})
    return {"status": "closed"}
