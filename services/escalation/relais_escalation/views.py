"""What an operator sees of an incident: codes and state for everyone in scope, sealed fields only if cleared."""

from __future__ import annotations

import structlog

from relais_escalation import contact, ladder, staffing
from relais_escalation.dispatch import Dispatch
from relais_shared.crypto import DecryptionError
from relais_shared.identity import Operator
from relais_shared.sealing import emergency_context

log = structlog.get_logger(__name__)


def incident_view(row, dispatch: Dispatch) -> dict:
    """The incident's codes and ladder state (nothing sealed): safe to push to every console in scope."""
    policy = dispatch.policies.for_centre(row["operational_centre"])
    return {
        "id": str(row["id"]), "report_id": str(row["report_id"]) if row["report_id"] else None,
        "source": row["source"], "kind": row["kind"], "priority": row["priority"], "level": row["level"],
        "danger_level": row["danger_level"],
        "chat_session_id": str(row["chat_session_id"]) if row["chat_session_id"] else None,
        "force": row["force"], "department": row["department"], "operational_centre": row["operational_centre"],
        "postal_code": row["postal_code"], "insee": row["insee"],
        "jurisdiction_resolved": row["jurisdiction_resolved"], "status": row["status"], "step": row["step"],
        "target": ladder.target_at(policy, row["step"]), "deadline_at": _iso(row["deadline_at"]),
        "created_at": _iso(row["created_at"]), "acknowledged_at": _iso(row["acknowledged_at"]),
        "acknowledged_by": row["acknowledged_by"], "closed_at": _iso(row["closed_at"]), "outcome": row["outcome"],
        "case_reference": row["case_reference"], "patrol_assigned": row["patrol_assigned"],
        "has_contact": row["has_contact"], "erased": row["erased_at"] is not None,
        "burst_id": str(row["burst_id"]) if row["burst_id"] else None, "burst_size": row["burst_size"],
    }


def console_view(row, operator: Operator, dispatch: Dispatch) -> dict:
    """The incident for one operator: with `alert` when it waits on this operator's step of the ladder.

    An open incident without a deadline is a silent member of a burst: the burst's ringing member alerts for it.
    """
    view = incident_view(row, dispatch)
    ringing = view["status"] == "open" and row["deadline_at"] is not None
    return {**view, "alert": ringing and staffing.alerts(operator, row, view["target"])}


def detail_view(row, notes, operator: Operator, dispatch: Dispatch) -> dict:
    """The incident with its summary, location, patrol and notes opened when the operator may read them."""
    view = console_view(row, operator, dispatch)
    if not operator.may_read(row["level"]):
        return {**view, "restricted": True}
    incident_id, emergency_id = row["id"], row["emergency_id"]
    return {**view, "restricted": False,
            "summary": _open_event_field(dispatch, row["summary_sealed"], emergency_context("emergency", emergency_id)),
            "location_hint": location_of(row, dispatch),
            "patrol": dispatch.open(row["patrol_sealed"], patrol_context(incident_id)),
            "notes": [{"at": _iso(n["created_at"]), "author": n["author_alias"],
                       "text": dispatch.open(n["text_sealed"], note_context(incident_id))} for n in notes]}


def contact_view(row, dispatch: Dispatch) -> dict:
    """How to reach her and where she is, for a cleared dispatcher who asked (the caller audits it)."""
    return {"incident_id": str(row["id"]), "erased": row["erased_at"] is not None,
            "contact": contact.shown(contact.open_at_rest(dispatch, row["id"], row["contact_sealed"])),
            "location_hint": location_of(row, dispatch)}


def location_of(row, dispatch: Dispatch) -> str | None:
    return _open_event_field(dispatch, row["location_sealed"], emergency_context("location", row["emergency_id"]))


def _open_event_field(dispatch: Dispatch, sealed: dict | None, context: str) -> str | None:
    """A field the raiser sealed for us, opened with the context we derive (never the one it declares)."""
    try:
        return dispatch.open_event_field(sealed, context)
    except (DecryptionError, ValueError) as exc:
        log.warning("escalation.sealed_field_unreadable", error=type(exc).__name__)
        return None


def patrol_context(incident_id) -> str:
    return f"escalation.incidents.patrol:{incident_id}"


def note_context(incident_id) -> str:
    return f"escalation.incident_notes.text:{incident_id}"


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None
