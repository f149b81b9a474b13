"""What the statistics service keeps of an event: codes and counts, and a keyed hash to join one case's events.

No free text, no postal or INSEE code, no contact, no platform identifier ever reaches the event log: ids are
replaced by HMAC(secret, kind | id), and every kept value must look like a code or it is replaced.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime
from typing import Any

DEPARTMENT = re.compile(r"^(0[1-9]|[1-8][0-9]|9[0-5]|2[AB]|97[1-6])$")
CODE = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
FORCES = {"PN", "GN"}

# event type → (kind of the join key, its field, the fields kept besides it)
KEEP: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "report.received": ("report", "report_id", ("category", "partner")),
    "report.routed": ("report", "report_id", ("force", "department")),
    "report.unroutable": ("report", "report_id", ()),
    "report.erased": ("report", "report_id", ()),
    "report.closed": ("report", "report_id", ("outcome", "force", "department")),
    "chat.session_started": ("session", "session_id", ("force", "department")),
    "chat.session_claimed": ("session", "session_id", ("operator_sub", "force", "waited_seconds")),
    "chat.session_closed": ("session", "session_id", ()),
    "dispatch.incident_opened": ("incident", "incident_id", ("force", "department", "priority")),
    "dispatch.incident_acknowledged": ("incident", "incident_id", ("seconds_to_ack",)),
    "dispatch.incident_escalated": ("incident", "incident_id", ("to_step",)),
    "dispatch.incident_closed": ("incident", "incident_id", ()),
    "followup.entry_created": ("entry", "entry_id", ("force", "department", "window_end")),
    "followup.attempt_recorded": ("entry", "entry_id", ("outcome",)),
    "followup.entry_overdue": ("entry", "entry_id", ()),
    "followup.entry_closed": ("entry", "entry_id", ()),
}
EVENT_TYPES = tuple(KEEP)


def pseudonym(secret: bytes, kind: str, value: Any) -> str:
    """A join key that cannot be turned back into the platform's id without the service's secret."""
    return hmac.new(secret, f"{kind}|{value}".encode(), hashlib.sha256).hexdigest()[:24]


def minimise(event_type: str, payload: dict[str, Any], secret: bytes) -> dict[str, Any]:
    """The payload reduced to a join key and the codes the read model needs."""
    kind, key, fields = KEEP[event_type]
    kept: dict[str, Any] = {"ref": pseudonym(secret, kind, payload[key])}
    for name in fields:
        kept[name] = _clean(name, payload.get(name), secret)
    return kept


def _clean(name: str, value: Any, secret: bytes) -> Any:
    if name == "department":
        return value if isinstance(value, str) and DEPARTMENT.match(value) else ""
    if name == "force":
        return value if value in FORCES else ""
    if name in ("category", "partner", "outcome", "priority"):
        return value if isinstance(value, str) and CODE.match(value) else ("" if value is None else "other")
    if name == "operator_sub":
        return pseudonym(secret, "operator", value)
    if name == "window_end":
        return datetime.fromisoformat(value).isoformat() if isinstance(value, str) else value.isoformat()
    return value  # numbers: waited_seconds, seconds_to_ack, to_step
