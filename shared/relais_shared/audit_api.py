"""The audit log of a service, for auditors: JSON or CSV, filtered; reading it is itself audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from relais_shared import audit
from relais_shared.identity import Operator
from relais_shared.operators import require

AUDIT_ROLES = ("auditor",)  # the audit page (console_kit/audit_page.py) asks for the same roles

def audit_router() -> APIRouter:
    router = APIRouter(prefix="/v1/audit", tags=["audit"])

    async def rows(request: Request, who: Operator, filters: dict[str, Any]) -> list[dict[str, Any]]:
        async with request.app.state.runtime.pool.acquire() as conn, conn.transaction():
            found = await audit.query(conn, **filters)
            await audit.record(conn, who, "audit.read", "audit_log", "*",
                               details={k: str(v) for k, v in filters.items() if v is not None})
        return found

    @router.get("", summary="Audit rows, newest first")
    async def audit_json(request: Request, who: Operator = require(*AUDIT_ROLES),
                         actor_sub: str | None = Query(None, max_length=128),
                         object_type: str | None = Query(None, max_length=64),
                         object_id: str | None = Query(None, max_length=128), since: datetime | None = None,
                         until: datetime | None = None, limit: int = Query(1000, ge=1, le=10_000),
                         ) -> list[dict[str, Any]]:
        filters = dict(actor_sub=actor_sub, object_type=object_type, object_id=object_id, since=since, until=until,
                       limit=limit)
        return [{**r, "at": r["at"].isoformat()} for r in await rows(request, who, filters)]

    @router.get(".csv", summary="The same rows as CSV", response_class=Response)
    async def audit_csv(request: Request, who: Operator = require(*AUDIT_ROLES),
                        since: datetime | None = None, until: datetime | None = None,
                        limit: int = Query(10_000, ge=1, le=100_000)) -> Response:
        found = await rows(request, who, dict(since=since, until=until, limit=limit))
        return Response(audit.to_csv(found), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="audit.csv"'})

    return router
