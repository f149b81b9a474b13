"""`relais followup import FILE [--dry-run]`: line-numbered errors, nothing half-imported, idempotent."""

import asyncio

from click.testing import CliRunner

from relais_cli.main import cli
from relais_followup.settings import FollowupSettings
from relais_shared.db import connect, migrate
from relais_shared.runtime import service_migrations

HEADER = "case_reference;force;department;risk_level;intervention_at;phone;address;safe_hours\n"
GOOD = ("PDC-2020-0001;PN;62;high;2020-01-04T21:10;06 10 20 30 40;5 rue Y, Arras;18:00-20:00\n"
        "PDC-2020-0002;GN;62;standard;2020-02-11T08:00+01:00;;;\n"
        "RUN-2026-0003;PN;974;severe;2026-11-22 19:00;0692 11 22 33;;\n")


def _run(settings: FollowupSettings, path, *flags):
    env = {"RELAIS_FOLLOWUP_DATABASE_URL": settings.service_database_url, "RELAIS_NAMESPACE": settings.namespace}
    return asyncio.to_thread(CliRunner().invoke, cli, ["followup", "import", str(path), *flags], env=env)


async def _count(settings) -> int:
    await migrate(settings.service_database_url, service_migrations("followup"))
    conn = await connect(settings.service_database_url)
    try:
        return await conn.fetchval("SELECT count(*) FROM entries WHERE source = 'import'")
    finally:
        await conn.close()


async def test_a_file_with_bad_lines_names_them_and_imports_nothing(isolated, tmp_path):
    settings = isolated.settings(FollowupSettings)
    bad = tmp_path / "cases.csv"
    bad.write_text(HEADER + GOOD + "PDC-2020-0004;PN;62;extreme;2020-03-01T10:00;;;\n"
                   "PDC-2020-0005;PN;99;high;2020-03-01T10:00;;;\n", encoding="utf-8")
    result = await _run(settings, bad)
    assert result.exit_code == 1
    assert "cases.csv: line 5: risk_level: expected standard, high or severe" in result.output
    assert "cases.csv: line 6: department: unknown department code" in result.output
    assert "2 error(s) — nothing was imported" in result.output
    assert await _count(settings) == 0


async def test_a_dry_run_changes_nothing_and_a_second_import_adds_nothing(isolated, tmp_path):
    settings = isolated.settings(FollowupSettings)
    good = tmp_path / "cases.csv"
    good.write_text(HEADER + GOOD, encoding="utf-8")
    dry = await _run(settings, good, "--dry-run")
    assert dry.exit_code == 0 and "3 line(s) read: would add 3, already on a list 0" in dry.output
    assert await _count(settings) == 0
    first = await _run(settings, good)
    assert first.exit_code == 0 and "added 3, already on a list 0" in first.output
    good.write_text(HEADER + GOOD + "PDC-2020-0006;PN;62;high;2020-05-01T10:00;;;\n", encoding="utf-8")
    second = await _run(settings, good)
    assert second.exit_code == 0 and "added 1, already on a list 3" in second.output
    conn = await connect(settings.service_database_url)
    try:
        rows = {r["case_reference"]: r for r in await conn.fetch("SELECT * FROM entries")}
        created = await conn.fetchval("SELECT count(*) FROM outbox WHERE event_type = 'followup.entry_created'")
    finally:
        await conn.close()
    assert len(rows) == 4 and created == 4
    old = rows["PDC-2020-0001"]  # a 2020 case: re-examined in a campaign window from now, not overdue at once
    assert (old["window_end"] - old["window_start"]).days == 14 and not old["overdue"]
    assert rows["RUN-2026-0003"]["time_zone"] == "Indian/Reunion" and b"0692" not in rows["RUN-2026-0003"][
        "contact_sealed"]
