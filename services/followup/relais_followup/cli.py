"""`relais followup …`: bulk import of past cases (all or nothing, idempotent on the case reference)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import click

from relais_followup.importer import parse
from relais_followup.rules import Rules, load_rules
from relais_followup.settings import FollowupSettings
from relais_followup.store import create_entry
from relais_shared.crypto import Keyring
from relais_shared.db import connect, migrate
from relais_shared.runtime import service_migrations


@dataclass(frozen=True)
class ImportReport:
    lines: int
    new: int
    already_listed: int
    errors: list[str]


@click.group()
def group() -> None:
    """Follow-up: the call-back list."""


@group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report, change nothing.")
def import_command(file: Path, dry_run: bool) -> None:
    """Put past cases on the lists from a CSV file (header: case_reference,force,department,risk_level,…)."""
    settings = FollowupSettings()
    report = asyncio.run(import_file(settings, file.read_bytes(), dry_run=dry_run))
    if report.errors:
        for error in report.errors[:200]:
            click.echo(f"{file.name}: {error}", err=True)
        more = len(report.errors) - 200
        raise click.ClickException(f"{len(report.errors)} error(s){f' ({more} not shown)' if more > 0 else ''}"
                                   " — nothing was imported")
    verb = "would add" if dry_run else "added"
    click.echo(f"{report.lines} line(s) read: {verb} {report.new}, already on a list {report.already_listed}")


async def import_file(settings: FollowupSettings, data: bytes, *, dry_run: bool, rules: Rules | None = None,
                      now: datetime | None = None) -> ImportReport:
    """Validate, then (unless a dry run) insert every new case in one transaction."""
    parsed = parse(data, rules or load_rules(), now or datetime.now(UTC))
    if parsed.errors:
        return ImportReport(len(parsed.entries), 0, 0, parsed.errors)
    await migrate(settings.service_database_url, service_migrations("followup"))
    conn = await connect(settings.service_database_url)
    try:
        return await _apply(conn, settings.keyring(), parsed.entries, dry_run)
    finally:
        await conn.close()


async def _apply(conn: asyncpg.Connection, ring: Keyring, entries, dry_run: bool) -> ImportReport:
    references = [e.case_reference for e in entries]
    if dry_run:
        existing = await conn.fetchval("SELECT count(*) FROM entries WHERE case_reference = ANY($1)", references)
        return ImportReport(len(entries), len(entries) - existing, existing, [])
    async with conn.transaction():
        created = [await create_entry(conn, ring, entry) for entry in entries]
    new = sum(entry_id is not None for entry_id in created)
    return ImportReport(len(entries), new, len(entries) - new, [])
