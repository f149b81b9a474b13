"""Sealed contacts from upstream events: opened with the context follow-up derives itself, never the event's."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

import structlog

from relais_followup.windows import SafeHours
from relais_shared import contracts
from relais_shared.crypto import DecryptionError, Keyring
from relais_shared.sealing import followup_contact_context, open_field

log = structlog.get_logger(__name__)


def context_for(case_id: uuid.UUID) -> str:
    """The agreed context: the report id when the case has a report, else the incident id."""
    return followup_contact_context(case_id)


@dataclass(frozen=True)
class Contact:
    """How to reach her (sealed again on the entry) and her safe-contact rules (kept in clear on the entry)."""

    details: dict
    channels: list[str]
    safe_hours: list[str]
    no_voicemail: bool
    via_trusted_person: bool

    def preferences(self) -> dict:
        return {"channels": self.channels, "safe_hours": self.safe_hours, "no_voicemail": self.no_voicemail,
                "via_trusted_person": self.via_trusted_person}


def open_contact(ring: Keyring, sealed: contracts.Sealed | None, *, case_id: uuid.UUID) -> Contact | None:
    """The contact sealed for this case; None when absent or unreadable (the cell then obtains it itself).

    A contact sealed for another case or purpose does not open: an event cannot hand the cell someone else's
    number by declaring a context of its choosing.
    """
    if sealed is None:
        return None
    try:
        text = open_field(ring, sealed, context=context_for(case_id))
    except (DecryptionError, ValueError) as exc:
        # A retry cannot make it readable: the entry is created without it.
        log.warning("followup.contact_unreadable", error=type(exc).__name__)
        return None
    try:
        data = json.loads(text)
    except ValueError:
        data = {"phone": text}
    if not isinstance(data, dict):
        return None
    return _contact(data)


def _contact(data: dict) -> Contact:
    """Safe-contact rules in either the cell's shape or intake's (channel, safe_windows)."""
    windows = data.get("safe_hours") or [f"{w['start']}-{w['end']}" for w in data.get("safe_windows", [])
                                         if isinstance(w, dict) and "start" in w and "end" in w]
    channel = data.get("channel")
    channels = data.get("channels") or (["phone"] if channel in (None, "none", "phone", "trusted_person")
                                        else [channel])
    return Contact(details=data, channels=[str(c) for c in channels], safe_hours=_valid_hours(windows),
                   no_voicemail=bool(data.get("no_voicemail", True)),
                   via_trusted_person=bool(data.get("via_trusted_person", channel == "trusted_person")))


def _valid_hours(windows: list) -> list[str]:
    """Stretches the list can compute with; one that starts and ends at the same time would break every view."""
    valid = []
    for text in windows:
        try:
            valid.append(SafeHours.parse(str(text)).label())
        except ValueError:
            log.warning("followup.safe_hours_ignored")
    return valid
