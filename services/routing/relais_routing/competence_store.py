"""The competence data in routing's database: load it, replace it whole from an official file, seed it."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field

import asyncpg

from relais_routing.competence_csv import CompetenceRow, parse_competence_csv
from relais_routing.jurisdiction import JurisdictionIndex
from relais_routing.reference_data import data_file

RELOAD_CHANNEL = "relais_competence"
COLUMNS = ("insee", "label", "force", "service_id", "unit_id", "unit_name", "postal_codes")


@dataclass
class ImportReport:
    """What an import did, for the operator who ran it."""

    rows: int
    by_force: dict[str, int]
    units: int
    unchanged: bool
    unknown_communes: list[str] = field(default_factory=list)
    # Communes of the departments the file covers that it gives no competence for (they go to triage).
    uncovered_by_department: dict[str, list[str]] = field(default_factory=dict)


async def load_competence(conn: asyncpg.Connection) -> dict[str, CompetenceRow]:
    """Every competence row, by INSEE code."""
    rows = await conn.fetch(f"SELECT {', '.join(COLUMNS)} FROM competence")  # noqa: S608 - constant columns
    return {r["insee"]: CompetenceRow(r["insee"], r["label"], r["force"], r["service_id"], r["unit_id"],
                                      r["unit_name"], tuple(r["postal_codes"])) for r in rows}


async def data_version(conn: asyncpg.Connection) -> str:
    """An identifier that changes with every import (ETags are built on it)."""
    latest = await conn.fetchrow("SELECT id, sha256 FROM competence_imports ORDER BY id DESC LIMIT 1")
    return f"{latest['id']}-{latest['sha256'][:12]}" if latest else "empty"


async def import_competence(conn: asyncpg.Connection, data: bytes, source: str, index: JurisdictionIndex,
                            *, dry_run: bool = False) -> ImportReport:
    """Replace the competence table with a file's rows in one transaction; a bad file changes nothing.

    Raises CompetenceFileError (naming the line) before anything is written.
    """
    rows = parse_competence_csv(data)
    digest = hashlib.sha256(data).hexdigest()
    report = _report(rows, index)
    async with conn.transaction():
        await conn.execute("LOCK TABLE competence IN EXCLUSIVE MODE")
        last = await conn.fetchval("SELECT sha256 FROM competence_imports ORDER BY id DESC LIMIT 1")
        report.unchanged = last == digest
        if dry_run or report.unchanged:
            return report
        await conn.execute("DELETE FROM competence")
        await conn.copy_records_to_table("competence", columns=COLUMNS, records=[
            (r.insee, r.label, r.force, r.service_id, r.unit_id, r.unit_name, list(r.postal_codes)) for r in rows
        ])
        await conn.execute("INSERT INTO competence_imports (source, sha256, rows) VALUES ($1, $2, $3)",
                           source, digest, len(rows))
        await conn.execute("SELECT pg_notify($1, '')", RELOAD_CHANNEL)
    return report


def _report(rows: list[CompetenceRow], index: JurisdictionIndex) -> ImportReport:
    given = {r.insee for r in rows}
    departments = {index.by_insee(r.insee).department for r in rows if index.by_insee(r.insee)}
    uncovered: dict[str, list[str]] = {}
    for insee in index.communes_of_departments(departments):
        if insee not in given:
            uncovered.setdefault(index.by_insee(insee).department, []).append(insee)
    return ImportReport(rows=len(rows), by_force=dict(Counter(r.force for r in rows)),
                        units=len({r.unit_id for r in rows}), unchanged=False,
                        unknown_communes=sorted(i for i in given if index.by_insee(i) is None),
                        uncovered_by_department=uncovered)


async def seed_default(conn: asyncpg.Connection, index: JurisdictionIndex) -> ImportReport | None:
    """Import the packaged sample (five departments) when the table has never been filled."""
    if await conn.fetchval("SELECT EXISTS (SELECT 1 FROM competence_imports)"):
        return None
    data = data_file("competence-sample.csv").read_bytes()
    return await import_competence(conn, data, "packaged sample (35, 72, 75, 91, 974)", index)
