"""Outcomes for the department's statistics: one line per closed entry, without personal data.

Her questionnaire answers are orange content: the line-per-case export is for operators cleared for it; anyone
else in scope gets counts by outcome only (nothing about any one case).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from relais_followup.cell import Cell, check_scope
from relais_followup.store import open_answers
from relais_followup.windows import zone_for
from relais_shared import audit, csv_export, operators
from relais_shared.api_errors import ApiError
from relais_shared.bilingual import Bilingual, Problem
from relais_shared.identity import Operator

router = APIRouter(prefix="/v1/exports", tags=["follow-up"])
# No case reference, entry id, commune, contact or exact time: dates only, codes only.
BACKWARDS = Bilingual(fr="La date de fin ne peut pas précéder la date de début.",
                      en="The end date must not be before the start date.")
COLUMNS = ("department", "force", "unit_id", "source", "risk_level", "window_start_date", "closed_date", "attempts",
           "failed_attempts", "contacted", "welfare_check", "unsafe_answer", "outcome")
AGGREGATE_COLUMNS = ("department", "force", "source", "risk_level", "outcome", "entries", "contacted",
                     "welfare_check", "unsafe_answer")


def outcome_lines(rows, cell: Cell) -> str:
    """CSV text: the fixed columns, then one column per question of the questionnaire."""
    questions = cell.questionnaire.ids()
    lines = []
    for row in rows:
        answers = open_answers(cell.ring, row["id"], row["answers_sealed"])
        lines.append([row["department"], row["force"], row["unit_id"] or "", row["source"], row["risk_level"],
                      _local_date(row["window_start"], row), _local_date(row["closed_at"], row),
                      row["attempts"], row["failed_attempts"], _yes(row["contacted"]), _yes(row["welfare"]),
                      _yes(row["unsafe"]), row["outcome"]] + [answers.get(q, "") for q in questions])
    return csv_export.render(COLUMNS + tuple(f"answer_{q}" for q in questions), lines)


def outcome_counts(rows) -> str:
    """CSV text: how many closed entries per source, risk level and outcome; no answer, unit or date."""
    counts: dict[tuple, list[int]] = {}
    for row in rows:
        key = (row["department"], row["force"], row["source"], row["risk_level"], row["outcome"])
        n = counts.setdefault(key, [0, 0, 0, 0])
        for i, flag in enumerate((True, row["contacted"], row["welfare"], row["unsafe"])):
            n[i] += bool(flag)
    ordered = sorted(counts.items(), key=lambda kv: [str(v) for v in kv[0]])
    return csv_export.render(AGGREGATE_COLUMNS, [list(key) + n for key, n in ordered])


def _local_date(at: datetime, row) -> str:
    return at.astimezone(zone_for(row["department"])).date().isoformat()


def _yes(value: bool) -> str:
    return "yes" if value else "no"


@router.get("/outcomes.csv", summary="Closed entries of a department between two dates, no personal data",
            description="One line per entry for operators cleared for orange content; counts by outcome otherwise.")
async def outcomes_csv(request: Request, department: str = Query(pattern=r"^[0-9AB]{2,3}$"),
                       from_: date = Query(alias="from"), to: date = Query(),
                       who: Operator = operators.require("followup", "supervisor")):
    if to < from_:
        raise ApiError.problems([Problem("to", BACKWARDS)])
    check_scope(who, who.force, department)
    cell: Cell = request.app.state.cell
    start, end = datetime.combine(from_, time()), datetime.combine(to + timedelta(days=1), time())
    async with cell.pool.acquire() as conn, conn.transaction():
        rows = await conn.fetch(
            """SELECT e.*, EXISTS (SELECT 1 FROM emergencies m WHERE m.entry_id = e.id AND kind = 'welfare_check')
                          AS welfare,
                      EXISTS (SELECT 1 FROM emergencies m WHERE m.entry_id = e.id AND kind = 'unsafe_answer')
                          AS unsafe
               FROM entries e WHERE department = $1 AND force = $2 AND status = 'closed'
                 AND closed_at >= ($3::timestamp AT TIME ZONE time_zone)
                 AND closed_at < ($4::timestamp AT TIME ZONE time_zone)
               ORDER BY closed_at""", department, who.force, start, end)
        lines = who.may_read("orange")
        await audit.record(conn, who, "followup.export_outcomes", "department", department,
                           details={"from": from_.isoformat(), "to": to.isoformat(), "rows": len(rows),
                                    "aggregates": not lines})
    kind = "" if lines else "-aggregates"
    filename = f"relais-followup-{department}-{from_.isoformat()}-{to.isoformat()}{kind}.csv"
    body = outcome_lines(rows, cell) if lines else outcome_counts(rows)
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})
