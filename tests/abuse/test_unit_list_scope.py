"""The unit's report list: a flood of out-of-scope reports never hides a department's own, and its pages (a
keyset cursor) give every report of the scope exactly once, newest first."""

import uuid
from pathlib import Path

import pytest

from relais_intake.app import create_app
from relais_intake.settings import IntakeSettings
from relais_shared.identity import Operator
from relais_shared.operator_keys import mint_token
from tests.support import running_app

pytestmark = pytest.mark.integration
JUNK = 2_100  # more than the 2,000 newest rows the list used to read before filtering in Python


def bearer(settings, **overrides) -> dict[str, str]:
    claims = dict(sub="gn-35-1", alias="Adjudant Le Goff", force="GN", departments=("35",),
                  roles=frozenset({"chat_operator"}))
    token = mint_token(Path(settings.keys_dir), Operator(**{**claims, **overrides}), issuer=settings.oidc_issuer,
                       audience=settings.oidc_audience)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def unit(isolated, tmp_path):
    # Rows are written straight into the table: no report comes in, so routing is never asked.
    settings = isolated.settings(IntakeSettings, keys_dir=str(tmp_path), routing_url="http://127.0.0.1:9")
    app = create_app(settings)
    async with running_app(app) as client:
        yield app, client, settings


async def add(pool, count: int, *, force, department, minutes_ago: float, status="routed") -> list[str]:
    """`count` reports of one scope, all at the same moment (ties are what a keyset cursor must get right)."""
    routing = None if force is None and department is None else {"force": force, "department": department}
    rows = await pool.fetch(
        """INSERT INTO reports (id, postal_code, category, level, status, routing, created_at)
           SELECT gen_random_uuid(), '35690', 'domestic_violence', 'orange', $2, $3::jsonb,
                  now() - $4::float8 * interval '1 minute'
           FROM generate_series(1, $1) RETURNING id""", count, status, routing, minutes_ago)
    return [str(r["id"]) for r in rows]


async def every_page(client, headers, limit: int, **params) -> tuple[list[str], int]:
    seen, url, pages = [], f"/v1/unit/reports?limit={limit}", 0
    query = "".join(f"&{k}={v}" for k, v in params.items())
    url += query
    while url is not None and pages < 50:
        answer = await client.get(url, headers=headers)
        assert answer.status_code == 200, answer.text
        seen += [r["id"] for r in answer.json()]
        pages += 1
        url = answer.links.get("next", {}).get("url")
    return seen, pages


async def test_a_flood_of_other_reports_does_not_hide_the_departments_own(unit):
    app, client, settings = unit
    pool = app.state.runtime.pool
    mine = await add(pool, 3, force="GN", department="35", minutes_ago=60)
    mine += await add(pool, 4, force="GN", department="35", minutes_ago=30)  # four at the very same instant
    await add(pool, JUNK, force="GN", department="72", minutes_ago=5)  # newer junk elsewhere
    await add(pool, 30, force="PN", department="35", minutes_ago=5)  # the other force, same department
    await add(pool, 2, force="GN", department="35", minutes_ago=1, status="erased")
    headers = bearer(settings)
    first = (await client.get("/v1/unit/reports?limit=100", headers=headers)).json()
    assert sorted(r["id"] for r in first) == sorted(mine)
    seen, pages = await every_page(client, headers, limit=2)
    assert sorted(seen) == sorted(mine) and len(seen) == len(set(seen)) == 7 and pages == 4
    assert set(seen[:4]) == set(mine[3:]), "newest first"
    only_routed, _ = await every_page(client, headers, limit=3, status="routed")
    assert sorted(only_routed) == sorted(mine)


async def test_a_national_scope_pages_through_its_force_and_unplaced_reports(unit):
    app, client, settings = unit
    pool = app.state.runtime.pool
    gendarmerie = await add(pool, 5, force="GN", department="29", minutes_ago=20)
    unplaced = await add(pool, 3, force=None, department=None, minutes_ago=10, status="unroutable")
    await add(pool, 40, force="PN", department="75", minutes_ago=1)
    seen, _ = await every_page(client, bearer(settings, departments=("*",)), limit=3)
    assert sorted(seen) == sorted(gendarmerie + unplaced) and len(seen) == len(set(seen))
    assert set(seen[:3]) == set(unplaced)


async def test_a_forged_cursor_is_a_clear_422(unit):
    _app, client, settings = unit
    for cursor in ("x", "not-base64!", "MjAyNi0wMS0wMQ", str(uuid.uuid4())):
        answer = await client.get(f"/v1/unit/reports?cursor={cursor}", headers=bearer(settings))
        assert answer.status_code == 422, (cursor, answer.text)
