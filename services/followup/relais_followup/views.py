"""How an entry is shown to a cell: the list line, and the detail with contact for its holder only."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg

from relais_followup.rules import is_overdue, urgency_key
from relais_followup.windows import SafeHours, is_safe_time, next_safe_time, zone_for
from relais_shared.bilingual import Bilingual

# What the cell must know before calling, by contact status; the list gives it joined, "English / French".
CONTACT_NOTE = {
    "from_intake": Bilingual(fr="Consentement au rappel et coordonnées à obtenir auprès d'intake avant tout appel.",
                             en="Consent to a call-back and contact details to be obtained from intake by the cell "
                                "before any call."),
    "missing": Bilingual(fr="Aucune coordonnée : les obtenir auprès de l'unité.",
                         en="No contact details on file: obtain them from the unit."),
    "erased": Bilingual(fr="Effacé à la demande de la personne : ne pas appeler.",
                        en="Erased at the reporter's request: do not call."),
}


def _contact_note(status: str) -> str | None:
    note = CONTACT_NOTE.get(status)
    return note.joined() if note else None


def summary(row: asyncpg.Record, now: datetime | None = None) -> dict:
    """A list line: no contact details, no answers."""
    now = now or datetime.now(UTC)
    zone = zone_for(row["department"])
    hours = [SafeHours.parse(h) for h in row["safe_hours"]]
    leased = row["lease_until"] is not None and row["lease_until"] > now
    return {
        "id": str(row["id"]), "case_reference": row["case_reference"], "source": row["source"],
        "force": row["force"], "department": row["department"], "unit_id": row["unit_id"],
        "risk_level": row["risk_level"], "status": row["status"], "time_zone": zone.key,
        "window_start": row["window_start"].astimezone(zone).isoformat(),
        "window_end": row["window_end"].astimezone(zone).isoformat(),
        "overdue": row["status"] == "open" and (row["overdue"] or is_overdue(row["window_end"], now)),
        "due": row["window_start"] <= now, "channels": list(row["channels"]), "safe_hours": list(row["safe_hours"]),
        "safe_now": is_safe_time(now, zone, hours),
        "next_safe_time": next_safe_time(now, zone, hours).isoformat() if hours else None,
        "no_voicemail": row["no_voicemail"], "via_trusted_person": row["via_trusted_person"],
        "contact_status": row["contact_status"], "contact_note": _contact_note(row["contact_status"]),
        "attempts": row["attempts"], "failed_attempts": row["failed_attempts"], "contacted": row["contacted"],
        "claimed_by": row["claimed_alias"] if leased else None, "outcome": row["outcome"],
    }


def ordered(rows: list[asyncpg.Record], now: datetime | None = None) -> list[dict]:
    """List lines in urgency order (overdue first, then risk, then window end)."""
    lines = [summary(r, now) for r in rows]
    by_id = {str(r["id"]): r for r in rows}
    return sorted(lines, key=lambda line: urgency_key(overdue=line["overdue"], risk_level=line["risk_level"],
                                                       window_end=by_id[line["id"]]["window_end"]))
