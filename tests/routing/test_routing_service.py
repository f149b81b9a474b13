"""The routing service against real PostgreSQL and RabbitMQ: lookup API, report consumer, competence import."""

import uuid
from pathlib import Path

import pytest

from relais_routing.app import create_app
from relais_routing.competence_csv import CompetenceFileError
from relais_routing.competence_store import import_competence
from relais_routing.settings import RoutingSettings
from relais_shared import contracts, outbox
from tests.support import EventTap, running_app, wait_until

pytestmark = pytest.mark.integration
SAMPLE = Path(__file__).resolve().parents[2] / "services/routing/relais_routing/data/competence-sample.csv"


@pytest.fixture
async def routing(isolated):
    app = create_app(isolated.settings(RoutingSettings))
    async with running_app(app) as client:
        yield app, client


async def test_lookup_one_commune_with_its_force_unit_and_centre(routing):
    _, client = routing
    response = await client.get("/v1/jurisdictions", params={"postal_code": "35690"})
    assert response.status_code == 200
    body = response.json()
    assert body["must_choose"] is False
    acigne = body["communes"][0]
    assert acigne["insee"] == "35001" and acigne["force"] == "GN" and acigne["unit"]["id"] == "1006079"
    assert acigne["platform_queue"] == "platform.gn" and acigne["operational_centre"]["id"]


async def test_lookup_of_a_mixed_code_asks_the_person_to_choose(routing):
    _, client = routing
    body = (await client.get("/v1/jurisdictions", params={"postal_code": "35760"})).json()
    assert body["must_choose"] is True
    assert {(c["insee"], c["force"]) for c in body["communes"]} == {("35189", "GN"), ("35278", "PN")}


@pytest.mark.parametrize(("raw", "status", "kind"), [
    ("3500", 422, "malformed"), ("350000", 422, "malformed"), ("35OOO", 422, "malformed"),
    ("٣٥٠٠٠", 422, "malformed"), ("x" * 5000, 422, "malformed"), ("<script>", 422, "malformed"),
    ("98000", 422, "foreign"), ("35999", 404, "unknown"),
])
async def test_bad_postal_codes_get_a_clear_answer(routing, raw, status, kind):
    _, client = routing
    response = await client.get("/v1/jurisdictions", params={"postal_code": raw})
    assert response.status_code == status
    body = response.json()
    assert body["kind"] == kind and body["detail"] and body["detail_fr"]
    if len(raw) > 5:
        assert raw not in body["detail"]  # hostile input is never echoed back


async def test_lookup_by_insee_and_unknown_insee(routing):
    _, client = routing
    paris = (await client.get("/v1/jurisdictions/75116")).json()
    assert paris["force"] == "PN" and paris["department"]["code"] == "75"
    assert (await client.get("/v1/jurisdictions/2A004")).json()["force"] is None  # Corsica: not in the sample
    missing = await client.get("/v1/jurisdictions/99999")
    assert missing.status_code == 404 and missing.json()["kind"] == "unknown"


async def test_responses_carry_an_etag_and_answer_304(routing):
    _, client = routing
    first = await client.get("/v1/jurisdictions", params={"postal_code": "75001"})
    etag = first.headers["etag"]
    again = await client.get("/v1/jurisdictions", params={"postal_code": "75001"}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["etag"] == etag


async def test_reports_are_routed_or_sent_to_triage_never_guessed(isolated, routing):
    app, _ = routing
    cases = {
        "routed_gn": ("35690", None), "routed_chosen_pn": ("35760", "35278"), "ambiguous": ("35760", None),
        "no_competence": ("20000", None), "commune_not_of_code": ("35690", "75101"),
    }
    ids = {name: uuid.uuid4() for name in cases}
    async with EventTap(isolated.servers.amqp_url, isolated.namespace, "report.routed", "report.unroutable") as tap:
        async with app.state.runtime.pool.acquire() as conn, conn.transaction():
            for name, (code, insee) in cases.items():
                await outbox.add(conn, contracts.ReportReceived(report_id=ids[name], postal_code=code, insee=insee,
                                                                category="domestic_violence", level="orange"))
        events = await tap.wait_for(len(cases))
    by_report = {e["payload"]["report_id"]: e for e in events}
    outcome = {name: by_report[str(i)] for name, i in ids.items()}
    assert outcome["routed_gn"]["type"] == "report.routed"
    assert outcome["routed_gn"]["payload"]["force"] == "GN" and outcome["routed_gn"]["payload"]["department"] == "35"
    assert outcome["routed_chosen_pn"]["payload"]["platform_queue"] == "platform.pn"
    assert outcome["ambiguous"]["payload"]["reason"] == "ambiguous_postal_code"
    assert outcome["no_competence"]["payload"]["reason"] == "no_competence"
    assert outcome["commune_not_of_code"]["payload"]["reason"] == "unknown_commune"
    assert all(outcome[n]["payload"]["platform_queue"] == "platform.triage"
               for n in ("ambiguous", "no_competence", "commune_not_of_code"))


async def test_import_is_all_or_nothing_idempotent_and_reloads_the_running_service(routing):
    app, client = routing
    holder = app.state.holder
    pool = app.state.runtime.pool
    sample = SAMPLE.read_bytes()
    broken = sample.replace(b'"35002";"Amanlis";"GN"', b'"35002";"Amanlis";"XX"')
    async with pool.acquire() as conn:
        before = await conn.fetchval("SELECT count(*) FROM competence")
        with pytest.raises(CompetenceFileError) as bad:
            await import_competence(conn, broken, "broken.csv", holder.index)
        assert bad.value.line_number == 3
        assert await conn.fetchval("SELECT count(*) FROM competence") == before == 922
        again = await import_competence(conn, sample, "sample.csv", holder.index)
        assert again.unchanged  # the seeded sample is the same file
        only_35 = b"\n".join(line for line in sample.split(b"\n") if not line.startswith(b'"72'))
        report = await import_competence(conn, only_35, "no-sarthe.csv", holder.index)
    assert report.rows == 922 - 352 and not report.unchanged and report.uncovered_by_department == {}
    assert await wait_until(lambda: holder.index.by_postal_code("72000").communes[0].force is None, 10)
    sarthe = (await client.get("/v1/jurisdictions", params={"postal_code": "72000"})).json()
    assert sarthe["communes"][0]["platform_queue"] == "platform.triage"
