"""Every event Relais publishes: one envelope, one pydantic model per (type, version), and upcasters.

Events carry the minimum: identifiers, codes and levels. Free text, names, phone numbers and addresses
stay in the service that owns them; what must travel (a call-back number) travels sealed (`Sealed`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

Force = Literal["PN", "GN"]
Level = Literal["orange", "blue"]
DangerLevel = Literal["standard", "high", "severe"]


class UnknownEventError(ValueError):
    """An envelope names a type or version this code does not know."""


class Envelope(BaseModel):
    """What travels on the wire for every event."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    event_id: uuid.UUID
    type: str
    version: int = Field(ge=1)
    occurred_at: datetime
    correlation_id: str = Field(max_length=128)
    payload: dict[str, Any]


class Event(BaseModel):
    """Base of every event payload."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    TYPE: ClassVar[str]
    VERSION: ClassVar[int] = 1


class Sealed(BaseModel):
    """A value encrypted with the platform's keyring (relais_shared.crypto); opaque to the broker and logs."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    context: str = Field(max_length=120, description="What the value is; must match to open it")
    blob: str = Field(max_length=20_000, description="URL-safe base64 of the sealed bytes")


class Jurisdiction(BaseModel):
    """What routing answered for a commune: who is competent and which centre dispatches there.

    Stamped on events by the service that already asked, so nobody downstream has to ask routing again."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    force: Force
    department: str = Field(pattern=r"^([0-9]{2,3}|2[AB])$")
    operational_centre: str | None = Field(default=None, max_length=64)
    unit_id: str | None = Field(default=None, max_length=64)
    unit_name: str | None = Field(default=None, max_length=200)
    insee: str | None = Field(default=None, pattern=r"^([0-9]{5}|2[AB][0-9]{3})$")


REGISTRY: dict[tuple[str, int], type[Event]] = {}
CURRENT: dict[str, type[Event]] = {}
Upcaster = Callable[[dict[str, Any]], dict[str, Any]]
UPCASTERS: dict[tuple[str, int], Upcaster] = {}


def event(cls: type[Event]) -> type[Event]:
    """Register an event model under its TYPE and VERSION; the highest version is the current one."""
    REGISTRY[(cls.TYPE, cls.VERSION)] = cls
    if cls.TYPE not in CURRENT or CURRENT[cls.TYPE].VERSION < cls.VERSION:
        CURRENT[cls.TYPE] = cls
    return cls


def upcaster(event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
    """Register a function turning a payload of `from_version` into one of `from_version + 1`."""

    def register(fn: Upcaster) -> Upcaster:
        UPCASTERS[(event_type, from_version)] = fn
        return fn

    return register


def wrap(payload: Event, *, correlation_id: str | None = None, event_id: uuid.UUID | None = None) -> Envelope:
    """Put an event in its envelope."""
    return Envelope(
        event_id=event_id or uuid.uuid4(),
        type=payload.TYPE,
        version=payload.VERSION,
        occurred_at=datetime.now(UTC),
        correlation_id=correlation_id or str(uuid.uuid4()),
        payload=payload.model_dump(mode="json"),
    )


def unwrap(envelope: Envelope) -> Event:
    """The current model of an envelope's payload, upcasting older versions step by step."""
    current = CURRENT.get(envelope.type)
    if current is None or envelope.version > current.VERSION:
        raise UnknownEventError(f"{envelope.type} v{envelope.version}")
    payload, version = envelope.payload, envelope.version
    while version < current.VERSION:
        step = UPCASTERS.get((envelope.type, version))
        if step is None:
            raise UnknownEventError(f"no upcaster for {envelope.type} v{version}")
        payload, version = step(payload), version + 1
    return current.model_validate(payload)


def json_schemas() -> dict[str, Any]:
    """JSON Schema of the envelope and of every registered event version (the contract document)."""
    events = {f"{t}.v{v}": model.model_json_schema() for (t, v), model in sorted(REGISTRY.items())}
    return {"envelope": Envelope.model_json_schema(), "events": events}



# --- Reports (intake → routing → intake) -------------------------------------------------------------


@event
class ReportReceivedV1(Event):
    """Version 1 of report.received (before call-back consent travelled); kept to read old messages."""

    TYPE: ClassVar[str] = "report.received"
    report_id: uuid.UUID
    postal_code: str = Field(pattern=r"^[0-9]{5}$")
    insee: str | None = Field(default=None, pattern=r"^([0-9]{5}|2[AB][0-9]{3})$")
    category: str
    level: Level
    danger_now: bool = False
    danger_level: DangerLevel = "standard"
    partner: str | None = None


