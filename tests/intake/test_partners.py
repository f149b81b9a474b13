"""Partners on real PostgreSQL, the `relais intake` commands, and the QR codes of neutral leaflets."""

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import asyncpg
import pytest
from click.testing import CliRunner

from relais_cli.main import cli
from relais_intake.partners import (
    SLUG,
    InvalidPartnerError,
    PartnerExistsError,
    PartnerNotFoundError,
    add_partner,
    get_active_partner,
    list_partners,
    revoke_partner,
)
from relais_intake.qr import BORDER, SCALE, make_qr, partner_url, write_qr
from relais_intake.settings import IntakeSettings
from relais_shared.db import migrate
from relais_shared.runtime import service_migrations

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def conn(isolated):
    url = isolated.settings(IntakeSettings).service_database_url
    await migrate(url, service_migrations("intake"))
    connection = await asyncpg.connect(url)
    yield connection
    await connection.close()


@pytest.mark.integration
async def test_add_is_idempotent_and_refuses_a_different_partner(conn):
    first = await add_partner(conn, "je-signale-carrefour", "Carrefour", "retailer")
    again = await add_partner(conn, "je-signale-carrefour", "  Carrefour ", "retailer")
    assert first.created and not again.created and again.partner == first.partner
    assert first.partner.active and first.partner.revoked_at is None and first.partner.kind == "retailer"
    with pytest.raises(PartnerExistsError, match="another name or kind"):
        await add_partner(conn, "je-signale-carrefour", "Leclerc", "retailer")
    with pytest.raises(PartnerExistsError):
        await add_partner(conn, "je-signale-carrefour", "Carrefour", "intranet")
    assert await conn.fetchval("SELECT count(*) FROM partners") == 1


@pytest.mark.integration
@pytest.mark.parametrize(("slug", "name", "kind"), [
    ("A", "x", "retailer"), ("a", "x", "retailer"), ("Carrefour", "x", "retailer"), ("a_b", "x", "retailer"),
    ("../etc", "x", "retailer"), ("a" * 41, "x", "retailer"), ("ok-slug", "", "retailer"),
    ("ok-slug", "x\ny", "retailer"), ("ok-slug", "x" * 121, "retailer"), ("ok-slug", "x", "bank"),
])
async def test_invalid_slugs_names_and_kinds_never_reach_the_table(conn, slug, name, kind):
    with pytest.raises(InvalidPartnerError):
        await add_partner(conn, slug, name, kind)
    assert await conn.fetchval("SELECT count(*) FROM partners") == 0


@pytest.mark.integration
async def test_the_slug_rule_is_the_tables_rule(conn):
    for slug in ["ab", "a" * 40, "a" * 41, "a", "x-1-y", "X1", "é-a", "a b", "--", "a.b"]:
        try:
            async with conn.transaction():
                await conn.execute("INSERT INTO partners (slug, name, kind) VALUES ($1, 'n', 'other')", slug)
            accepted = True
        except asyncpg.CheckViolationError:
            accepted = False
        assert accepted == bool(SLUG.match(slug)), slug


@pytest.mark.integration
async def test_revoke_list_and_get_active(conn):
    await add_partner(conn, "intranet-acme", "Acme", "intranet")
    await add_partner(conn, "leaflet-78", "Dépliant Yvelines", "leaflet")
    assert (await get_active_partner(conn, "intranet-acme")).name == "Acme"
    revoked = await revoke_partner(conn, "intranet-acme")
    assert not revoked.active and revoked.revoked_at is not None
    assert (await revoke_partner(conn, "intranet-acme")).revoked_at == revoked.revoked_at  # twice: unchanged
    assert await get_active_partner(conn, "intranet-acme") is None
    assert (await get_active_partner(conn, "leaflet-78")).kind == "leaflet"
    listed = await list_partners(conn)
    assert [(p.slug, p.active) for p in listed] == [("intranet-acme", False), ("leaflet-78", True)]
    with pytest.raises(PartnerExistsError, match="never reused"):
        await add_partner(conn, "intranet-acme", "Acme", "intranet")


@pytest.mark.integration
async def test_unknown_and_malformed_slugs(conn):
    with pytest.raises(PartnerNotFoundError):
        await revoke_partner(conn, "nobody")
    assert await get_active_partner(conn, "nobody") is None
    assert await get_active_partner(conn, "'; DROP TABLE partners; --") is None
    assert await list_partners(conn) == []


