"""Chat tickets: intake vouches for what it knows about a case so chat never trusts the visitor's word.

A person starts or resumes a conversation from one of intake's pages (after a report, after typing her
receipt, or from the "talk now" form). Intake seals what the server knows (the report, its level and danger,
routing's answer) into a short-lived ticket; chat opens it with the same keyring. The page only carries the
ticket from one service to the other: a visitor cannot read it, lower the level or choose a force.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from relais_shared.contracts import DangerLevel, Jurisdiction, Level, Sealed
from relais_shared.crypto import DecryptionError, Keyring
from relais_shared.sealing import open_field, seal_field

CONTEXT = "chat.ticket"
LIFETIME = timedelta(minutes=15)


class TicketRejected(ValueError):
    """The ticket is unreadable, forged or expired: the person must come back through intake's page."""


class ChatTicket(BaseModel):
    """What chat may believe about the conversation it is asked to open."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    report_id: uuid.UUID
    category: str = Field(pattern=r"^[a-z_]{2,40}$")
    level: Level
    danger_level: DangerLevel = "standard"
    jurisdiction: Jurisdiction | None = None  # None: the national triage queue hands it to a force
    lang: Literal["fr", "en"] = "fr"
    expires_at: datetime


def issue(ring: Keyring, *, report_id: uuid.UUID, category: str, level: str, danger_level: str,
          jurisdiction: Jurisdiction | None, lang: str = "fr", now: datetime | None = None) -> str:
    """A sealed ticket as one opaque string for a form field."""
    ticket = ChatTicket(report_id=report_id, category=category, level=level, danger_level=danger_level,
                        jurisdiction=jurisdiction, lang=lang, expires_at=(now or datetime.now(UTC)) + LIFETIME)
    sealed = seal_field(ring, ticket.model_dump_json(), context=CONTEXT)
    return sealed.blob


def redeem(ring: Keyring, text: str, *, now: datetime | None = None) -> ChatTicket:
    """The ticket's content; raises TicketRejected when it cannot be trusted any more."""
    try:
        ticket = ChatTicket.model_validate_json(open_field(ring, Sealed(context=CONTEXT, blob=text), context=CONTEXT))
    except (DecryptionError, ValueError) as exc:
        raise TicketRejected("unreadable ticket") from exc
    if ticket.expires_at <= (now or datetime.now(UTC)):
        raise TicketRejected("expired ticket")
    return ticket
