"""Routing's app factory: the in-memory index, the lookup API, the report consumer and national triage."""

from __future__ import annotations

import asyncio
import contextlib
import functools

import asyncpg
import structlog
from fastapi import FastAPI

from relais_routing import api, handlers, triage_api, triage_page, triage_store
from relais_routing.competence_store import RELOAD_CHANNEL, data_version, load_competence, seed_default
from relais_routing.holder import IndexHolder
from relais_routing.jurisdiction import JurisdictionIndex
from relais_routing.metrics import COMMUNES_WITHOUT_COMPETENCE
from relais_routing.reference_data import load_communes, load_departments
from relais_routing.settings import RoutingSettings
from relais_shared.consumer import ConsumerSpec
from relais_shared.http import create_service_app
from relais_shared.runtime import ServiceRuntime

log = structlog.get_logger(__name__)


def create_app(settings: RoutingSettings | None = None) -> FastAPI:
    settings = settings or RoutingSettings()
    # Communes and departments come with the code; competence comes from the database at start.
    holder = IndexHolder(JurisdictionIndex(load_communes(), load_departments(), {}))
    consumers = [ConsumerSpec("routing.reports", {
        "report.received": functools.partial(handlers.on_report_received, holder=holder),
        "report.erased": handlers.on_report_erased,
    })]
    runtime = ServiceRuntime(settings, consumers=consumers, retention=triage_store.RETENTION)

    async def load_competence_and_watch(app: FastAPI) -> None:
        async with runtime.pool.acquire() as conn:
            await seed_default(conn, holder.index)
        await reload(runtime.pool, holder)
        runtime.spawn(watch_imports(runtime, holder), name="competence-watch")

    app = create_service_app(runtime, title="Relais routing", routers=[api.router, triage_api.router],
                             description="From postal code to competent force, unit and operational centre.",
                             on_started=load_competence_and_watch, field_messages=triage_api.FIELD_MESSAGES)
    app.state.holder = holder
    triage_page.install(app)
    return app


async def reload(pool: asyncpg.Pool, holder: IndexHolder) -> None:
    """Swap in an index built from the database's competence rows."""
    async with pool.acquire() as conn:
        competence, version = await load_competence(conn), await data_version(conn)
    holder.index, holder.version = holder.index.with_competence(competence), version
    stats = holder.index.stats()
    COMMUNES_WITHOUT_COMPETENCE.set(stats.communes - stats.communes_with_competence)
    log.info("routing.index_loaded", version=version, communes=stats.communes,
             with_competence=stats.communes_with_competence, units=stats.units)


async def watch_imports(runtime: ServiceRuntime, holder: IndexHolder) -> None:
    """Reload when any replica (or the import command) announces a new competence file."""
    changed = asyncio.Event()
    while True:
        conn = None
        try:
            conn = await asyncpg.connect(runtime.dsn, timeout=10)
            await conn.add_listener(RELOAD_CHANNEL, lambda *_: changed.set())
            await reload(runtime.pool, holder)  # catch up with anything imported while not listening
            while not conn.is_closed():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(changed.wait(), 30)
                if changed.is_set():
                    changed.clear()
                    await reload(runtime.pool, holder)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - keep serving the loaded index; retry the watch
            log.warning("routing.watch_failed", error=type(exc).__name__)
        finally:
            if conn is not None:
                with contextlib.suppress(Exception):
                    await conn.close(timeout=1)
        await asyncio.sleep(2)
