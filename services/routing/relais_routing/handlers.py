"""Routing's event handlers: every received report is routed to a force, or kept for national triage."""

from __future__ import annotations

import asyncpg

from relais_routing import triage_store
from relais_routing.holder import IndexHolder
from relais_routing.metrics import ERASED_FROM_TRIAGE, ROUTED, UNRESOLVED
from relais_routing.model import TRIAGE_QUEUE, Resolution
from relais_shared import contracts, outbox


async def on_report_received(event: contracts.ReportReceived, *, conn: asyncpg.Connection, holder: IndexHolder,
                             envelope: contracts.Envelope, **_) -> None:
    """Emit report.routed with the competent force, or report.unroutable and keep it for triage: never a guess."""
    if await triage_store.is_erased(conn, event.report_id):
        return  # erased by her before routing got to it: a late answer must not bring the report back
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
    await triage_store.keep_unroutable(conn, event, resolution.reason, resolution.insee, envelope.occurred_at)
    await outbox.add(conn, contracts.ReportUnroutable(
        report_id=event.report_id, reason=resolution.reason, postal_code=event.postal_code,
        insee=resolution.insee, platform_queue=TRIAGE_QUEUE,
    ))


async def on_report_erased(event: contracts.ReportErased, *, conn: asyncpg.Connection, **_) -> None:
    """Take an erased report off the triage list, and keep a tombstone so nothing recreates it."""
    if await triage_store.erase(conn, event.report_id):
        ERASED_FROM_TRIAGE.inc()


def resolve_report(holder: IndexHolder, postal_code: str, insee: str | None) -> Resolution:
    """Route from the chosen commune, which must belong to the postal code the person typed."""
    index = holder.index
    if insee is not None:
        commune = index.by_insee(insee)
        if commune is None or postal_code not in commune.postal_codes:
            return Resolution(False, TRIAGE_QUEUE, "unknown_commune", insee if commune else None)
    return index.route(postal_code, insee)