@event
class ReportReceivedV2(ReportReceivedV1):
    """Version 2 of report.received (before intake stamped routing's answer); kept to read old messages."""

    VERSION: ClassVar[int] = 2
    role: Literal["victim", "witness"] | None = None
    callback_accepted: bool = False
    contact: Sealed | None = None


@event
class ReportReceived(ReportReceivedV2):
    """A report was accepted and stored by intake; routing confirms its competent force.

    v2: whether the reporter accepts a call-back, her role, and (for the follow-up cells only, sealed) how
    to reach her safely. v3: the jurisdiction routing already gave intake for her commune (None when routing
    did not answer or the code is ambiguous), and whether the case started as a chat rather than a written
    report.
    """

    VERSION: ClassVar[int] = 3
    jurisdiction: Jurisdiction | None = None
    mode: Literal["report", "chat"] = "report"


@upcaster("report.received", 1)
def _report_received_v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    # Before v2 nobody was asked: no consent is assumed, so nobody is called back on an old event.
    return {**payload, "role": None, "callback_accepted": False, "contact": None}


@upcaster("report.received", 2)
def _report_received_v2_to_v3(payload: dict[str, Any]) -> dict[str, Any]:
    # Before v3 intake kept routing's answer to itself: consumers that need it resolve as they did then.
    return {**payload, "jurisdiction": None, "mode": "report"}


@event
class ReportRoutedV1(Event):
    """Version 1 of report.routed (always from the competence file); kept to read old messages."""

    TYPE: ClassVar[str] = "report.routed"
    report_id: uuid.UUID
    insee: str
    force: Force
    unit_id: str | None
    unit_name: str | None
    department: str
    operational_centre: str | None
    platform_queue: str


@event
class ReportRouted(ReportRoutedV1):
    """The competent force, unit, department and operational centre of a report are known.

    v2: `assigned_by` says whether routing found them in the competence file or a national triage operator
    chose them for a report routing could not resolve (then the commune and unit may be unknown).
    """

    VERSION: ClassVar[int] = 2
    insee: str | None  # type: ignore[assignment]  # v2 widens v1's field; pydantic validates each version's own
    assigned_by: Literal["routing", "triage"] = "routing"


@upcaster("report.routed", 1)
def _report_routed_v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    return {**payload, "assigned_by": "routing"}


@event
class ReportUnroutable(Event):
    """Routing could not resolve a report; it goes to the national triage queue, never to a guess."""

    TYPE: ClassVar[str] = "report.unroutable"
    report_id: uuid.UUID
    reason: Literal["unknown_commune", "no_competence", "ambiguous_postal_code", "unknown_postal_code"]
    postal_code: str
    insee: str | None = None
    platform_queue: str = "platform.triage"


@event
class ReportErased(Event):
    """The reporter erased her report with her receipt: every service forgets what identifies the case.

    Follow-up removes her contact and closes the entry without a welfare check, escalation drops the sealed
    summary, location and contact of linked incidents, chat deletes the linked transcript, stats keeps counts.
    """

    TYPE: ClassVar[str] = "report.erased"
    report_id: uuid.UUID


@event
class ReportClosed(Event):
    """The competent unit closed the report; the reporter sees "closed" with her receipt."""

    TYPE: ClassVar[str] = "report.closed"
    report_id: uuid.UUID
    outcome: str = Field(max_length=64)
    force: Force | None = None
    department: str | None = None


# --- Emergencies and interventions ---------------------------------------------------------------------


@event
class EmergencyRaisedV1(Event):
    """Version 1 of emergency.raised (no contact, no danger level); kept to read old messages."""

    TYPE: ClassVar[str] = "emergency.raised"
    emergency_id: uuid.UUID
    source: Literal["intake", "chat", "followup"]
    kind: Literal["danger_now", "severe_assessment", "operator", "watchdog", "welfare_check", "unsafe_answer"]
    priority: Literal["p1", "p2"] = "p1"
    report_id: uuid.UUID | None = None
    level: Level = "orange"
    postal_code: str | None = None
    insee: str | None = None
    force: Force | None = None
    department: str | None = None
    operational_centre: str | None = None
    location_hint: Sealed | None = None
    summary: Sealed | None = None


