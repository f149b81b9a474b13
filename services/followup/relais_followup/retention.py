"""What follow-up keeps and for how long (applied by the shared daily purge)."""

from __future__ import annotations

from relais_followup.settings import FollowupSettings
from relais_shared.retention import PurgeRule


def rules(settings: FollowupSettings) -> tuple[PurgeRule, ...]:
    """Sealed contact and answers of closed entries are blanked; report facts never used are dropped."""
    return (
        PurgeRule("followup.closed_personal_data",
                  """UPDATE entries SET contact_sealed = NULL, answers_sealed = NULL
                     WHERE status = 'closed' AND (contact_sealed IS NOT NULL OR answers_sealed IS NOT NULL)
                       AND closed_at < now() - make_interval(days => $1)""", settings.retention_closed_days),
        PurgeRule("followup.report_facts",
                  "DELETE FROM report_facts WHERE updated_at < now() - make_interval(days => $1)", 30),
    )
