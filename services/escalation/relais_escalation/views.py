"""What an operator sees of an incident: codes and state for everyone in scope, sealed fields only if cleared."""

from __future__ import annotations

from relais_escalation import ladder
from relais_escalation.dispatch import Dispatch
from relais_shared.identity import Operator


def incident_view(row, dispatch: Dispatch) -> dict:
    """The incident's codes and ladder state (nothing sealed): safe to push to every console in scope."""
    policy = dispatch.policies.for_centre(row["operational_centre"])
    return {
        "id": str(row["id"]), "report_id": str(row["report_id"]) if row["report_id"] else None,
        "source": row["source"], "kind": row["kind"], "priority": row["priority"], "level": row["level"],
        "force": row["force"], "department": row["department"], "operational_centre": row["operational_centre"],
        "postal_code": row["postal_code"], "insee": row["insee"],
        "jurisdiction_resolved": row["jurisdiction_resolved"], "status": row["status"], "step": row["step"],
        "target": ladder.target_at(policy, row["step"]), "deadline_at": _iso(row["deadline_at"]),
        "created_at": _iso(row["created_at"]), "acknowledged_at": _iso(row["acknowledged_at"]),
        "acknowledged_by": row["acknowledged_by"], "closed_at": _iso(row["closed_at"]), "outcome": row["outcome"],
        "case_reference": row["case_reference"], "patrol_assigned": row["patrol_assigned"],
    }


def detail_view(row, notes, operator: Operator, dispatch: Dispatch) -> dict:
    """The incident with its summary, location, patrol and notes opened when the operator may read them."""
    view = incident_view(row, dispatch)
    if not operator.may_read(row["level"]):
        return {**view, "restricted": True}
    incident_id = row["id"]
    return {**view, "restricted": False,
            "summary": dispatch.open_event_field(row["summary_sealed"]),
            "location_hint": dispatch.open_event_field(row["location_sealed"]),
            "patrol": dispatch.open(row["patrol_sealed"], patrol_context(incident_id)),
            "notes": [{"at": _iso(n["created_at"]), "author": n["author_alias"],
                       "text": dispatch.open(n["text_sealed"], note_context(incident_id))} for n in notes]}


def patrol_context(incident_id) -> str:
    return f"escalation.incidents.patrol:{incident_id}"


def note_context(incident_id) -> str:
    return f"escalation.incident_notes.text:{incident_id}"


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None