@event
class EmergencyRaisedV2(EmergencyRaisedV1):
    """Version 2 of emergency.raised (before the burst mark); kept to read old messages.

    v2: the sealed contact with her safe-contact rules (so a cleared dispatcher can reach her), the case's
    danger level (carried to the follow-up entry) and the chat session it came from. force, department and
    operational_centre are filled by the raising service whenever it knows them.
    """

    VERSION: ClassVar[int] = 2
    contact: Sealed | None = None
    danger_level: DangerLevel = "standard"
    chat_session_id: uuid.UUID | None = None


@event
class EmergencyRaised(EmergencyRaisedV2):
    """A person is in danger now: escalation must put it before a dispatcher who acknowledges it.

    v3: `burst` — the raiser counted more danger-now emergencies than its per-department or national ceiling
    allows in a short time (a flood, or a real mass event); escalation groups them so the console rings once.
    The person was answered and her report kept all the same.
    """

    VERSION: ClassVar[int] = 3
    burst: bool = False


@upcaster("emergency.raised", 1)
def _emergency_raised_v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    high = payload.get("priority", "p1") == "p1"
    return {**payload, "contact": None, "danger_level": "severe" if high else "high", "chat_session_id": None}


@upcaster("emergency.raised", 2)
def _emergency_raised_v2_to_v3(payload: dict[str, Any]) -> dict[str, Any]:
    return {**payload, "burst": False}


@event
class InterventionCompletedV1(Event):
    """Version 1 of intervention.completed (no report id); kept to read old messages."""

    TYPE: ClassVar[str] = "intervention.completed"
    incident_id: uuid.UUID
    case_reference: str = Field(max_length=64)
    force: Force
    department: str
    unit_id: str | None = None
    insee: str | None = None
    risk_level: DangerLevel = "standard"
    completed_at: datetime
    contact: Sealed | None = None


@event
class InterventionCompleted(InterventionCompletedV1):
    """A patrol intervened; the follow-up cell must call the victim back within its window.

    v2: the report id when the emergency came from a report, so follow-up keeps one entry per case.
    """

    VERSION: ClassVar[int] = 2
    report_id: uuid.UUID | None = None


@upcaster("intervention.completed", 1)
def _intervention_completed_v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    return {**payload, "report_id": None}


# --- Chat (facts about conversations; message content never leaves the chat service) -----------------


@event
class ChatSessionStarted(Event):
    """A victim opened a conversation; it waits in its force's platform queue."""

    TYPE: ClassVar[str] = "chat.session_started"
    session_id: uuid.UUID
    report_id: uuid.UUID | None = None
    force: Force | None
    department: str | None
    platform_queue: str
    level: Level
    danger_level: DangerLevel = "standard"


@event
class ChatSessionClaimed(Event):
    """An officer took the conversation (operator_sub is the identity provider's pseudonymous id)."""

    TYPE: ClassVar[str] = "chat.session_claimed"
    session_id: uuid.UUID
    operator_sub: str
    force: Force
    waited_seconds: float = Field(ge=0)


@event
class ChatSessionTransferredV1(Event):
    """Version 1 of chat.session_transferred (always from a force); kept to read old messages."""

    TYPE: ClassVar[str] = "chat.session_transferred"
    session_id: uuid.UUID
    from_force: Force
    to_force: Force
    to_operator_sub: str | None = None


@event
class ChatSessionTransferred(ChatSessionTransferredV1):
    """The conversation moved to another officer, to the other force's platform, or out of national triage.

    v2: `from_force` is None when a triage operator handed a conversation with no known force to a force
    and department (`to_department`).
    """

    VERSION: ClassVar[int] = 2
    from_force: Force | None  # type: ignore[assignment]  # v2 widens v1's field; pydantic validates each its own
    to_department: str | None = None


@upcaster("chat.session_transferred", 1)
def _chat_transferred_v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    return {**payload, "to_department": None}


@event
class ChatMessagePosted(Event):
    """A message was stored (no content): nodes holding a WebSocket of this session fetch and deliver it."""

    TYPE: ClassVar[str] = "chat.message_posted"
    session_id: uuid.UUID
    seq: int = Field(ge=1)
    author: Literal["victim", "officer", "system"]


@event
class ChatVictimExited(Event):
    """The victim left by the emergency exit: the officer must see it at once."""

    TYPE: ClassVar[str] = "chat.victim_exited"
    session_id: uuid.UUID


