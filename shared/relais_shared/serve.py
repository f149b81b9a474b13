"""Running one service process with uvicorn: graceful shutdown, no access log, our JSON logging."""

from __future__ import annotations

import sys

import uvicorn

from relais_shared.settings import ConfigError, RelaisSettings

# WebSocket transport limits for every service. uvicorn's defaults (16 MiB messages, 32 of them queued per
# socket, per-message deflate on) let one client make a replica buffer half a gigabyte, or inflate a small
# compressed frame into megabytes. The services' own socket loops refuse frames above 16 KiB with a readable
# error; this ceiling sits a little above that so such a frame still reaches them, and anything bigger is cut
# by the protocol (close 1009) before its payload is read.
WS_TRANSPORT_MAX_BYTES = 32 * 1024
WS_OPTIONS = {"ws_max_size": WS_TRANSPORT_MAX_BYTES, "ws_max_queue": 8, "ws_per_message_deflate": False}


def run_service(module: str, settings_class: type[RelaisSettings], *, host: str | None = None,
                port: int | None = None) -> None:
    """Serve `module`'s `create_app` factory; refuse to start on unsafe configuration."""
    try:
        settings = settings_class()
    except ConfigError as exc:
        print(f"relais: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc
    uvicorn.run(
        f"{module}:create_app", factory=True, host=host or settings.http_host, port=port or settings.port,
        access_log=False, log_config=None, proxy_headers=False, server_header=False,
        timeout_graceful_shutdown=int(settings.shutdown_grace_seconds) + 5, lifespan="on", **WS_OPTIONS,
    )
