"""What escalation keeps, and for how long (applied by the shared daily purge and `relais purge escalation`).

A closed incident keeps its codes and times (priority, level, jurisdiction, acknowledgement, outcome: the
dispatch record) and loses, `retention_closed_days` after its closing, everything sealed that could identify
her or her address: summary, location, contact, patrol, and the dispatchers' notes. That is what an erasure
by receipt does at once (handlers.on_report_erased).
"""

from __future__ import annotations

from relais_escalation.settings import EscalationSettings
from relais_shared.retention import PurgeRule

CLOSED_BEFORE = "status = 'closed' AND closed_at < now() - make_interval(days => $1)"


def rules(settings: EscalationSettings) -> tuple[PurgeRule, ...]:
    days = settings.retention_closed_days
    return (
        PurgeRule("escalation.closed_sealed_fields",
                  f"""UPDATE incidents SET summary_sealed = NULL, location_sealed = NULL, contact_sealed = NULL,
                          patrol_sealed = NULL
                      WHERE {CLOSED_BEFORE} AND (summary_sealed IS NOT NULL OR location_sealed IS NOT NULL
                          OR contact_sealed IS NOT NULL OR patrol_sealed IS NOT NULL)""", days),
        PurgeRule("escalation.closed_notes",
                  f"""DELETE FROM incident_notes WHERE incident_id IN (SELECT id FROM incidents
                      WHERE {CLOSED_BEFORE})""", days),
        # The consoles' change feed: a console that comes back starts from the snapshot of what is open, so
        # changes older than a month are never read again.
        PurgeRule("escalation.feed", "DELETE FROM feed WHERE at < now() - make_interval(days => $1)", 30),
        # A tombstone only has to outlive any redelivery or dead-letter replay of the erased report's events.
        PurgeRule("escalation.erased_reports",
                  "DELETE FROM erased_reports WHERE erased_at < now() - make_interval(days => $1)", 365),
    )
