"""Partners that send people to Relais: "Je signale" buttons, intranet pages, QR codes on neutral leaflets."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal, NamedTuple

import asyncpg

SLUG = re.compile(r"^[a-z0-9-]{2,40}$")  # the same rule as the partners table's CHECK
KINDS = ("retailer", "intranet", "leaflet", "other")
NAME_LIMIT = 120
Kind = Literal["retailer", "intranet", "leaflet", "other"]
COLUMNS = "slug, name, kind, active, created_at, revoked_at"


class PartnerError(Exception):
    """A partner operation that cannot be done as asked."""


class InvalidPartnerError(PartnerError, ValueError):
    """A slug, name or kind that breaks the rules."""


class PartnerExistsError(PartnerError):
    """The slug is taken by a different partner, or by a revoked one."""


class PartnerNotFoundError(PartnerError, LookupError):
    """No partner has this slug."""


class Partner(NamedTuple):
    """A row of the partners table."""

    slug: str
    name: str
    kind: str
    active: bool
    created_at: datetime
    revoked_at: datetime | None


class Added(NamedTuple):
    """What add_partner did."""

    partner: Partner
    created: bool  # False when the identical partner was already there


def check_slug(slug: str) -> str:
    """Return the slug, or raise when it could not be a partner's."""
    if not isinstance(slug, str) or not SLUG.match(slug):
        raise InvalidPartnerError(f"invalid slug {slug!r}: 2 to 40 characters among a-z, 0-9 and '-'")
    return slug


def _check_name_and_kind(name: str, kind: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > NAME_LIMIT or any(not c.isprintable() for c in name):
        raise InvalidPartnerError(f"the name must be 1 to {NAME_LIMIT} printable characters")
    if kind not in KINDS:
        raise InvalidPartnerError(f"invalid kind {kind!r}: one of {', '.join(KINDS)}")
    return name


async def add_partner(conn: asyncpg.Connection, slug: str, name: str, kind: str) -> Added:
    """Register a partner; adding the identical active partner again changes nothing."""
    check_slug(slug)
    name = _check_name_and_kind(name, kind)
    # Insert-or-nothing first: two operators adding the same partner at once cannot both fail or both win.
    row = await conn.fetchrow(f"INSERT INTO partners (slug, name, kind) VALUES ($1, $2, $3) "
                              f"ON CONFLICT (slug) DO NOTHING RETURNING {COLUMNS}", slug, name, kind)
    if row is not None:
        return Added(Partner(*row.values()), True)
    existing = await _get(conn, slug)
    if existing is not None and existing.active and (existing.name, existing.kind) == (name, kind):
        return Added(existing, False)
    if existing is not None and not existing.active:
        # Leaflets and buttons of a revoked partner may still circulate: their slug must never mean someone else.
        raise PartnerExistsError(f"partner {slug!r} was revoked; a revoked slug is never reused")
    raise PartnerExistsError(f"partner {slug!r} already exists with another name or kind")


async def revoke_partner(conn: asyncpg.Connection, slug: str) -> Partner:
    """Stop attributing reports to a partner; revoking twice keeps the first revocation time."""
    check_slug(slug)
    row = await conn.fetchrow(f"UPDATE partners SET active = false, revoked_at = coalesce(revoked_at, now()) "
                              f"WHERE slug = $1 RETURNING {COLUMNS}", slug)
    if row is None:
        raise PartnerNotFoundError(f"no partner {slug!r}")
    return Partner(*row.values())


async def get_active_partner(conn: asyncpg.Connection, slug: str) -> Partner | None:
    """The partner if it exists and is active; None for anything else, malformed slugs included."""
    if not isinstance(slug, str) or not SLUG.match(slug):
        return None
    partner = await _get(conn, slug)
    return partner if partner is not None and partner.active else None


async def list_partners(conn: asyncpg.Connection) -> list[Partner]:
    """Every partner, active or revoked, by slug."""
    return [Partner(*row.values()) for row in await conn.fetch(f"SELECT {COLUMNS} FROM partners ORDER BY slug")]


async def _get(conn: asyncpg.Connection, slug: str) -> Partner | None:
    row = await conn.fetchrow(f"SELECT {COLUMNS} FROM partners WHERE slug = $1", slug)
    return Partner(*row.values()) if row is not None else None
