"""The way from intake's pages to the chat: a ticket of what the server knows, and where to post it.

The ticket is sealed (relais_shared.tickets): the page only carries it, so a visitor cannot lower the level or
choose a force. It says what the report row says now: its current level (a unit may have raised it), its danger
level, and who is competent (routing's later answer when there is one, else what intake stamped at receipt).
"""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

from relais_shared import tickets
from relais_shared.contracts import Jurisdiction
from relais_shared.crypto import Keyring

# The columns a ticket needs, for every query that leads to the chat.
COLUMNS = "id, category, level, danger_level, status, routing, jurisdiction"


def chat_action(public_url: str) -> str:
    """Where the start-chat form posts: the chat's /chat page ("" in production: the same public host)."""
    return f"{public_url.rstrip('/')}/chat"


def other_origin(public_url: str) -> str | None:
    """The chat's origin when it is not intake's own host, for the pages' form-action policy."""
    parts = urlsplit(public_url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def jurisdiction_of(row) -> Jurisdiction | None:
    """Who is competent for the report now: routing's answer, else intake's stamp; None for national triage."""
    routing = row["routing"] or {}
    if row["status"] == "unroutable":
        return None  # routing found no force: the conversation goes to national triage as the report did
    if routing.get("force") and routing.get("department"):
        fields = ("force", "department", "operational_centre", "unit_id", "unit_name", "insee")
        return Jurisdiction(**{k: routing.get(k) for k in fields})
    return Jurisdiction(**row["jurisdiction"]) if row["jurisdiction"] else None


def ticket_for(ring: Keyring, row, lang: str) -> str:
    """A chat ticket for the report in `row` (selected with COLUMNS)."""
    return tickets.issue(ring, report_id=row["id"], category=row["category"], level=row["level"],
                         danger_level=row["danger_level"], jurisdiction=jurisdiction_of(row), lang=lang)


def ticket_at_receipt(ring: Keyring, report_id: uuid.UUID, category: str, level: str, danger_level: str,
                      jurisdiction: Jurisdiction | None, lang: str) -> str:
    """The ticket shown with the receipt, from what was just stored (no second read)."""
    row = {"id": report_id, "category": category, "level": level, "danger_level": danger_level,
           "status": "received", "routing": None,
           "jurisdiction": jurisdiction.model_dump(mode="json") if jurisdiction else None}
    return ticket_for(ring, row, lang)
