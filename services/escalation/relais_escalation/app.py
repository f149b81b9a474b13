"""Escalation's app factory: wires the consumer, the deadline scheduler, the routing lookups, the staffing watch
and the consoles."""

from __future__ import annotations

import functools
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from relais_escalation import api, burst_api, centres, console, handlers
from relais_escalation.consoles import ConsoleHub
from relais_escalation.dispatch import Dispatch
from relais_escalation.jurisdiction import RoutingLookup
from relais_escalation.ladder import load_policies
from relais_escalation.lookups import JurisdictionLookups
from relais_escalation.scheduler import DeadlineScheduler
from relais_escalation.settings import EscalationSettings
from relais_shared.consumer import ConsumerSpec
from relais_shared.http import create_service_app
from relais_shared.runtime import ServiceRuntime

FIELD_MESSAGES = {
    "unit": ("Name the patrol in at most 120 characters.", "Nommez la patrouille en 120 caractères au plus."),
    "text": ("Write a note of 1 to 2000 characters.", "Écrivez une note de 1 à 2000 caractères."),
    "outcome": ("Choose an outcome from the list.", "Choisissez une issue dans la liste."),
    "incident_id": ("This is not an incident number.", "Ce n'est pas un numéro d'incident."),
    "burst_id": ("This is not a burst number.", "Ce n'est pas un numéro de vague de signalements."),
    "force": ("Choose GN (gendarmerie) or PN (police).", "Choisissez GN (gendarmerie) ou PN (police)."),
    "department": ("Give a department code such as 35, 2A or 974.",
                   "Indiquez un code de département comme 35, 2A ou 974."),
}


def create_app(settings: EscalationSettings | None = None) -> FastAPI:
    settings = settings or EscalationSettings()
    dispatch = Dispatch(settings, load_policies(settings.policies_path), settings.keyring(),
                        RoutingLookup(settings.routing_url, settings.routing_timeout_seconds))
    on_emergency = functools.partial(handlers.on_emergency_raised, dispatch=dispatch)
    runtime = ServiceRuntime(settings, consumers=[ConsumerSpec("escalation.emergencies", {
        "emergency.raised": on_emergency, "report.erased": handlers.on_report_erased})])
    hub = ConsoleHub(runtime, dispatch)

    async def started(_app: FastAPI) -> None:
        runtime.spawn(DeadlineScheduler(runtime.pool, dispatch, runtime.dsn).run(), name="deadline-scheduler")
        runtime.spawn(JurisdictionLookups(runtime.pool, dispatch, runtime.dsn).run(), name="routing-lookups")
        runtime.spawn(centres.watch(runtime.pool, dispatch), name="staffing-watch")
        runtime.spawn(hub.listen(), name="console-fanout")
        runtime.spawn(hub.pump_forever(), name="console-pump")

    app = create_service_app(runtime, title="Relais escalation", routers=[api.router, burst_api.router, console.router],
                             description="Emergency dispatch with acknowledgement deadlines.",
                             on_started=started, on_stopping=dispatch.routing.close, field_messages=FIELD_MESSAGES)
    app.state.dispatch, app.state.hub = dispatch, hub
    app.mount("/console/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static")
    return app
