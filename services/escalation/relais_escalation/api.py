"""Dispatchers' REST actions: every route scoped (out of scope is 404), audited, and thin over `actions`."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Literal

import asyncpg
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator

from relais_escalation import actions, centres, feed, i18n, resolution
from relais_escalation.jurisdiction import DEPARTMENT
from relais_escalation.views import console_view, detail_view
from relais_shared import audit, operators
from relais_shared.api_errors import error_response
from relais_shared.identity import NATIONAL, Operator

router = APIRouter(prefix="/v1", tags=["dispatch"])
DISPATCH = operators.require("dispatcher", "supervisor")
Outcome = Literal["intervention_carried_out", "no_intervention_needed", "handled_by_phone", "false_alarm",
                  "duplicate", "transferred"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PatrolIn(Strict):
    unit: str = Field(min_length=1, max_length=120, examples=["Patrouille BTA Liffré 2"])


class NoteIn(Strict):
    text: str = Field(min_length=1, max_length=2000)


class CloseIn(Strict):
    outcome: Outcome


class JurisdictionIn(Strict):
    force: Literal["GN", "PN"]
    department: str = Field(pattern=DEPARTMENT.pattern, examples=["35", "2A", "974"])

    @field_validator("department", mode="before")
    @classmethod
    def _corsica_in_capitals(cls, value):
        return value.strip().upper() if isinstance(value, str) else value


def _conflict(exc: actions.Conflict) -> JSONResponse:
    return error_response(409, exc.text)


async def _detail(conn, request: Request, operator: Operator, incident_id: uuid.UUID) -> dict:
    """The incident as the operator may see it; reading it is audited."""
    row = await actions.load(conn, operator, incident_id)
    await audit.record(conn, operator, "incident.read", "incident", str(incident_id),
                       details={"opened": operator.may_read(row["level"])})
    return detail_view(row, await actions.notes_of(conn, incident_id), operator, request.app.state.dispatch)


async def _act(request: Request, operator: Operator, incident_id: uuid.UUID,
               act: Callable[[asyncpg.Connection], Awaitable[object]]) -> dict | JSONResponse:
    """One action in its transaction, answered with the incident as it now stands (409 when it conflicts)."""
    try:
        async with request.app.state.runtime.pool.acquire() as conn, conn.transaction():
            await act(conn)
            return await _detail(conn, request, operator, incident_id)
    except actions.Conflict as exc:
        return _conflict(exc)


@router.get("/incidents", summary="Incidents of my scope, not closed or closed within the hour")
async def list_incidents(request: Request, operator: Operator = DISPATCH):
    async with request.app.state.runtime.pool.acquire() as conn, conn.transaction():
        rows = [r for r in await feed.active(conn) if operator.covers(r["force"], r["department"])]
        await audit.record(conn, operator, "incident.list", "incident", "*", details={"count": len(rows)})
    return {"incidents": [console_view(r, operator, request.app.state.dispatch) for r in rows]}


@router.get("/incidents/{incident_id}", summary="One incident, with its sealed fields opened if I am cleared")
async def get_incident(incident_id: uuid.UUID, request: Request, operator: Operator = DISPATCH):
    async with request.app.state.runtime.pool.acquire() as conn, conn.transaction():
        return await _detail(conn, request, operator, incident_id)


@router.post("/incidents/{incident_id}/acknowledge", summary="I have it: stop the ladder")
async def acknowledge(incident_id: uuid.UUID, request: Request, operator: Operator = DISPATCH):
    return await _act(request, operator, incident_id, lambda conn: actions.acknowledge(conn, operator, incident_id))


@router.post("/incidents/{incident_id}/patrol", summary="Assign a patrol (free text, kept sealed)")
async def assign_patrol(incident_id: uuid.UUID, body: PatrolIn, request: Request, operator: Operator = DISPATCH):
    dispatch = request.app.state.dispatch
    return await _act(request, operator, incident_id,
                      lambda conn: actions.assign_patrol(conn, dispatch, operator, incident_id, body.unit))


@router.post("/incidents/{incident_id}/notes", summary="Add a note (kept sealed)")
async def add_note(incident_id: uuid.UUID, body: NoteIn, request: Request, operator: Operator = DISPATCH):
    dispatch = request.app.state.dispatch
    return await _act(request, operator, incident_id,
                      lambda conn: actions.add_note(conn, dispatch, operator, incident_id, body.text))


@router.post("/incidents/{incident_id}/close", summary="Close with an outcome")
async def close(incident_id: uuid.UUID, body: CloseIn, request: Request, operator: Operator = DISPATCH):
    dispatch = request.app.state.dispatch
    return await _act(request, operator, incident_id,
                      lambda conn: actions.close(conn, dispatch, operator, incident_id, body.outcome))


@router.get("/incidents/{incident_id}/contact", summary="How to reach her (cleared operators; each read audited)")
async def read_contact(incident_id: uuid.UUID, request: Request, operator: Operator = DISPATCH):
    try:
        async with request.app.state.runtime.pool.acquire() as conn, conn.transaction():
            return await actions.read_contact(conn, request.app.state.dispatch, operator, incident_id)
    except actions.Forbidden as exc:
        return error_response(403, exc.text)


@router.post("/incidents/{incident_id}/jurisdiction",
             summary="National scope: set the force and department of an unresolved incident")
async def set_jurisdiction(incident_id: uuid.UUID, body: JurisdictionIn, request: Request,
                           operator: Operator = DISPATCH):
    if NATIONAL not in operator.departments:
        return error_response(403, i18n.NATIONAL_ONLY)
    dispatch = request.app.state.dispatch
    try:
        async with request.app.state.runtime.pool.acquire() as conn, conn.transaction():
            await actions.load(conn, operator, incident_id, lock=True)
            where = await resolution.choose(conn, dispatch, incident_id, body.force, body.department)
            await audit.record(conn, operator, "incident.set_jurisdiction", "incident", str(incident_id),
                               details={"force": where.force, "department": where.department, "centre": where.centre})
            if operator.covers(where.force, where.department):
                return await _detail(conn, request, operator, incident_id)
            # Handed to the other force: it leaves this operator's scope, codes only.
            return console_view(await actions.load_unscoped(conn, incident_id), operator, dispatch)
    except resolution.Refused as exc:
        return error_response(409, exc.text)


@router.get("/centres/unstaffed", summary="Centres of my scope with nobody on duty")
async def unstaffed_centres(request: Request, operator: Operator = DISPATCH):
    async with request.app.state.runtime.pool.acquire() as conn:
        rows = await centres.unstaffed(conn)
    return {"centres": [{"centre": centres.centre_name(r), "force": r["force"], "department": r["department"],
                         "since": r["unstaffed_since"].isoformat()}
                        for r in rows if operator.covers(r["force"], r["department"])]}
