"""What every service's HTTP side shares: app factory, request context, health, metrics, error answers."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager

import asyncpg
import structlog
from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from relais_shared.api_errors import error_response, http_error
from relais_shared.audit_api import audit_router
from relais_shared.bilingual import Bilingual
from relais_shared.console_kit import audit_page, install_kit
from relais_shared.input_guard import InputGuard, out_of_range
from relais_shared.metrics import HTTP_REQUESTS, HTTP_SECONDS, metrics_endpoint
from relais_shared.notrace import NoTraceHeaders
from relais_shared.observability import bind_correlation_id, configure_logging
from relais_shared.runtime import ServiceRuntime
from relais_shared.signin.flow import router as signin_router
from relais_shared.signin.wiring import close_gate, open_gate
from relais_shared.validation import FieldMessages, validation_handler

log = structlog.get_logger(__name__)
SAFE_CORRELATION_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
UNAVAILABLE = Bilingual(fr="Service momentanément indisponible, réessayez dans un instant.",
                        en="Service temporarily unavailable, please try again in a moment.")
UNEXPECTED = Bilingual(fr="Une erreur s'est produite de notre côté. Réessayez. En danger, appelez le 17 ou le 112.",
                       en="Something went wrong on our side. Please try again. In danger, call 17 or 112.")


class RequestContextMiddleware:
    """Correlation id in and out, one redacted log line and metrics per request (no address, no query)."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app, self.service = app, service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        structlog.contextvars.clear_contextvars()
        given = dict(scope.get("headers") or []).get(b"x-correlation-id", b"").decode("latin-1")
        correlation_id = bind_correlation_id(given if SAFE_CORRELATION_ID.match(given) else None)
        started, status = time.perf_counter(), 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", []).append((b"x-correlation-id", correlation_id.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            elapsed = time.perf_counter() - started
            HTTP_REQUESTS.labels(self.service, route, scope["method"], str(status)).inc()
            HTTP_SECONDS.labels(self.service, route).observe(elapsed)
            log.info("http.request", method=scope["method"], route=route, status=status,
                     duration_ms=round(elapsed * 1000, 2))


def health_router() -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz", summary="Liveness: the process answers")
    async def healthz() -> dict[str, str]:
        return {"status": "alive"}

    @router.get("/readyz", summary="Readiness: database and broker reachable", responses={503: {}})
    async def readyz(request: Request) -> JSONResponse:
        checks = await request.app.state.runtime.ready()
        status = 200 if all(checks.values()) else 503
        return JSONResponse({"ready": status == 200, "checks": checks}, status_code=status)

    return router


async def _unavailable(_request: Request, exc: Exception) -> JSONResponse:
    log.error("http.dependency_unavailable", error=type(exc).__name__)
    return error_response(503, UNAVAILABLE, headers={"Retry-After": "5"})


async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.error("http.unexpected_error", error=type(exc).__name__, exc_info=exc)
    return error_response(500, UNEXPECTED)


def create_service_app(runtime: ServiceRuntime, *, title: str, description: str = "",
                       routers: Sequence[APIRouter] = (),
                       on_started: Callable[[FastAPI], Awaitable[object]] | None = None,
                       on_stopping: Callable[[], Awaitable[object]] | None = None,
                       field_messages: FieldMessages | None = None) -> FastAPI:
    """A FastAPI app whose lifespan runs the service runtime; handlers reach it via app.state.runtime."""
    settings = runtime.settings

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.service_name, settings.log_level)
        await runtime.start()
        await open_gate(app, settings, runtime.pool)
        if on_started is not None:
            await on_started(app)
        log.info("service.started", port=settings.port)
        yield
        if on_stopping is not None:
            await on_stopping()
        await runtime.stop()
        await close_gate(app)
        log.info("service.stopped")

    app = FastAPI(title=title, description=description, version="1.0.0", lifespan=lifespan)
    app.state.runtime = runtime
    # Innermost of the three: a refused request still gets the no-trace headers, a correlation id and its log line.
    app.add_middleware(InputGuard)
    app.add_middleware(NoTraceHeaders)
    app.add_middleware(RequestContextMiddleware, service=settings.service_name)
    app.add_exception_handler(asyncpg.PostgresConnectionError, _unavailable)
    app.add_exception_handler(asyncpg.InterfaceError, _unavailable)
    # A connection caught mid-operation by a database restart ("another operation is in progress"): retry.
    app.add_exception_handler(asyncpg.exceptions.InternalClientError, _unavailable)
    app.add_exception_handler(OSError, _unavailable)
    app.add_exception_handler(TimeoutError, _unavailable)
    app.add_exception_handler(asyncpg.TooManyConnectionsError, _unavailable)
    # 57P01 admin shutdown, 57P03 cannot connect now: the database is restarting, so "retry", not a 500.
    app.add_exception_handler(asyncpg.exceptions.OperatorInterventionError, _unavailable)
    app.add_exception_handler(RequestValidationError, validation_handler(field_messages))
    app.add_exception_handler(StarletteHTTPException, http_error)  # the one error shape (api_errors)
    # A date at the calendar's edge overflows in datetime arithmetic or in PostgreSQL (class 22, data exception):
    # what the client sent cannot be held, so it is a 422 wherever in a handler it surfaces.
    app.add_exception_handler(OverflowError, out_of_range)
    app.add_exception_handler(asyncpg.DataError, out_of_range)
    app.add_exception_handler(Exception, _unexpected)
    app.add_route("/metrics", metrics_endpoint, include_in_schema=False)
    app.include_router(health_router())
    app.include_router(audit_router())
    app.include_router(audit_page.router)  # /audit: the same log as a page for auditors
    app.include_router(signin_router)
    install_kit(app)
    for router in routers:
        app.include_router(router)
    return app
