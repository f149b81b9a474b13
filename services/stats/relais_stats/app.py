"""Statistics' app factory: the event consumer, the public figures and the supervision pages, wired once."""

from __future__ import annotations

from functools import partial

from fastapi import FastAPI

from relais_shared.http import create_service_app
from relais_shared.runtime import ServiceRuntime
from relais_stats import duties, handlers, pages, public, supervision
from relais_stats.manifest import manifest
from relais_stats.minimise import EVENT_TYPES
from relais_stats.settings import StatsSettings


def create_app(settings: StatsSettings | None = None) -> FastAPI:
    settings = settings or StatsSettings()
    # Join keys are keyed hashes: the service's secret, never stored beside the data, is the key.
    on_event = partial(handlers.on_event, secret=join_key_secret(settings))
    on_duty = partial(duties.on_duty, secret=join_key_secret(settings))
    consumers = manifest.consumer_specs(
        {"stats.events": {**dict.fromkeys(EVENT_TYPES, on_event), "operator.on_duty": on_duty}})
    runtime = ServiceRuntime(settings, consumers=consumers, retention=manifest.retention(settings))
    app = create_service_app(runtime, title="Relais statistics", routers=[public.router, supervision.router],
                             description="Counts by department and category, without exposing anyone.")
    pages.install(app)
    return app


def join_key_secret(settings: StatsSettings) -> bytes:
    return ("relais-stats-join-keys|" + settings.secret_key.get_secret_value()).encode()