# --- the `relais intake` commands, through the root CLI -------------------------------------------------------

@pytest.fixture
def invoke(isolated):
    url = isolated.settings(IntakeSettings).service_database_url
    runner = CliRunner()

    def run(*args: str, public_url: str | None = None):
        env = {"RELAIS_INTAKE_DATABASE_URL": url, "RELAIS_PUBLIC_URL": public_url, "RELAIS_ENV": "test"}
        result = runner.invoke(cli, ["intake", *args], env=env)
        assert "Traceback" not in result.output
        return result

    return run


def error_of(result) -> str:
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    return result.output


@pytest.mark.integration
def test_cli_adds_lists_and_revokes_partners(invoke):
    added = invoke("partner-add", "je-signale-carrefour", "--name", "Carrefour", "--kind", "retailer")
    assert added.exit_code == 0 and "je-signale-carrefour: added (retailer, Carrefour)" in added.output
    again = invoke("partner-add", "je-signale-carrefour", "--name", "Carrefour", "--kind", "retailer")
    assert again.exit_code == 0 and "unchanged" in again.output
    conflict = invoke("partner-add", "je-signale-carrefour", "--name", "Other", "--kind", "retailer")
    assert "already exists with another name or kind" in error_of(conflict)
    assert "invalid slug" in error_of(invoke("partner-add", "Bad", "--name", "x", "--kind", "other"))
    assert invoke("partner-add", "ok-slug", "--name", "x", "--kind", "bank").exit_code == 2  # click's usage error
    invoke("partner-add", "intranet-acme", "--name", "Acme SA", "--kind", "intranet")
    revoked = invoke("partner-revoke", "intranet-acme")
    assert revoked.exit_code == 0 and "intranet-acme: revoked at " in revoked.output
    assert "no partner 'nobody'" in error_of(invoke("partner-revoke", "nobody"))
    listed = invoke("partners").output.splitlines()
    assert listed[0] == "intranet-acme\tintranet\trevoked " + listed[0].split("revoked ")[1][:10] + "\tAcme SA"
    assert listed[1] == "je-signale-carrefour\tretailer\tactive\tCarrefour" and listed[2] == "2 partner(s)"


@pytest.mark.integration
def test_cli_writes_qr_codes_only_for_active_partners(invoke, tmp_path):
    invoke("partner-add", "leaflet-78", "--name", "Dépliant", "--kind", "leaflet")
    svg, png = tmp_path / "leaflet.svg", tmp_path / "leaflet.png"
    made = invoke("partner-qr", "leaflet-78", "--out", str(svg), public_url="https://relais.example.fr/")
    assert made.exit_code == 0 and "https://relais.example.fr/p/leaflet-78" in made.output
    assert svg_modules(svg) == expected_modules("https://relais.example.fr/p/leaflet-78")
    made = invoke("partner-qr", "leaflet-78", "--format", "png", "--out", str(png), "--base-url", "http://x.test")
    assert made.exit_code == 0 and png_modules(png) == expected_modules("http://x.test/p/leaflet-78")
    default = invoke("partner-qr", "leaflet-78", "--out", str(tmp_path / "d.png"))
    assert png_modules(tmp_path / "d.png") == expected_modules("http://127.0.0.1:8001/p/leaflet-78"), default.output
    invoke("partner-revoke", "leaflet-78")
    refused = invoke("partner-qr", "leaflet-78", "--out", str(tmp_path / "r.png"))
    assert "unknown or revoked" in error_of(refused) and not (tmp_path / "r.png").exists()
    assert "unknown or revoked" in error_of(invoke("partner-qr", "nobody", "--out", str(tmp_path / "n.png")))
    bad_base = invoke("partner-qr", "leaflet-78", "--out", str(png), "--base-url", "ftp://x")
    assert "base URL" in error_of(bad_base)


