"""Prometheus metrics common to every service; module-level so several apps in one process share them."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response

MESSAGES_CONSUMED = Counter(
    "relais_messages_consumed_total", "Messages handled by a consumer", ["consumer", "event_type", "outcome"]
)
HANDLER_SECONDS = Histogram(
    "relais_handler_seconds", "Time spent in an event handler", ["consumer", "event_type"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
HANDLER_FAILURES = Counter("relais_handler_failures_total", "Handler failures", ["consumer", "event_type"])
DEAD_LETTERED = Counter("relais_dead_lettered_total", "Messages sent to a dead-letter queue", ["consumer"])
RETRIED = Counter("relais_retried_total", "Messages sent to a retry queue", ["consumer"])
EVENTS_PUBLISHED = Counter("relais_events_published_total", "Events published with confirms", ["event_type"])
OUTBOX_BACKLOG = Gauge("relais_outbox_backlog", "Outbox rows not yet published", ["service"])
OUTBOX_OLDEST_SECONDS = Gauge("relais_outbox_oldest_age_seconds", "Age of the oldest unpublished row", ["service"])
OUTBOX_PUBLISH_ERRORS = Counter("relais_outbox_publish_errors_total", "Failed relay cycles", ["service"])
HTTP_REQUESTS = Counter("relais_http_requests_total", "HTTP requests", ["service", "route", "method", "status"])
HTTP_SECONDS = Histogram("relais_http_request_seconds", "HTTP request latency", ["service", "route"])
BROKER_CONNECTED = Gauge("relais_broker_connected", "1 while the service holds a broker connection", ["service"])


async def metrics_endpoint(_request: Request) -> Response:
    """Expose every registered metric in the Prometheus text format."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
