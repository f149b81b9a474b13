"""Rate limits per client network and ceilings on bursts, counted in the service's own database so that every
replica shares them. No address is ever kept: only a keyed hash of the client's network that changes every day."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
import structlog
from fastapi import Request
from prometheus_client import Counter

from relais_shared.api_errors import ApiError
from relais_shared.bilingual import Bilingual

log = structlog.get_logger(__name__)
TOO_MANY = Bilingual(fr="Trop de tentatives, réessayez plus tard. En danger, appelez le 17 ou le 112.",
                     en="Too many attempts, try again later. In danger, call 17 or 112.")
BURSTS = Counter("relais_bursts_total", "Danger-now reports, severe chats or emergencies past a ceiling (each one "
                 "kept and marked as part of a burst)", ["service", "scope"])
LIMITED = Counter("relais_rate_limited_total", "Requests refused once a client network's allowance was spent",
                  ["limiter"])
NAT64 = ipaddress.ip_network("64:ff9b::/96")
PURGE_SECONDS = 60.0
# One statement per hit, atomic under concurrency: the window is the database's clock, the same for all replicas.
COUNT = """
INSERT INTO rate_windows AS w (bucket, key, window_start, expires_at, hits)
SELECT $1, $2, start, start + make_interval(secs => $3::float8), 1
FROM (SELECT to_timestamp(floor(extract(epoch FROM now())::float8 / $3::float8) * $3::float8) AS start) AS now_
ON CONFLICT (bucket, key, window_start) DO UPDATE SET hits = w.hits + 1
RETURNING hits"""
# Rows another transaction holds are skipped, so purging never waits on nor deadlocks with a hit.
PURGE = """
DELETE FROM rate_windows WHERE (bucket, key, window_start) IN (
    SELECT bucket, key, window_start FROM rate_windows WHERE expires_at < now() LIMIT 5000 FOR UPDATE SKIP LOCKED)"""
_purge_at = [0.0]  # per process: expired windows are a chore any replica may clear for all


def network_of(address: str) -> str:
    """What one allowance covers: an IPv6 client's whole /64 (one subscriber's prefix), an IPv4 address."""
    text = address.strip()
    if text.startswith("["):  # [2001:db8::1]:443, as some proxies write it
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # 192.0.2.1:443
        text = text.partition(":")[0]
    try:
        ip = ipaddress.ip_address(text.partition("%")[0])
    except ValueError:
        return address[:64]  # not an address (a proxy's placeholder): counted as written
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        if ip in NAT64:  # a carrier's NAT64 prefix carries each IPv4 client in its last 32 bits
            return str(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


# Whatever a database restart can raise at a client: the counter is then unreachable, never the person refused.
COUNTER_UNREACHABLE = (asyncpg.PostgresError, asyncpg.InterfaceError, asyncpg.exceptions.InternalClientError,
                       OSError, TimeoutError)


async def count(db: asyncpg.Pool | asyncpg.Connection, bucket: str, key: str, window_seconds: float) -> int:
    """One more hit for (bucket, key) in the current fixed window; the window's hits so far, all replicas together."""
    hits: int = await db.fetchval(COUNT, bucket, key, float(window_seconds))
    if time.monotonic() >= _purge_at[0]:
        _purge_at[0] = time.monotonic() + PURGE_SECONDS
        await db.execute(PURGE)
    return hits


class RateLimiter:
    """An hourly allowance per client network, shared by every replica of the service.

    Only HMAC(secret, day | network) is stored, for the current hour: the hash of the same network changes every
    day and cannot be turned back into an address.
    """

    def __init__(self, secret: str, per_hour: int, *, name: str = "requests"):
        self._secret, self.per_hour, self.name = secret.encode(), per_hour, name

    def key(self, address: str) -> str:
        day = datetime.now(UTC).strftime("%Y-%m-%d")
        return hmac.new(self._secret, f"{day}|{network_of(address)}".encode(), hashlib.sha256).hexdigest()[:32]

    async def allow(self, db: asyncpg.Pool | asyncpg.Connection, address: str) -> bool:
        """Count one request; False once the network's hourly allowance is spent."""
        try:
            hits = await count(db, f"limit.{self.name}", self.key(address), 3600)
        except COUNTER_UNREACHABLE as exc:
            # Never refuse a person because a counter is unreachable: the request meets the database next anyway.
            log.warning("ratelimit.counter_unavailable", limiter=self.name, error=type(exc).__name__)
            return True
        if hits > self.per_hour:
            LIMITED.labels(self.name).inc()
            return False
        return True


@dataclass(frozen=True)
class Ceiling:
    """How many danger-now reports (or severe chats) one department, and the whole country, may raise in a window.

    Past a ceiling nothing is refused: the caller keeps what came and marks it as part of a burst, so that the
    dispatch console groups it instead of ringing once per report; `relais_bursts_total` alerts supervision.
    """

    service: str
    what: str
    per_department: int
    national: int
    window_seconds: float

    def __post_init__(self) -> None:
        for scope in ("department", "national"):
            BURSTS.labels(self.service, scope)  # the series exist at 0, so the first burst shows as an increase

    async def passed(self, db: asyncpg.Pool | asyncpg.Connection, department: str | None) -> str | None:
        """Count one more; "department" or "national" when this one is past that ceiling, else None."""
        try:
            local = await count(db, f"ceiling.{self.what}.department", department or "unknown", self.window_seconds)
            national = await count(db, f"ceiling.{self.what}.national", "all", self.window_seconds)
        except COUNTER_UNREACHABLE as exc:
            log.warning("ratelimit.ceiling_unavailable", what=self.what, error=type(exc).__name__)
            return None
        scope = "department" if local > self.per_department else "national" if national > self.national else None
        if scope is not None:
            BURSTS.labels(self.service, scope).inc()
            log.warning("ratelimit.burst", what=self.what, scope=scope, department=department)
        return scope


def client_address(scope: Mapping[str, Any], trusted_proxy_hops: int) -> str:
    """The client's address, from X-Forwarded-For only when we sit behind trusted proxies."""
    if trusted_proxy_hops > 0:
        forwarded: str = dict(scope.get("headers") or []).get(b"x-forwarded-for", b"").decode("latin-1")
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= trusted_proxy_hops:
            return hops[-trusted_proxy_hops]
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


async def enforce(limiter: RateLimiter, request: Request, trusted_proxy_hops: int,
                  db: asyncpg.Pool | asyncpg.Connection | None = None) -> None:
    """Count this request against its network; 429 with the emergency numbers once the allowance is spent.

    `db` defaults to the service's pool; pass the connection of an open transaction rather than take a second one.
    """
    db = db if db is not None else request.app.state.runtime.pool
    if not await limiter.allow(db, client_address(request.scope, trusted_proxy_hops)):
        raise ApiError(429, TOO_MANY, headers={"Retry-After": "600"})
