"""How to reach her: opened from the emergency with the context escalation derives itself, sealed again at rest
for this incident only, shown to a cleared dispatcher in scope on request, sealed for the follow-up cell."""

from __future__ import annotations

import json
import uuid

import structlog

from relais_escalation.dispatch import Dispatch
from relais_shared import contracts
from relais_shared.crypto import DecryptionError
from relais_shared.sealing import emergency_context, followup_contact_context, open_field, seal_field

log = structlog.get_logger(__name__)
# What a dispatcher is shown of intake's contact preferences; anything else stays sealed.
SHOWN = ("channel", "phone", "safe_windows", "no_voicemail", "trusted_person_name", "trusted_person_phone")


def event_context(emergency_id: uuid.UUID) -> str:
    return emergency_context("contact", emergency_id)


def rest_context(incident_id: uuid.UUID) -> str:
    return f"escalation.incidents.contact:{incident_id}"


def followup_context(report_id: uuid.UUID | None, incident_id: uuid.UUID) -> str:
    """The agreed context: the report ties the case together; without one, the incident does."""
    return followup_contact_context(report_id or incident_id)


def open_from_event(dispatch: Dispatch, event: contracts.EmergencyRaised) -> str | None:
    """Her contact as the raiser sealed it for us; unreadable (sealed for someone else) means none."""
    if event.contact is None:
        return None
    try:
        return open_field(dispatch.keyring, event.contact, context=event_context(event.emergency_id))
    except (DecryptionError, ValueError) as exc:
        log.warning("escalation.contact_unreadable", emergency_id=str(event.emergency_id), error=type(exc).__name__)
        return None


def seal_at_rest(dispatch: Dispatch, incident_id: uuid.UUID, plain: str | None) -> bytes | None:
    return None if plain is None else dispatch.seal(plain, rest_context(incident_id))


def open_at_rest(dispatch: Dispatch, incident_id: uuid.UUID, sealed: bytes | None) -> str | None:
    return dispatch.open(sealed, rest_context(incident_id))


def for_followup(dispatch: Dispatch, row) -> contracts.Sealed | None:
    """The contact sealed for the follow-up cell that will call her back after the intervention."""
    plain = open_at_rest(dispatch, row["id"], row["contact_sealed"])
    if plain is None:
        return None
    return seal_field(dispatch.keyring, plain, context=followup_context(row["report_id"], row["id"]))


def shown(plain: str | None) -> dict | None:
    """The fields a dispatcher needs to call her safely (intake's shape; a bare number is a phone)."""
    if plain is None:
        return None
    try:
        data = json.loads(plain)
    except ValueError:
        data = {"channel": "phone", "phone": plain}
    if not isinstance(data, dict):
        data = {"channel": "phone", "phone": str(data)}
    view = {key: data.get(key) for key in SHOWN}
    view["safe_windows"] = [w for w in view["safe_windows"] or [] if isinstance(w, dict)]
    view["no_voicemail"] = bool(view["no_voicemail"]) if view["no_voicemail"] is not None else True
    return view