@event
class ChatSessionClosed(Event):
    """The officer closed the conversation with an outcome code."""

    TYPE: ClassVar[str] = "chat.session_closed"
    session_id: uuid.UUID
    outcome: str = Field(max_length=64)
    force: Force | None = None
    department: str | None = None


# --- Dispatch (escalation) -----------------------------------------------------------------------------


@event
class DispatchIncidentOpened(Event):
    """An emergency became an incident waiting for a dispatcher's acknowledgement."""

    TYPE: ClassVar[str] = "dispatch.incident_opened"
    incident_id: uuid.UUID
    emergency_id: uuid.UUID
    priority: Literal["p1", "p2"]
    force: Force | None
    department: str | None
    operational_centre: str | None
    jurisdiction_resolved: bool


@event
class DispatchIncidentAcknowledged(Event):
    """A person acknowledged the incident."""

    TYPE: ClassVar[str] = "dispatch.incident_acknowledged"
    incident_id: uuid.UUID
    operator_sub: str
    step: int = Field(ge=0)
    seconds_to_ack: float = Field(ge=0)


@event
class DispatchIncidentEscalated(Event):
    """Nobody acknowledged in time (or the step was empty): the incident climbed one step of the ladder."""

    TYPE: ClassVar[str] = "dispatch.incident_escalated"
    incident_id: uuid.UUID
    from_step: int = Field(ge=0)
    to_step: int = Field(ge=0)
    target: str = Field(max_length=64)
    reason: Literal["deadline", "empty_step"]


@event
class DispatchCentreUnstaffed(Event):
    """A centre has nobody on duty at all: supervisors must know before an emergency arrives."""

    TYPE: ClassVar[str] = "dispatch.centre_unstaffed"
    operational_centre: str


@event
class DispatchIncidentClosed(Event):
    """The incident was closed with an outcome."""

    TYPE: ClassVar[str] = "dispatch.incident_closed"
    incident_id: uuid.UUID
    outcome: str = Field(max_length=64)


# --- Follow-up ------------------------------------------------------------------------------------------


@event
class FollowupEntryCreated(Event):
    """A victim was put on a department's call-back list."""

    TYPE: ClassVar[str] = "followup.entry_created"
    entry_id: uuid.UUID
    source: Literal["intervention", "report", "manual", "import"]
    force: Force
    department: str
    risk_level: DangerLevel
    window_start: datetime
    window_end: datetime


@event
class FollowupAttemptRecorded(Event):
    """A cell tried to reach the victim."""

    TYPE: ClassVar[str] = "followup.attempt_recorded"
    entry_id: uuid.UUID
    outcome: Literal["reached", "no_answer", "wrong_number", "unsafe_to_talk"]
    attempt: int = Field(ge=1)


@event
class FollowupEntryOverdue(Event):
    """A call-back window ended without contact."""

    TYPE: ClassVar[str] = "followup.entry_overdue"
    entry_id: uuid.UUID
    department: str


@event
class FollowupEntryClosed(Event):
    """The cell closed the entry with an outcome."""

    TYPE: ClassVar[str] = "followup.entry_closed"
    entry_id: uuid.UUID
    outcome: str = Field(max_length=64)
    department: str


# --- Operators on duty (consoles) -----------------------------------------------------------------------

ConsoleKind = Literal["chat", "triage", "dispatch", "followup"]
DutyDepartment = Annotated[str, Field(pattern=r"^([0-9]{2,3}|2[AB]|\*)$")]  # "*": every department (national)


@event
class OperatorOnDuty(Event):
    """An operator holds (or no longer holds) a console: supervision knows who is on duty, where.

    A lease: the operator counts as on duty at that console until `until`, unless a later event renews or ends
    it (on_duty false). The service holding the console renews it while a socket is open, so a service that
    crashes stops renewing and its operators drop off by themselves. `at` orders one operator's events at one
    console: an older event never undoes a newer one. Nothing about any victim or case travels here.
    """

    TYPE: ClassVar[str] = "operator.on_duty"
    operator: str = Field(min_length=1, max_length=128, description="The identity provider's pseudonymous id (sub)")
    alias: str = Field(min_length=1, max_length=60)
    force: Force
    departments: tuple[DutyDepartment, ...] = Field(min_length=1, max_length=120)
    console: ConsoleKind
    on_duty: bool
    until: datetime
    at: datetime
