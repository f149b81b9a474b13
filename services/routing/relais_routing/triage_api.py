"""National triage API: triage operators list the reports routing could not resolve and assign them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from relais_routing import triage, triage_store
from relais_routing.holder import IndexHolder
from relais_routing.metrics import TRIAGE_ASSIGNED
from relais_shared import audit, outbox
from relais_shared.api_errors import ApiError
from relais_shared.bilingual import Bilingual, Problem
from relais_shared.identity import NATIONAL, Operator
from relais_shared.operators import require

router = APIRouter(prefix="/v1/triage", tags=["triage"])
TRIAGE_ROLES = ("triage_operator",)  # the triage page asks for the same roles
TRIAGE = require(*TRIAGE_ROLES)
GONE = Bilingual(fr="Aucun signalement à attribuer avec cet identifiant : il a déjà été attribué ou effacé.",
                 en="No report to assign with this id: it was already assigned or erased.")
NATIONAL_ONLY = Bilingual(fr="Le tri national demande une habilitation nationale.",
                          en="National triage needs a national scope.")
# Messages for the assignment form's fields when they are missing or not one of the choices.
FIELD_MESSAGES = {
    "force": Bilingual(fr="Choisissez la police (PN) ou la gendarmerie (GN).",
                       en="Choose the police (PN) or the gendarmerie (GN)."),
    "department": triage.UNKNOWN_DEPARTMENT,
}


class Commune(BaseModel):
    insee: str
    name: str


class TriageReport(BaseModel):
    report_id: uuid.UUID
    postal_code: str
    insee: str | None
    commune: Commune | None
    reason: str
    category: str
    level: Literal["orange", "blue"]
    danger_level: Literal["standard", "high", "severe"]
    callback_accepted: bool
    mode: str
    received_at: datetime
    waited_seconds: int
    suggested_departments: list[str]


class TriageList(BaseModel):
    reports: list[TriageReport]


class Assignment(BaseModel):
    model_config = ConfigDict(extra="forbid")
    force: Literal["PN", "GN"]
    department: str = Field(min_length=1, max_length=8, examples=["35"])


class Assigned(BaseModel):
    report_id: uuid.UUID
    force: Literal["PN", "GN"]
    department: str
    operational_centre: str | None
    platform_queue: str


def national(who: Operator) -> Operator:
    """Triage is national: an operator scoped to some departments only would hand out others' cases."""
    if NATIONAL not in who.departments:
        raise ApiError(403, NATIONAL_ONLY)
    return who


@router.get("/reports", response_model=TriageList)
async def waiting_reports(request: Request, who: Operator = TRIAGE) -> TriageList:
    """Reports waiting for a force and a department, most dangerous first, then oldest first (audited)."""
    national(who)
    index = _holder(request).index
    async with request.app.state.runtime.pool.acquire() as conn, conn.transaction():
        rows = await triage_store.waiting(conn)
        await audit.record(conn, who, "triage.list", "triage_list", "national", details={"count": len(rows)})
    return TriageList(reports=[_out(index, row) for row in rows])


@router.post("/reports/{report_id}/assign", response_model=Assigned,
             responses={404: {}, 422: {}, 403: {}, 401: {}})
async def assign(report_id: uuid.UUID, body: Assignment, request: Request, who: Operator = TRIAGE) -> Assigned:
    """Give a report its force and department: it leaves the list and follows the routed path (audited)."""
    national(who)
    index = _holder(request).index
    try:
        department = triage.department_of(index, body.department)
    except triage.UnknownDepartment:
        raise ApiError.problems([Problem("department", triage.UNKNOWN_DEPARTMENT)]) from None
    async with request.app.state.runtime.pool.acquire() as conn, conn.transaction():
        row = await triage_store.take(conn, report_id)
        if row is None:
            raise ApiError(404, GONE, detail=GONE.as_message())  # `detail` as its clients have always read it
        routed = triage.routed_by_triage(index, report_id, row["insee"], body.force, department)
        await outbox.add(conn, routed)
        await audit.record(conn, who, "triage.assign", "report", str(report_id),
                           details={"force": body.force, "department": department.code, "reason": row["reason"]})
    TRIAGE_ASSIGNED.labels(body.force).inc()
    return Assigned(report_id=report_id, force=routed.force, department=routed.department,
                    operational_centre=routed.operational_centre, platform_queue=routed.platform_queue)


def _holder(request: Request) -> IndexHolder:
    return request.app.state.holder


def _out(index, row) -> TriageReport:
    commune = index.by_insee(row["insee"]) if row["insee"] else None
    return TriageReport(
        **{k: row[k] for k in triage_store.COLUMNS}, waited_seconds=max(0, int(row["waited_seconds"])),
        commune=Commune(insee=commune.insee, name=commune.name) if commune else None,
        suggested_departments=triage.suggested_departments(index, row["postal_code"], row["insee"]))
