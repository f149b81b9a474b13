"""`relais routing …`: import the ministry's yearly competence file."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import asyncpg
import click

from relais_routing.competence_csv import CompetenceFileError
from relais_routing.competence_store import import_competence
from relais_routing.jurisdiction import JurisdictionIndex, reference_index
from relais_routing.settings import RoutingSettings
from relais_shared.db import migrate
from relais_shared.runtime import service_migrations


@click.group()
def group() -> None:
    """Routing: jurisdiction data."""


@group.command("import-competence")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report, change nothing.")
def import_competence_command(file: Path, dry_run: bool) -> None:
    """Replace the commune → police/gendarmerie competence with an official CSV file (all or nothing)."""
    settings = RoutingSettings()
    index = reference_index()
    try:
        report = asyncio.run(_import(settings, file.read_bytes(), file.name, index, dry_run))
    except CompetenceFileError as exc:
        raise click.ClickException(f"{file.name}: {exc} — nothing was changed") from exc
    uncovered = sum(len(v) for v in report.uncovered_by_department.values())
    verb = "would import" if dry_run else ("already imported, unchanged:" if report.unchanged else "imported")
    click.echo(f"{verb} {report.rows} communes ({', '.join(f'{k} {v}' for k, v in sorted(report.by_force.items()))};"
               f" {report.units} units)")
    click.echo(f"communes of the covered departments left without competence: {uncovered}")
    if uncovered or report.unknown_communes:
        click.echo(json.dumps({"uncovered": report.uncovered_by_department,
                               "unknown_communes": report.unknown_communes}, ensure_ascii=False))


async def _import(settings: RoutingSettings, data: bytes, source: str, index: JurisdictionIndex, dry_run: bool):
    await migrate(settings.service_database_url, service_migrations("routing"))
    conn = await asyncpg.connect(settings.service_database_url)
    try:
        return await import_competence(conn, data, source, index, dry_run=dry_run)
    finally:
        await conn.close()
