"""What intake keeps, and for how long (counts and codes stay for statistics; content goes)."""

from __future__ import annotations

from relais_intake.settings import IntakeSettings
from relais_shared.retention import PurgeRule


def rules(settings: IntakeSettings) -> tuple[PurgeRule, ...]:
    return (
        PurgeRule("reports.content", """UPDATE reports SET text_sealed = NULL, location_sealed = NULL,
                      contact_sealed = NULL, danger_answers = '{}'
                  WHERE created_at < now() - make_interval(days => $1)
                    AND (text_sealed IS NOT NULL OR location_sealed IS NOT NULL OR contact_sealed IS NOT NULL)""",
                  settings.retention_content_days),
        PurgeRule("report_messages", "DELETE FROM report_messages WHERE created_at < now() - make_interval(days => $1)",
                  settings.retention_content_days),
        PurgeRule("exits", "DELETE FROM exits WHERE at < now() - make_interval(days => $1)",
                  settings.retention_exits_days),
    )
