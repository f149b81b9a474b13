"""Routing's event handler: every received report is routed to a force, or to national triage."""

from __future__ import annotations

import asyncpg

from relais_routing.holder import IndexHolder
from relais_routing.metrics import ROUTED, UNRESOLVED
from relais_routing.model import TRIAGE_QUEUE, Resolution
from relais_shared import contracts, outbox


async def on_report_received(event: contracts.ReportReceived, *, conn: asyncpg.Connection, holder: IndexHolder,
                             **_) -> None:
    """Emit report.routed with the competent force, or report.unroutable: never a guessed force."""
    resolution = resolve_report(holder, event.postal_code, event.insee)
    if resolution.resolved:
        ROUTED.labels(resolution.force).inc()
        await outbox.add(conn, contracts.ReportRouted(
            report_id=event.report_id, insee=resolution.insee, force=resolution.force,
            unit_id=resolution.unit.id if resolution.unit else None,
            unit_name=resolution.unit.name.strip() if resolution.unit else None,
            department=resolution.department.code,
            operational_centre=resolution.centre.id if resolution.centre else None,
            platform_queue=resolution.queue,
        ))
        return
    UNRESOLVED.labels(resolution.reason).inc()
    await outbox.add(conn, contracts.ReportUnroutable(
        report_id=event.report_id, reason=resolution.reason, postal_code=event.postal_code,
        insee=resolution.insee, platform_queue=TRIAGE_QUEUE,
    ))


def resolve_report(holder: IndexHolder, postal_code: str, insee: str | None) -> Resolution:
    """Route from the chosen commune, which must belong to the postal code the person typed."""
    index = holder.index
    if insee is not None:
        commune = index.by_insee(insee)
        if commune is None or postal_code not in commune.postal_codes:
            return Resolution(False, TRIAGE_QUEUE, "unknown_commune", insee if commune else None)
    return index.route(postal_code, insee)
