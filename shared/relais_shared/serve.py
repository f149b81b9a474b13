"""A service process: serving it with uvicorn (graceful shutdown, no access log, our JSON logging), or its
pre-start step, the migration of its database.

Each service's `python -m relais_<service>` comes here with its manifest; `relais run` and `relais up` too.
"""

from __future__ import annotations

import asyncio
import os
import sys
from typing import TYPE_CHECKING, TypedDict

import uvicorn

from relais_shared.settings import ConfigError

if TYPE_CHECKING:
    from relais_shared.manifest import ServiceManifest


class WebSocketOptions(TypedDict):
    """uvicorn's WebSocket keyword arguments, typed so they can be spread into `uvicorn.run` and `Config`."""

    ws_max_size: int
    ws_max_queue: int
    ws_per_message_deflate: bool


# WebSocket transport limits for every service. uvicorn's defaults (16 MiB messages, 32 of them queued per
# socket, per-message deflate on) let one client make a replica buffer half a gigabyte, or inflate a small
# compressed frame into megabytes. The services' own socket loops refuse frames above 16 KiB with a readable
# error; this ceiling sits a little above that so such a frame still reaches them, and anything bigger is cut
# by the protocol (close 1009) before its payload is read.
WS_TRANSPORT_MAX_BYTES = 32 * 1024
WS_OPTIONS: WebSocketOptions = {"ws_max_size": WS_TRANSPORT_MAX_BYTES, "ws_max_queue": 8,
                                "ws_per_message_deflate": False}


def main(manifest: ServiceManifest, argv: list[str]) -> int:
    """`python -m relais_<service>` serves the service; `… migrate` is its pre-start step (compose's one-shot
    `<service>-migrate`, the init container on Kubernetes), the same migration as `relais migrate <service>`.

    The migration reads RELAIS_DATABASE_URL, the database's owner (the service itself runs as a role that owns
    nothing), and RELAIS_RUNTIME_ROLE_PASSWORD which, when set, creates that role (docker-compose; on
    Kubernetes the database operator makes it). It needs none of the service's other settings.
    """
    if argv in ([], ["run"]):
        run_service(manifest)
        return 0
    if argv == ["migrate"]:
        url, password = os.environ.get("RELAIS_DATABASE_URL"), os.environ.get("RELAIS_RUNTIME_ROLE_PASSWORD")
        if not url:
            print("relais: migrate needs RELAIS_DATABASE_URL, the database's owner", file=sys.stderr)
            return 2
        applied = asyncio.run(manifest.migrate(url, password))
        print(f"relais: {manifest.name}: {len(applied)} migration(s) applied", file=sys.stderr)
        return 0
    print(f"usage: python -m {manifest.package} [run | migrate]", file=sys.stderr)
    return 2


def run_service(manifest: ServiceManifest, *, host: str | None = None, port: int | None = None) -> None:
    """Serve the manifest's app factory; refuse to start on unsafe configuration."""
    try:
        settings = manifest.settings()
    except ConfigError as exc:
        print(f"relais: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc
    uvicorn.run(
        manifest.app_factory, factory=True, host=host or settings.http_host, port=port or settings.port,
        access_log=False, log_config=None, proxy_headers=False, server_header=False,
        timeout_graceful_shutdown=int(settings.shutdown_grace_seconds) + 5, lifespan="on", **WS_OPTIONS,
    )
