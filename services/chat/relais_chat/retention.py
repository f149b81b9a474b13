"""What chat keeps, and for how long (applied by the shared daily purge and `relais purge chat`)."""

from __future__ import annotations

from relais_chat.settings import ChatSettings
from relais_shared.retention import PurgeRule


def rules(settings: ChatSettings) -> tuple[PurgeRule, ...]:
    """Closed conversations (expired, erased: all closed; messages by cascade) are kept `retention_days`."""
    sql = "DELETE FROM chat_sessions WHERE status = 'closed' AND closed_at < now() - make_interval(days => $1)"
    return (PurgeRule("chat.closed_sessions", sql, settings.retention_days),)
