"""Sealed event fields: one way to seal a value for an event and to open it where it is meant to be read."""

from __future__ import annotations

import base64
import uuid
from typing import Literal

from relais_shared.contracts import Sealed
from relais_shared.crypto import Keyring


def seal_field(ring: Keyring, value: str, *, context: str) -> Sealed:
    """Seal `value` for an event; `context` names what it is and for whom (e.g. ``followup.contact:<id>``)."""
    return Sealed(context=context, blob=base64.urlsafe_b64encode(ring.seal(value, context=context)).decode())


def open_field(ring: Keyring, sealed: Sealed, *, context: str) -> str:
    """Open a sealed event field with the context the reader derives itself, never the one the event declares.

    Raises DecryptionError (a ValueError) when the value was sealed for another purpose or another case.
    """
    return ring.open(base64.urlsafe_b64decode(sealed.blob.encode()), context=context).decode()


# The contexts of the sealed fields that travel between services: the sealer and every reader derive them from
# the ids of the case, here, so nobody trusts the context an event declares (relais_shared.purposes keys them).
def followup_contact_context(case_id: uuid.UUID) -> str:
    """Her contact for the follow-up cell: the report's id, or the incident's when there is no report."""
    return f"followup.contact:{case_id}"


def emergency_context(field: Literal["contact", "emergency", "location"], emergency_id: uuid.UUID) -> str:
    """A sealed field of emergency.raised, for the dispatcher: her contact, the summary or the location hint."""
    return f"escalation.{field}:{emergency_id}"
