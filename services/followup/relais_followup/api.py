"""The cell's REST API: scoped by force and department (404 outside), every read and change audited."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from fastapi import APIRouter, Request

from relais_followup import claims, work
from relais_followup.cell import Cell, check_scope, load_entry, require_holder_role
from relais_followup.schemas import AnswersIn, AttemptIn, ClaimOut, ClaimRef, CloseIn, EntryIn
from relais_followup.store import NewEntry, create_entry, open_answers, open_contact
from relais_followup.views import ordered, summary
from relais_followup.windows import SafeHours, callback_window, zone_name
from relais_shared import audit, operators
from relais_shared.api_errors import ApiError
from relais_shared.bilingual import Bilingual, Problem
from relais_shared.identity import Operator

router = APIRouter(prefix="/v1", tags=["follow-up"])
CELL_ROLES = ("followup", "supervisor")  # the page asks for the same (pages.py)
CELL = operators.require(*CELL_ROLES)
LOST = Bilingual(fr="Votre prise en charge a expiré : reprenez la fiche.",
                 en="Your claim on this entry has ended (lease expired or closed): claim it again.")
UNKNOWN_DEPARTMENT = Bilingual(fr="Département inconnu : indiquez son code, comme 35, 2A ou 974.",
                               en="Unknown department: give its code, like 35, 2A or 974.")
ALREADY_LISTED = Bilingual(fr="Ce dossier figure déjà sur une liste.", en="This case is already on a list.")
SAME_TIMES = Bilingual(fr="Une plage doit commencer et finir à des heures différentes.",
                       en="A safe stretch must start and end at different times, like 09:00-11:30.")
UNKNOWN_OUTCOME = Bilingual(fr="Choisissez l'une des issues proposées.", en="Choose one of the proposed outcomes.")


def _cell(request: Request) -> Cell:
    return request.app.state.cell


@router.get("/departments/{department}/entries", summary="The department's open list, most urgent first")
async def list_entries(department: str, request: Request, who: Operator = CELL):
    check_scope(who, who.force, department)
    async with _cell(request).pool.acquire() as conn, conn.transaction():
        rows = await conn.fetch("SELECT * FROM entries WHERE department = $1 AND force = $2 AND status = 'open'",
                                department, who.force)
        await audit.record(conn, who, "followup.list", "department", department, details={"count": len(rows)})
    return {"department": department, "entries": ordered(rows)}


@router.post("/departments/{department}/entries", status_code=201, summary="Add a victim to the list by hand")
async def add_entry(department: str, body: EntryIn, request: Request, who: Operator = CELL):
    check_scope(who, who.force, department)
    cell = _cell(request)
    _check_department(department)
    _check_safe_hours(body.safe_hours)
    opens, closes = cell.rules.window("manual")
    start, end = callback_window(body.intervention_at or datetime.now(UTC), department, opens_after=opens,
                                 closes_after=closes)
    entry = NewEntry(case_reference=body.case_reference, source="manual", force=who.force, department=department,
                     unit_id=body.unit_id, insee=body.insee, risk_level=body.risk_level, window_start=start,
                     window_end=end, channels=list(body.channels), safe_hours=list(body.safe_hours),
                     no_voicemail=body.no_voicemail, via_trusted_person=body.via_trusted_person,
                     contact=body.contact.model_dump(exclude_none=True))
    async with cell.pool.acquire() as conn, conn.transaction():
        entry_id = await create_entry(conn, cell.ring, entry)
        if entry_id is None:
            raise ApiError(409, ALREADY_LISTED)
        await audit.record(conn, who, "followup.create", "entry", str(entry_id))
        row = await conn.fetchrow("SELECT * FROM entries WHERE id = $1", entry_id)
    return summary(row)


def _check_department(department: str) -> None:
    """The call-back window is computed in the department's time zone: an unknown code has none."""
    try:
        zone_name(department)
    except ValueError:
        raise ApiError.problems([Problem("department", UNKNOWN_DEPARTMENT)]) from None


def _check_safe_hours(hours: list[str]) -> None:
    try:
        [SafeHours.parse(h) for h in hours]
    except ValueError as exc:
        raise ApiError(422, SAME_TIMES) from exc


@router.post("/departments/{department}/claim-next", summary="Take the most urgent free entry (a lease)")
async def claim_next(department: str, request: Request, who: Operator = CELL):
    check_scope(who, who.force, department)
    require_holder_role(who)
    cell = _cell(request)
    async with cell.pool.acquire() as conn:
        claimed = await claims.claim_next(conn, department=department, force=who.force, agent_sub=who.sub,
                                          agent_alias=who.alias, lease_seconds=cell.settings.lease_seconds)
        if claimed is None:
            return {"claimed": None}
        entry_id, claim_id, lease_until = claimed
        async with conn.transaction():
            await audit.record(conn, who, "followup.claim", "entry", str(entry_id), details={"claim": str(claim_id)})
            detail = await _detail(conn, cell, who, entry_id)
    return {"claimed": ClaimOut(entry_id=entry_id, claim_id=claim_id, lease_until=lease_until), "entry": detail}


@router.get("/entries/{entry_id}", summary="One entry; the contact only for the agent holding it")
async def read_entry(entry_id: uuid.UUID, request: Request, who: Operator = CELL):
    cell = _cell(request)
    async with cell.pool.acquire() as conn, conn.transaction():
        await load_entry(conn, who, entry_id)
        return await _detail(conn, cell, who, entry_id)


