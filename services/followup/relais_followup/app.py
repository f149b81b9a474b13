"""Follow-up's app factory: consumers, scheduler, API and the cell's page, wired once."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi import FastAPI

from relais_followup import api, erasure, exports, handlers, pages, scheduler
from relais_followup.cell import Cell
from relais_followup.manifest import manifest
from relais_followup.questionnaire import load_questionnaire
from relais_followup.rules import load_rules
from relais_followup.settings import FollowupSettings
from relais_followup.windows import METROPOLITAN_ZONE, OVERSEAS_ZONES
from relais_shared.http import create_service_app
from relais_shared.runtime import ServiceRuntime


def create_app(settings: FollowupSettings | None = None) -> FastAPI:
    settings = settings or FollowupSettings()
    _check_time_zones()
    ring = settings.keyring()
    rules = load_rules(Path(settings.rules_path).read_text("utf-8") if settings.rules_path else None)
    deps = {"ring": ring, "rules": rules}
    consumers = manifest.consumer_specs({
        "followup.interventions": {"intervention.completed": partial(handlers.on_intervention_completed, **deps)},
        "followup.reports": {"report.received": partial(handlers.on_report_received, **deps),
                             "report.routed": partial(handlers.on_report_routed, **deps),
                             "report.erased": erasure.on_report_erased},
    })
    runtime = ServiceRuntime(settings, consumers=consumers, retention=manifest.retention(settings))
    cell = Cell(settings, runtime, ring, rules, load_questionnaire())

    async def start_scheduler(_app: FastAPI) -> None:
        runtime.spawn(scheduler.run(cell.pool, ring, rules, settings.scheduler_interval_seconds), name="scheduler")

    app = create_service_app(runtime, title="Relais follow-up", description="The 24–48 h call-back list.",
                             routers=[api.router, exports.router], on_started=start_scheduler)
    app.state.cell = cell
    pages.install(app)
    return app


def _check_time_zones() -> None:
    """Refuse to start without the time zone database rather than compute wrong windows later."""
    for name in {METROPOLITAN_ZONE, *OVERSEAS_ZONES.values()}:
        ZoneInfo(name)
