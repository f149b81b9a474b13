"""The follow-up outcomes export: one line per case (with her questionnaire answers) only for operators cleared
for orange content; anyone else in scope gets counts by outcome, nothing about any one case."""

import csv
import io
from datetime import UTC, datetime

import pytest

from relais_followup.app import create_app
from relais_followup.settings import FollowupSettings
from tests.followup.conftest import token
from tests.followup.helpers import add_entry
from tests.support import running_app

pytestmark = pytest.mark.integration


@pytest.fixture
async def followup(isolated, tmp_path):
    app = create_app(isolated.settings(FollowupSettings, keys_dir=str(tmp_path / "keys")))
    async with running_app(app) as client:
        yield app, client


async def closed_case(client, headers, outcome: str, answers: dict) -> None:
    entry = await add_entry(client, headers, risk_level="high", unit_id="GN-BTA-35001")
    claim = (await client.post("/v1/departments/35/claim-next", headers=headers)).json()["claimed"]
    body = {"claim_id": claim["claim_id"]}
    await client.post(f"/v1/entries/{entry['id']}/attempts", headers=headers, json={**body, "outcome": "reached"})
    await client.put(f"/v1/entries/{entry['id']}/answers", headers=headers, json={**body, "answers": answers})
    closed = await client.post(f"/v1/entries/{entry['id']}/close", headers=headers, json={**body, "outcome": outcome})
    assert closed.status_code == 200, closed.text


async def test_without_orange_clearance_the_export_has_counts_only(followup):
    app, client = followup
    settings = app.state.cell.settings
    agent = token(settings)
    for _ in range(2):
        await closed_case(client, agent, "reached_oriented_association", {"safe_now": "no", "wants_association": "yes"})
    today = datetime.now(UTC).date().isoformat()
    url = f"/v1/exports/outcomes.csv?department=35&from={today}&to={today}"
    uncleared = token(settings, sub="sup-1", roles=("supervisor",), orange=False)
    counts = await client.get(url, headers=uncleared)
    assert counts.status_code == 200 and "aggregates" in counts.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(counts.text)))
    assert rows == [{"department": "35", "force": "GN", "source": "manual", "risk_level": "high",
                     "outcome": "reached_oriented_association", "entries": "2", "contacted": "2",
                     "welfare_check": "0", "unsafe_answer": "2"}]
    assert "answer_" not in counts.text and "GN-BTA-35001" not in counts.text
    cleared = await client.get(url, headers=token(settings, sub="sup-2", roles=("supervisor",), orange=True))
    lines = list(csv.DictReader(io.StringIO(cleared.text)))
    assert len(lines) == 2 and lines[0]["answer_safe_now"] == "no" and lines[0]["unit_id"] == "GN-BTA-35001"
    audit = await app.state.cell.pool.fetch(
        "SELECT actor_sub, details FROM audit_log WHERE action = 'followup.export_outcomes' ORDER BY id")
    assert [(a["actor_sub"], a["details"]["aggregates"]) for a in audit] == [("sup-1", True), ("sup-2", False)]
