"""Chat's app factory: the hub, reactions, WebSockets, pages and the scheduler, wired once."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, FastAPI, WebSocket

from relais_chat import api, erasure, pages, triage
from relais_chat.actions import Actions
from relais_chat.console import Console
from relais_chat.live import Hub
from relais_chat.manifest import manifest
from relais_chat.reactions import Reactions
from relais_chat.scheduler import Scheduler
from relais_chat.settings import ChatSettings
from relais_chat.victim import VictimLine
from relais_shared.http import create_service_app
from relais_shared.ratelimit import Ceiling, RateLimiter
from relais_shared.runtime import ServiceRuntime


def sockets(hub: Hub, settings: ChatSettings, actions: Actions) -> APIRouter:
    router = APIRouter()
    buckets: dict = {}

    @router.websocket("/v1/chat/ws")
    async def victim_socket(websocket: WebSocket) -> None:
        await VictimLine(websocket, hub, settings, buckets).run()

    @router.websocket("/v1/console/ws")
    async def console_socket(websocket: WebSocket) -> None:
        await Console(websocket, hub, actions).run()

    return router


def create_app(settings: ChatSettings | None = None) -> FastAPI:
    settings = settings or ChatSettings()
    runtime = ServiceRuntime(settings, retention=manifest.retention(settings))
    hub = Hub(runtime)
    # The erasure handler closes sockets through the hub, which needs the runtime: the manifest's consumer is
    # bound here, before start.
    runtime.specs.extend(manifest.consumer_specs(
        {"chat.erasures": {"report.erased": partial(erasure.on_report_erased, hub=hub)}}))
    actions = Actions(hub, settings)
    scheduler = Scheduler(hub, settings)
    reactions = Reactions(hub, scheduler.assign)
    reactions.wire()

    async def started(_app: FastAPI) -> None:
        runtime.spawn(hub.run(), name="chat-node-queue")
        runtime.spawn(scheduler.run(), name="chat-scheduler")
        runtime.spawn(reactions.refresher(), name="chat-refresher")

    app = create_service_app(runtime, title="Relais chat",
                             routers=[api.router, triage.router, sockets(hub, settings, actions)],
                             description="Live anonymous conversations between victims and officers.",
                             on_started=started)
    app.state.hub = hub
    app.state.session_limiter = RateLimiter(settings.secret_key.get_secret_value() + "/chat-sessions",
                                            settings.sessions_per_hour, name="chat_sessions")
    app.state.severe_ceiling = Ceiling("chat", "severe_chats", settings.severe_ceiling_department,
                                       settings.severe_ceiling_national, settings.severe_ceiling_window_seconds)
    pages.install(app)
    return app
