"""Joints that can be cut, to see each journey fail without the joint it crosses (never in a normal run).

    RELAIS_JOURNEYS_CUT=emergency-contact ./dev test tests/journeys/test_emergency_case.py   # expect failures

With a cut requested, the journey platform puts cut_hook/ on the services' PYTHONPATH; its sitecustomize
applies the cut in every process as it starts, before the service runs.
"""

from __future__ import annotations

from tests.support import requested_names

ENV = "RELAIS_JOURNEYS_CUT"
CUTS: dict = {}


def cut(name: str):
    def register(fn):
        CUTS[name] = fn
        return fn

    return register


def requested() -> list[str]:
    return requested_names(ENV, CUTS)


def apply(names: list[str]) -> None:
    for name in names:
        CUTS[name]()


@cut("emergency-contact")
def _emergency_without_contact() -> None:
    """J1: intake raises the emergency without her contact, as before the journeys joined."""
    from relais_intake import store

    build = store._emergency
    store._emergency = lambda *args, **kwargs: build(*args, **kwargs).model_copy(update={"contact": None})


@cut("intervention-report-id")
def _intervention_without_report() -> None:
    """J1: follow-up reads interventions as if they named no report, so the case splits in two entries."""
    from relais_followup import handlers

    handle = handlers.on_intervention_completed

    async def without_report(event, **kwargs):
        return await handle(event.model_copy(update={"report_id": None}), **kwargs)

    handlers.on_intervention_completed = without_report


@cut("chat-resume")
def _chat_never_resumes() -> None:
    """J2: a ticket for a report that already has a conversation starts another one."""
    from relais_chat import opening

    async def start_anew(conn, current, ticket, lang, pepper):
        return await opening._create(conn, ticket, None, lang, pepper)

    opening._resume = start_anew


@cut("triage-followup")
def _followup_ignores_triage() -> None:
    """J3: follow-up ignores a report that national triage assigned, as it ignored report.unroutable."""
    from relais_followup import handlers

    handle = handlers.on_report_routed

    async def routed_by_competence_only(event, **kwargs):
        if event.assigned_by == "triage":
            return None
        return await handle(event, **kwargs)

    handlers.on_report_routed = routed_by_competence_only


@cut("erasure-event")
def _erasure_stays_in_intake() -> None:
    """J4: erasing by receipt touches intake only."""
    from relais_shared import contracts, outbox

    add = outbox.add

    async def add_but_erasures(conn, event, *args, **kwargs):
        if isinstance(event, contracts.ReportErased):
            return None
        return await add(conn, event, *args, **kwargs)

    outbox.add = add_but_erasures


@cut("ticket-level")
def _chat_trusts_the_visitor() -> None:
    """J5: chat takes the level it is told instead of deriving it from the case."""
    from relais_chat import opening

    opening.session_level = lambda level, category: "blue"
