"""A dispatcher takes a burst as one: every waiting report in it acknowledged at once, each one audited."""

from __future__ import annotations

import uuid

import asyncpg
from fastapi import APIRouter, Request

from relais_escalation import actions
from relais_shared import audit, operators
from relais_shared.identity import Operator

router = APIRouter(prefix="/v1", tags=["dispatch"])
DISPATCH = operators.require("dispatcher", "supervisor")


async def acknowledge_burst(conn: asyncpg.Connection, operator: Operator, burst_id: uuid.UUID) -> int | None:
    """Acknowledge the burst's waiting members in the operator's scope; None when it has none in scope."""
    members = await conn.fetch("SELECT id, status, force, department FROM incidents WHERE burst_id = $1 "
                               "ORDER BY created_at", burst_id)
    mine = [m for m in members if operator.covers(m["force"], m["department"])]
    if not mine:
        return None
    taken = 0
    for member in mine:
        if member["status"] != "open":
            continue
        try:
            # Each member keeps its own acknowledgement, audit row and event: the reports stay distinct cases.
            await actions.acknowledge(conn, operator, member["id"])
            taken += 1
        except actions.Conflict:
            pass  # a colleague acknowledged this one meanwhile
    await audit.record(conn, operator, "burst.acknowledge", "burst", str(burst_id),
                       details={"acknowledged": taken, "members": len(mine)})
    return taken


@router.post("/bursts/{burst_id}/acknowledge", summary="I have the burst: acknowledge every waiting report in it")
async def acknowledge(burst_id: uuid.UUID, request: Request, operator: Operator = DISPATCH) -> dict:
    async with request.app.state.runtime.pool.acquire() as conn, conn.transaction():
        count = await acknowledge_burst(conn, operator, burst_id)
    if count is None:
        raise operators.not_found()
    return {"burst_id": str(burst_id), "acknowledged": count}