@pytest.mark.integration
def test_cli_reports_an_unreachable_database_without_a_traceback(tmp_path):
    env = {**os.environ, "RELAIS_INTAKE_DATABASE_URL": "postgresql://postgres@127.0.0.1:1/relais_nowhere"}
    done = subprocess.run([sys.executable, "-m", "relais_cli.main", "intake", "partners"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "cannot use the intake database (ConnectionRefusedError)" in done.stderr


# --- QR codes -----------------------------------------------------------------------------------------------

def expected_modules(url: str) -> list[list[bool]]:
    return [[bool(v) for v in row] for row in make_qr(url).matrix]


def png_modules(path: Path) -> list[list[bool]]:
    """Read a 1-bit greyscale PNG (what segno writes) back into modules, sampling each module's centre."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, pos = {}, 8
    while pos < len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind = data[pos + 4:pos + 8].decode()
        chunks[kind] = chunks.get(kind, b"") + data[pos + 8:pos + 8 + length]
        pos += 12 + length
    width, height = int.from_bytes(chunks["IHDR"][:4], "big"), int.from_bytes(chunks["IHDR"][4:8], "big")
    assert chunks["IHDR"][8:10] == b"\x01\x00" and width == height  # bit depth 1, greyscale
    rows = unfilter(zlib.decompress(chunks["IDAT"]), (width + 7) // 8, height)
    size = width // SCALE - 2 * BORDER
    dark = [[not (rows[y][x // 8] >> (7 - x % 8)) & 1 for x in range(width)] for y in range(height)]
    assert not any(dark[SCALE // 2]) and not any(dark[-1])  # the quiet zone is light
    centre = [(BORDER + i) * SCALE + SCALE // 2 for i in range(size)]
    return [[dark[y][x] for x in centre] for y in centre]


def unfilter(raw: bytes, stride: int, height: int) -> list[bytearray]:
    """Undo PNG scanline filters (one byte per pixel group at this bit depth)."""
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left, up, corner = (line[i - 1] if i else 0), previous[i], (previous[i - 1] if i else 0)
            p = left + up - corner
            paeth = min((abs(p - left), left), (abs(p - up), up), (abs(p - corner), corner))[1]
            line[i] = (line[i] + (0, left, up, (left + up) // 2, paeth)[kind]) & 0xFF
        rows.append(line)
        previous = line
    return rows


def svg_modules(path: Path) -> list[list[bool]]:
    """Read segno's SVG path (M/m moves, h runs of dark modules) back into modules."""
    root = ET.fromstring(path.read_bytes())  # noqa: S314 - a file this test just wrote
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.find("{*}title") is None
    size = int(root.get("width")) // SCALE - 2 * BORDER
    d = next(p.get("d") for p in root.iter("{http://www.w3.org/2000/svg}path") if p.get("stroke") == "#000")
    modules = [[False] * size for _ in range(size)]
    x = y = 0.0
    for op, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", d):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            for column in range(int(x), int(x + float(a))):
                modules[int(y - 0.5) - BORDER][column - BORDER] = True
            x += float(a)
    return modules


@pytest.mark.parametrize(("base", "url"), [
    ("http://127.0.0.1:8001", "http://127.0.0.1:8001/p/je-signale"),
    ("https://relais.example.fr/", "https://relais.example.fr/p/je-signale"),
    ("https://example.fr/relais/", "https://example.fr/relais/p/je-signale"),
])
def test_partner_url(base, url):
    assert partner_url(base, "je-signale") == url


@pytest.mark.parametrize(("base", "slug"), [
    ("ftp://x", "ok"), ("relais.example.fr", "ok"), ("https://x/?a=1", "ok"), ("https://x/#top", "ok"),
    ("https://x", "Bad"), ("https://x", "a/b"),
])
def test_partner_url_refuses_what_a_leaflet_must_not_carry(base, slug):
    with pytest.raises(ValueError):
        partner_url(base, slug)


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_qr_files_encode_exactly_the_url_and_change_with_the_slug(tmp_path, fmt):
    read = png_modules if fmt == "png" else svg_modules
    url_a, url_b = partner_url("https://relais.example.fr", "leaflet-a"), partner_url("https://relais.example.fr",
                                                                                      "leaflet-b")
    qr = write_qr(url_a, tmp_path / f"a.{fmt}", fmt)
    write_qr(url_b, tmp_path / f"b.{fmt}", fmt)
    assert qr.designator == make_qr(url_a).designator == "3-M" and not qr.is_micro
    assert read(tmp_path / f"a.{fmt}") == expected_modules(url_a)
    assert read(tmp_path / f"b.{fmt}") == expected_modules(url_b) != expected_modules(url_a)
    assert (tmp_path / f"a.{fmt}").read_bytes() != (tmp_path / f"b.{fmt}").read_bytes()


def test_qr_refuses_an_unknown_format(tmp_path):
    with pytest.raises(ValueError):
        write_qr("https://x/p/ab", tmp_path / "a.gif", "gif")
