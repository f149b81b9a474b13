"""Escalation's app factory: wires the consumer, the deadline scheduler, the routing lookups, the staffing watch
and the consoles."""

from __future__ import annotations

import functools
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from relais_escalation import api, burst_api, centres, console, handlers, i18n
from relais_escalation.consoles import ConsoleHub
from relais_escalation.dispatch import Dispatch
from relais_escalation.jurisdiction import RoutingLookup
from relais_escalation.ladder import load_policies
from relais_escalation.lookups import JurisdictionLookups
from relais_escalation.manifest import manifest
from relais_escalation.scheduler import DeadlineScheduler
from relais_escalation.settings import EscalationSettings
from relais_shared.http import create_service_app
from relais_shared.runtime import ServiceRuntime


def create_app(settings: EscalationSettings | None = None) -> FastAPI:
    settings = settings or EscalationSettings()
    dispatch = Dispatch(settings, load_policies(settings.policies_path), settings.keyring(),
                        RoutingLookup(settings.routing_url, settings.routing_timeout_seconds))
    on_emergency = functools.partial(handlers.on_emergency_raised, dispatch=dispatch)
    consumers = manifest.consumer_specs({"escalation.emergencies": {
        "emergency.raised": on_emergency, "report.erased": handlers.on_report_erased}})
    runtime = ServiceRuntime(settings, consumers=consumers, retention=manifest.retention(settings))
    hub = ConsoleHub(runtime, dispatch)

    async def started(_app: FastAPI) -> None:
        runtime.spawn(DeadlineScheduler(runtime.pool, dispatch, runtime.dsn).run(), name="deadline-scheduler")
        runtime.spawn(JurisdictionLookups(runtime.pool, dispatch, runtime.dsn).run(), name="routing-lookups")
        runtime.spawn(centres.watch(runtime.pool, dispatch), name="staffing-watch")
        runtime.spawn(hub.listen(), name="console-fanout")
        runtime.spawn(hub.pump_forever(), name="console-pump")

    app = create_service_app(runtime, title="Relais escalation", routers=[api.router, burst_api.router, console.router],
                             description="Emergency dispatch with acknowledgement deadlines.",
                             on_started=started, on_stopping=dispatch.routing.close, field_messages=i18n.FIELD_MESSAGES)
    app.state.dispatch, app.state.hub = dispatch, hub
    app.mount("/console/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static")
    return app
