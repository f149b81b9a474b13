"""What routing keeps, and for how long (applied by the shared daily purge and `relais purge routing`).

The competence table and its import history hold no person and are kept. A report waits on the national
triage list until a supervisor routes it, at most `retention_triage_days`: intake blanks a report's content
after as long (its retention_content_days, 365 days by default), so an older entry points at nothing to read.
"""

from __future__ import annotations

from relais_routing import triage_store
from relais_routing.settings import RoutingSettings
from relais_shared.retention import PurgeRule


def rules(settings: RoutingSettings) -> tuple[PurgeRule, ...]:
    return (
        PurgeRule("routing.triage_reports",
                  "DELETE FROM triage_reports WHERE received_at < now() - make_interval(days => $1)",
                  settings.retention_triage_days),
        *triage_store.RETENTION,  # erasure tombstones
    )