async def _detail(conn, cell: Cell, who: Operator, entry_id: uuid.UUID) -> dict:
    """The entry, its attempts and, for its live holder only, the contact and answers (audited)."""
    row = await conn.fetchrow("SELECT *, lease_until > clock_timestamp() AS live FROM entries WHERE id = $1",
                              entry_id)
    attempts = await conn.fetch("SELECT n, outcome, at FROM attempts WHERE entry_id = $1 ORDER BY n", entry_id)
    detail = {**summary(row), "attempts_log": [dict(a) for a in attempts], "contact": None, "answers": None,
              "held_by_you": bool(row["live"]) and row["claimed_by"] == who.sub}
    if detail["held_by_you"] and who.has_any("followup") and who.may_read("orange"):
        detail["contact"] = open_contact(cell.ring, entry_id, row["contact_sealed"])
        detail["answers"] = open_answers(cell.ring, entry_id, row["answers_sealed"])
        detail["claim_id"] = str(row["claim_id"])
        await audit.record(conn, who, "followup.read_contact", "entry", str(entry_id))
    else:
        await audit.record(conn, who, "followup.read", "entry", str(entry_id))
    return detail


@router.post("/entries/{entry_id}/heartbeat", summary="Keep the claim alive")
async def heartbeat(entry_id: uuid.UUID, body: ClaimRef, request: Request, who: Operator = CELL):
    cell = _cell(request)
    async with cell.pool.acquire() as conn, conn.transaction():
        await load_entry(conn, who, entry_id)
        try:
            lease_until = await claims.renew(conn, entry_id, body.claim_id, who.sub, cell.settings.lease_seconds)
        except claims.ClaimLost as exc:
            raise ApiError(409, LOST) from exc
        await audit.record(conn, who, "followup.renew", "entry", str(entry_id))
    return {"lease_until": lease_until}


@router.post("/entries/{entry_id}/release", summary="Give the entry back to the list")
async def release(entry_id: uuid.UUID, body: ClaimRef, request: Request, who: Operator = CELL):
    async with _cell(request).pool.acquire() as conn, conn.transaction():
        await load_entry(conn, who, entry_id)
        await _holding(conn, entry_id, body.claim_id, who)
        await claims.end_claim(conn, entry_id, body.claim_id, "released")
        await audit.record(conn, who, "followup.release", "entry", str(entry_id))
    return {"released": True}


async def _holding(conn, entry_id, claim_id, who: Operator):
    try:
        return await claims.hold(conn, entry_id, claim_id, who.sub)
    except claims.ClaimLost as exc:
        raise ApiError(409, LOST) from exc


@router.post("/entries/{entry_id}/attempts", status_code=201, summary="Record a call attempt")
async def record_attempt(entry_id: uuid.UUID, body: AttemptIn, request: Request, who: Operator = CELL):
    cell = _cell(request)
    async with cell.pool.acquire() as conn, conn.transaction():
        await load_entry(conn, who, entry_id)
        await _holding(conn, entry_id, body.claim_id, who)
        result = await work.record_attempt(conn, cell.ring, cell.rules, entry_id=entry_id, claim_id=body.claim_id,
                                           agent_sub=who.sub, outcome=body.outcome)
        await audit.record(conn, who, "followup.attempt", "entry", str(entry_id), details={"outcome": body.outcome})
    return result


@router.put("/entries/{entry_id}/answers", summary="Record questionnaire answers")
async def save_answers(entry_id: uuid.UUID, body: AnswersIn, request: Request, who: Operator = CELL):
    cell = _cell(request)
    problems = cell.questionnaire.problems(body.answers)
    if problems:
        raise ApiError.problems(Problem(f"answers.{field}", text) for field, text in problems)
    async with cell.pool.acquire() as conn, conn.transaction():
        await load_entry(conn, who, entry_id)
        await _holding(conn, entry_id, body.claim_id, who)
        result = await work.save_answers(conn, cell.ring, cell.rules, entry_id=entry_id, claim_id=body.claim_id,
                                         agent_sub=who.sub, answers=body.answers)
        await audit.record(conn, who, "followup.answers", "entry", str(entry_id),
                           details={"questions": sorted(body.answers)})
    return result


@router.post("/entries/{entry_id}/close", summary="Close the entry with an outcome")
async def close(entry_id: uuid.UUID, body: CloseIn, request: Request, who: Operator = CELL):
    cell = _cell(request)
    if body.outcome not in cell.rules.close_outcomes:
        raise ApiError.problems([Problem("outcome", UNKNOWN_OUTCOME)])
    async with cell.pool.acquire() as conn, conn.transaction():
        await load_entry(conn, who, entry_id)
        await _holding(conn, entry_id, body.claim_id, who)
        await work.close(conn, entry_id=entry_id, claim_id=body.claim_id, agent_sub=who.sub, outcome=body.outcome)
        await audit.record(conn, who, "followup.close", "entry", str(entry_id), details={"outcome": body.outcome})
    return {"closed": True, "outcome": body.outcome}


@router.get("/questionnaire", summary="The questions and the closing outcomes, in French or English")
async def questionnaire(request: Request, lang: str = "fr", who: Operator = CELL):
    cell = _cell(request)
    return {**cell.questionnaire.localized(lang), "close_outcomes": list(cell.rules.close_outcomes)}
