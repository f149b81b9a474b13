"""Intake's app factory: wires routes, safety middleware, rate limits and handlers once."""

from __future__ import annotations

from fastapi import FastAPI

from relais_intake import api, chat_link, come_back, handlers, i18n, pages, talk, unit_api, unit_page
from relais_intake.manifest import manifest
from relais_intake.security import SafetyMiddleware
from relais_intake.service import Intake
from relais_intake.settings import IntakeSettings
from relais_shared.http import create_service_app
from relais_shared.notrace import NoTraceHeaders
from relais_shared.ratelimit import RateLimiter
from relais_shared.runtime import ServiceRuntime


def create_app(settings: IntakeSettings | None = None) -> FastAPI:
    settings = settings or IntakeSettings()
    consumers = manifest.consumer_specs({"intake.routing-results": {
        "report.routed": handlers.on_report_routed,
        "report.unroutable": handlers.on_report_unroutable,
    }})
    runtime = ServiceRuntime(settings, consumers=consumers, retention=manifest.retention(settings))
    intake = Intake(settings, runtime)
    app = create_service_app(runtime, title="Relais intake", routers=[api.router, unit_api.router],
                             field_messages=i18n.FIELD_MESSAGES,
                             description="Anonymous reporting of domestic, sexual and sexist violence.",
                             on_stopping=intake.close)
    app.state.intake = intake
    pages.install(app)
    talk.install(app)
    come_back.install(app)
    unit_page.install(app)
    secret = settings.secret_key.get_secret_value()
    app.state.report_limiter = RateLimiter(secret, settings.reports_per_hour, name="reports")
    app.state.receipt_limiter = RateLimiter(secret + "/receipts", settings.receipt_attempts_per_hour, name="receipts")
    app.state.exit_limiter = RateLimiter(secret + "/exits", settings.exits_per_hour, name="exits")
    app.state.status_limiter = RateLimiter(secret + "/status", settings.status_lookups_per_hour, name="status")
    if chat_origin := chat_link.other_origin(settings.chat_public_url):
        # The start-chat forms post to the chat's own host: the pages' policy must let them, and only there.
        app.add_middleware(NoTraceHeaders, form_action=(chat_origin,))
    app.add_middleware(SafetyMiddleware, max_body_bytes=settings.max_body_bytes)
    return app
