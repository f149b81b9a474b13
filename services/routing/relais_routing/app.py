"""Routing's app factory: the in-memory index, the lookup API, the report consumer and national triage."""

from __future__ import annotations

import functools

from fastapi import FastAPI

from relais_routing import api, handlers, triage_api, triage_page
from relais_routing.competence_store import seed_default
from relais_routing.competence_watch import CompetenceWatch, reload
from relais_routing.holder import IndexHolder
from relais_routing.jurisdiction import reference_index
from relais_routing.manifest import manifest
from relais_routing.settings import RoutingSettings
from relais_shared.http import create_service_app
from relais_shared.runtime import ServiceRuntime


def create_app(settings: RoutingSettings | None = None) -> FastAPI:
    settings = settings or RoutingSettings()
    # Communes and departments come with the code; competence comes from the database at start.
    holder = IndexHolder(reference_index())
    consumers = manifest.consumer_specs({"routing.reports": {
        "report.received": functools.partial(handlers.on_report_received, holder=holder),
        "report.erased": handlers.on_report_erased,
    }})
    runtime = ServiceRuntime(settings, consumers=consumers, retention=manifest.retention(settings))

    async def load_competence_and_watch(app: FastAPI) -> None:
        async with runtime.pool.acquire() as conn:
            await seed_default(conn, holder.index)
        await reload(runtime.pool, holder)
        runtime.spawn(CompetenceWatch(runtime.pool, holder, runtime.dsn).run(), name="competence-watch")

    app = create_service_app(runtime, title="Relais routing", routers=[api.router, triage_api.router],
                             description="From postal code to competent force, unit and operational centre.",
                             on_started=load_competence_and_watch, field_messages=triage_api.FIELD_MESSAGES)
    app.state.holder = holder
    triage_page.install(app)
    return app
