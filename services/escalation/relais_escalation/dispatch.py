"""What escalation's handlers, scheduler and API share, built once in the app factory."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from relais_escalation.jurisdiction import RoutingLookup
from relais_escalation.ladder import Policies
from relais_escalation.settings import EscalationSettings
from relais_shared import contracts
from relais_shared.crypto import Keyring
from relais_shared.sealing import open_field


@dataclass
class Dispatch:
    settings: EscalationSettings
    policies: Policies
    keyring: Keyring
    routing: RoutingLookup
    node: str = field(default_factory=lambda: uuid.uuid4().hex[:12])

    def seal(self, text: str, context: str) -> bytes:
        return self.keyring.seal(text, context=context)

    def open(self, blob: bytes | None, context: str) -> str | None:
        return self.keyring.open_text(blob, context=context)

    def open_event_field(self, sealed: dict | None, context: str) -> str | None:
        """Open a value an event carried sealed (kept as it came) with the context the reader derives itself."""
        if not sealed:
            return None
        return open_field(self.keyring, contracts.Sealed.model_validate(sealed), context=context)
