"""Running one service process with uvicorn: graceful shutdown, no access log, our JSON logging."""

from __future__ import annotations

import sys

import uvicorn

from relais_shared.settings import ConfigError, RelaisSettings


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
        timeout_graceful_shutdown=int(settings.shutdown_grace_seconds) + 5, lifespan="on",
    )
