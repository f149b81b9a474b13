"""Sealed event fields: one way to seal a value for an event and to open it where it is meant to be read."""

from __future__ import annotations

import base64

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
