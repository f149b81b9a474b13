import uuid
from datetime import UTC, datetime
from typing import ClassVar

import pytest
from pydantic import ValidationError

from relais_shared import contracts


def test_envelope_round_trip_keeps_every_field():
    event = contracts.ReportReceived(report_id=uuid.uuid4(), postal_code="35000", category="rape", level="orange")
    envelope = contracts.wrap(event, correlation_id="abc-123")
    again = contracts.Envelope.model_validate_json(envelope.model_dump_json())
    assert again == envelope
    assert again.type == "report.received" and again.correlation_id == "abc-123"
    assert again.version == contracts.ReportReceived.VERSION == 3
    assert contracts.unwrap(again) == event


def test_unknown_type_and_future_version_are_refused():
    envelope = contracts.wrap(contracts.ReportReceived(report_id=uuid.uuid4(), postal_code="35000",
                                                       category="other", level="blue"))
    with pytest.raises(contracts.UnknownEventError):
        contracts.unwrap(envelope.model_copy(update={"type": "report.exploded"}))
    with pytest.raises(contracts.UnknownEventError):
        contracts.unwrap(envelope.model_copy(update={"version": 99}))


def test_payload_rejects_extra_fields_so_free_text_cannot_sneak_in():
    with pytest.raises(ValidationError):
        contracts.ReportReceived(report_id=uuid.uuid4(), postal_code="35000", category="rape", level="orange",
                                 text="il m'a frappée")


def test_upcaster_turns_an_old_version_into_the_current_model(monkeypatch):
    class PingV2(contracts.Event):
        TYPE: ClassVar[str] = "test.ping"
        VERSION: ClassVar[int] = 2
        count: int

    monkeypatch.setitem(contracts.REGISTRY, ("test.ping", 2), PingV2)
    monkeypatch.setitem(contracts.CURRENT, "test.ping", PingV2)
    monkeypatch.setitem(contracts.UPCASTERS, ("test.ping", 1), lambda p: {"count": int(p["n"])})
    old = contracts.Envelope(event_id=uuid.uuid4(), type="test.ping", version=1, occurred_at=datetime.now(UTC),
                             correlation_id="c", payload={"n": "3"})
    assert contracts.unwrap(old) == PingV2(count=3)


def test_json_schemas_cover_every_registered_event():
    schemas = contracts.json_schemas()
    assert set(schemas["events"]) == {f"{t}.v{v}" for t, v in contracts.REGISTRY}
    assert "report.received.v1" in schemas["events"]
    assert schemas["envelope"]["required"] == ["event_id", "type", "version", "occurred_at", "correlation_id",
                                               "payload"]


def test_a_version_1_report_received_is_upcast_without_consent():
    old = contracts.Envelope(event_id=uuid.uuid4(), type="report.received", version=1, occurred_at=datetime.now(UTC),
                             correlation_id="c", payload={"report_id": str(uuid.uuid4()), "postal_code": "35000",
                                                          "category": "domestic_violence", "level": "orange"})
    upcast = contracts.unwrap(old)
    assert isinstance(upcast, contracts.ReportReceived) and upcast.callback_accepted is False and upcast.contact is None


def test_the_journeys_versions_read_older_messages_with_safe_defaults():
    """Messages written before the journeys joined still read: nothing is invented for them."""
    now = datetime.now(UTC)

    def old(event_type: str, payload: dict) -> contracts.Event:
        return contracts.unwrap(contracts.Envelope(event_id=uuid.uuid4(), type=event_type, version=1, occurred_at=now,
                                                   correlation_id="c", payload=payload))

    report = uuid.uuid4()
    received = old("report.received", {"report_id": str(report), "postal_code": "35000", "category": "rape",
                                       "level": "orange"})
    assert (received.jurisdiction, received.mode, received.contact) == (None, "report", None)
    routed = old("report.routed", {"report_id": str(report), "insee": "35238", "force": "PN", "unit_id": None,
                                   "unit_name": None, "department": "35", "operational_centre": None,
                                   "platform_queue": "platform.pn"})
    assert routed.assigned_by == "routing"
    raised = old("emergency.raised", {"emergency_id": str(uuid.uuid4()), "source": "intake", "kind": "danger_now"})
    assert (raised.contact, raised.danger_level, raised.chat_session_id) == (None, "severe", None)
    completed = old("intervention.completed", {"incident_id": str(uuid.uuid4()), "case_reference": "GN-35-1",
                                               "force": "GN", "department": "35", "completed_at": now.isoformat()})
    assert completed.report_id is None
    moved = old("chat.session_transferred", {"session_id": str(uuid.uuid4()), "from_force": "PN", "to_force": "GN"})
    assert (moved.from_force, moved.to_department) == ("PN", None)
