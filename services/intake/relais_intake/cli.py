"""`relais intake …`: manage partners ("Je signale" buttons, intranets, leaflets) and print their QR codes."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import asyncpg
import click
from pydantic import ValidationError

from relais_intake.partners import (
    KINDS,
    PartnerError,
    add_partner,
    get_active_partner,
    list_partners,
    revoke_partner,
)
from relais_intake.qr import partner_url, write_qr
from relais_intake.settings import IntakeSettings
from relais_shared.db import migrate
from relais_shared.runtime import service_migrations
from relais_shared.settings import ConfigError

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8001"


@click.group()
def group() -> None:
    """Intake: partners and their QR codes."""


def _run(action):
    """Run `action(conn)` on the migrated intake database; every expected failure ends as a clear message."""
    try:
        return asyncio.run(_with_connection(action))
    except (ConfigError, ValidationError) as exc:
        raise click.ClickException(f"intake configuration: {exc}") from exc
    except PartnerError as exc:
        raise click.ClickException(str(exc)) from exc
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        # The URL is not echoed: it may carry a password.
        raise click.ClickException(f"cannot use the intake database ({type(exc).__name__}); "
                                   "check RELAIS_INTAKE_DATABASE_URL or RELAIS_DATABASE_URL") from exc


async def _with_connection(action):
    url = IntakeSettings().service_database_url
    await migrate(url, service_migrations("intake"))
    conn = await asyncpg.connect(url, timeout=10)
    try:
        return await action(conn)
    finally:
        await conn.close()


@group.command("partner-add")
@click.argument("slug")
@click.option("--name", required=True, help="The partner's name, as operators will recognise it.")
@click.option("--kind", required=True, type=click.Choice(KINDS), help="Where the entry point lives.")
def partner_add(slug: str, name: str, kind: str) -> None:
    """Register a partner; its people reach the reporting page at /p/SLUG."""
    added = _run(lambda conn: add_partner(conn, slug, name, kind))
    state = "added" if added.created else "already registered, unchanged"
    click.echo(f"partner {slug}: {state} ({added.partner.kind}, {added.partner.name})")


@group.command("partner-revoke")
@click.argument("slug")
def partner_revoke(slug: str) -> None:
    """Revoke a partner: its links still open the page, but reports are no longer attributed to it."""
    partner = _run(lambda conn: revoke_partner(conn, slug))
    click.echo(f"partner {slug}: revoked at {partner.revoked_at.isoformat(timespec='seconds')}")


@group.command("partners")
def partners() -> None:
    """List every partner, active or revoked."""
    rows = _run(list_partners)
    for p in rows:
        state = "active" if p.active else f"revoked {p.revoked_at.date().isoformat()}"
        click.echo(f"{p.slug}\t{p.kind}\t{state}\t{p.name}")
    click.echo(f"{len(rows)} partner(s)", err=True)


@group.command("partner-qr")
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(["png", "svg"]), default=None,
              help="Image format (default: from the file's extension, else png).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="File to write.")
@click.option("--base-url", default=None, help=f"Public URL of the service (default RELAIS_PUBLIC_URL or "
                                                f"{DEFAULT_PUBLIC_URL}).")
def partner_qr(slug: str, fmt: str | None, out: Path, base_url: str | None) -> None:
    """Write the QR code of an active partner's entry URL, for a neutral leaflet."""
    base_url = base_url or os.environ.get("RELAIS_PUBLIC_URL") or DEFAULT_PUBLIC_URL
    fmt = fmt or ("svg" if out.suffix.lower() == ".svg" else "png")
    try:
        url = partner_url(base_url, slug)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    if _run(lambda conn: get_active_partner(conn, slug)) is None:
        raise click.ClickException(f"partner {slug!r} is unknown or revoked: no QR code for it "
                                   "(see `relais intake partners`)")
    try:
        write_qr(url, out, fmt)
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc.strerror or exc}") from exc
    click.echo(f"wrote {out} ({fmt}) for {url}")
