"""Structured JSON logs with correlation ids, redacted, for structlog and the standard library alike."""

from __future__ import annotations

import logging
import sys
import uuid
from contextvars import ContextVar
from typing import TextIO

import structlog
from structlog.typing import Processor

from relais_shared.redaction import redact_processor

correlation_id_var: ContextVar[str | None] = ContextVar("relais_correlation_id", default=None)


def current_correlation_id() -> str:
    """The correlation id of the work in progress, or a fresh one."""
    return correlation_id_var.get() or str(uuid.uuid4())


def bind_correlation_id(value: str | None) -> str:
    """Make `value` (or a new id) the correlation id of this task and of its log lines."""
    value = value or str(uuid.uuid4())
    correlation_id_var.set(value)
    structlog.contextvars.bind_contextvars(correlation_id=value)
    return value


class _StdoutHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever sys.stdout is now (test runners swap it), not to the one seen at start."""

    @property
    def stream(self) -> TextIO:
        return sys.stdout

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


class _NoConnectionLines(logging.Filter):
    """Drops uvicorn's per-connection lines: they start with the client's address and port, and uvicorn writes
    its WebSocket handshakes ('<client> - "WebSocket /path" [accepted]') on its error logger whatever the
    access_log option says. We log requests ourselves, without the address."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name.startswith("uvicorn") and isinstance(record.msg, str)
                    and record.msg.startswith('%s - "'))


def configure_logging(service: str, level: str = "INFO") -> None:
    """JSON lines on stdout; uvicorn's and aio-pika's records go through the same redaction."""
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        redact_processor,
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[structlog.stdlib.ExtraAdder(), *shared],
        processors=[
            lambda _l, _m, ev: {**{k: v for k, v in ev.items() if k != "color_message"}, "service": service},
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.JSONRenderer(),
        ],
    )
    handler = _StdoutHandler()
    handler.setFormatter(formatter)
    handler.addFilter(_NoConnectionLines())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # The access log would carry client addresses and query strings: we log requests ourselves.
    logging.getLogger("uvicorn.access").disabled = True
    # httpx logs full URLs (query strings included) at INFO; the websockets library, at DEBUG, every header
    # (User-Agent, X-Forwarded-For) and the start of every frame (what she writes).
    for noisy in ("aiormq", "aio_pika", "httpx", "httpcore", "websockets"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    # uvicorn hands its error logger to the websockets library: its DEBUG lines are those same headers and frames.
    logging.getLogger("uvicorn.error").setLevel(max(logging.INFO, root.level))
