"""Two escalation replicas as separate processes on one database and one broker namespace."""

import asyncio
import time
import uuid

import aio_pika
import httpx
import pytest

from relais_escalation.settings import EscalationSettings
from relais_shared import contracts
from tests.escalation.helpers import ConsoleClient, bearer, emergency, publish, query, token, write_policies
from tests.launcher import ServiceProcess
from tests.support import free_port, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.e2e]


class Replicas:
    def __init__(self, isolated, keys_dir: str, policies: str):
        self.settings = isolated.settings(EscalationSettings, keys_dir=keys_dir)
        self.isolated, self.keys_dir, self.policies = isolated, keys_dir, policies
        self.ports = [free_port(), free_port()]
        self.processes: list[ServiceProcess | None] = [None, None]

    def start(self, index: int) -> ServiceProcess:
        env = self.isolated.env(EscalationSettings, self.ports[index]) | {
            "RELAIS_KEYS_DIR": self.keys_dir, "RELAIS_ESCALATION_POLICIES_PATH": self.policies,
            "RELAIS_ESCALATION_ROUTING_URL": f"http://127.0.0.1:{free_port()}",  # routing is down
            "RELAIS_ESCALATION_ROUTING_TIMEOUT_SECONDS": "0.5", "RELAIS_ESCALATION_STAFFING_CHECK_SECONDS": "0.5",
            "RELAIS_ESCALATION_PRESENCE_TIMEOUT_SECONDS": "10", "RELAIS_LOG_LEVEL": "WARNING"}
        self.processes[index] = ServiceProcess("escalation", env, self.ports[index]).wait_ready()
        return self.processes[index]

    def url(self, index: int) -> str:
        return self.processes[index].url

    def token(self, **claims) -> str:
        return token(self.settings, **claims)

    async def incidents(self, department: str):
        return await query(self.settings, "SELECT * FROM incidents WHERE department IS NOT DISTINCT FROM $1 "
                                          "ORDER BY created_at", department)

    async def escalations(self, incident_id):
        return await query(self.settings, "SELECT * FROM escalations WHERE incident_id = $1 ORDER BY id",
                           incident_id)

    async def publish(self, *events, envelopes=()):
        await publish(self.settings.amqp_url, self.settings.namespace, *events, envelopes=envelopes)


@pytest.fixture(scope="module")
def replicas(isolated_module, tmp_path_factory):
    directory = tmp_path_factory.mktemp("escalation")
    pair = Replicas(isolated_module, str(directory), write_policies(directory))
    pair.token()  # create the signing keys before two processes look for them
    pair.start(0)
    pair.start(1)
    yield pair
    for process in pair.processes:
        if process is not None:
            process.stop()


def ensure_both_running(replicas):
    for index, process in enumerate(replicas.processes):
        if process is None or not process.alive:
            replicas.start(index)


async def opened(replicas, department, count):
    return await wait_until(lambda: _at_least(replicas.incidents(department), count), 20)


async def _at_least(rows_coro, count):
    rows = await rows_coro
    return rows if len(rows) >= count else None


async def test_consoles_on_both_replicas_see_every_incident_and_an_ack_stops_the_ladder(replicas):
    ensure_both_running(replicas)
    dispatcher = replicas.token(sub="d35", departments=("35",))
    async with ConsoleClient(replicas.url(0), dispatcher) as on_a, ConsoleClient(replicas.url(1), dispatcher) as on_b:
        await wait_until(lambda: on_a.hello() and on_b.hello(), 10)
        acked, sentinel = emergency(replicas.settings), emergency(replicas.settings)
        await replicas.publish(acked, sentinel)
        rows = await opened(replicas, "35", 2)
        ids = {str(r["id"]) for r in rows}
        assert await wait_until(lambda: ids <= set(on_a.incidents()) and ids <= set(on_b.incidents()), 10)
        assert {m["incident"]["id"] for m in on_b.messages if m.get("change") == "opened"} == ids
        acked_id = next(r["id"] for r in rows if r["emergency_id"] == acked.emergency_id)
        response = httpx.post(f"{replicas.url(1)}/v1/incidents/{acked_id}/acknowledge", headers=bearer(dispatcher))
        assert response.status_code == 200, response.text
        sentinel_id = next(r["id"] for r in rows if r["emergency_id"] == sentinel.emergency_id)
        # The unacknowledged sentinel had the same deadline: once it climbed, the deadline has passed for both.
        assert await wait_until(lambda: replicas.escalations(sentinel_id), 15)
        assert await replicas.escalations(acked_id) == []
        assert await wait_until(lambda: on_a.incidents()[str(acked_id)]["status"] == "acknowledged", 10)
        assert await wait_until(lambda: on_b.incidents()[str(sentinel_id)]["step"] == 2, 10)


async def test_no_ack_climbs_to_the_next_step_at_the_deadline_and_lateness_is_recorded(replicas):
    ensure_both_running(replicas)
    dispatcher = replicas.token(sub="d72", departments=("72",))
    supervisor = replicas.token(sub="s72", departments=("72",), roles=("supervisor",))
    async with ConsoleClient(replicas.url(0), dispatcher) as console, ConsoleClient(replicas.url(1), supervisor):
        await wait_until(lambda: console.hello(), 10)
        event = emergency(replicas.settings, department="72", operational_centre="GN-CORG-72")
        await replicas.publish(event)
        incident_id = (await opened(replicas, "72", 1))[0]["id"]
        climbs = await wait_until(lambda: _at_least(replicas.escalations(incident_id), 2), 15)
        assert await wait_until(lambda: console.incidents()[str(incident_id)]["step"] == 2, 10)
    assert [(c["from_step"], c["to_step"], c["target"], c["reason"]) for c in climbs[:2]] == [
        (0, 1, "centre_supervisor", "deadline"), (1, 2, "national_supervision", "deadline")]
    lateness = [(c["fired_at"] - c["due_at"]).total_seconds() for c in climbs[:2]]
    print(f"deadline lateness (s): {lateness}")
    assert all(seconds >= 0 for seconds in lateness)
    metrics = httpx.get(f"{replicas.url(0)}/metrics").text + httpx.get(f"{replicas.url(1)}/metrics").text
    assert "relais_escalation_deadline_lateness_seconds_count" in metrics


async def test_an_empty_step_is_skipped_at_once_and_an_unstaffed_centre_is_announced(replicas):
    ensure_both_running(replicas)
    national = replicas.token(sub="nat", departments=("*",), roles=("supervisor",))
    async with ConsoleClient(replicas.url(0), national) as console:
        await wait_until(lambda: console.hello(), 10)
        event = emergency(replicas.settings, department="91", operational_centre="GN-CORG-91")
        await replicas.publish(event)
        incident = (await opened(replicas, "91", 1))[0]
        assert incident["step"] == 2
        climbs = await replicas.escalations(incident["id"])
        assert [(c["from_step"], c["to_step"], c["reason"]) for c in climbs] == [
            (0, 1, "empty_step"), (1, 2, "empty_step")]
        assert all(c["due_at"] is None for c in climbs)
        def unstaffed():
            answer = httpx.get(f"{replicas.url(1)}/v1/centres/unstaffed", headers=bearer(national)).json()
            return [c["centre"] for c in answer["centres"]]

        assert await wait_until(lambda: "GN-CORG-91" in unstaffed(), 10), unstaffed()
        assert await wait_until(lambda: any(m["type"] == "centres_changed" for m in console.messages), 10)
    gauge = [line for line in httpx.get(f"{replicas.url(0)}/metrics").text.splitlines()
             if line.startswith("relais_escalation_centres_unstaffed ")]
    assert gauge and float(gauge[0].split()[1]) >= 1


async def test_duplicate_emergencies_across_replicas_are_one_incident(replicas):
    ensure_both_running(replicas)
    event = emergency(replicas.settings, department="56", operational_centre="GN-CORG-56")
    await replicas.publish(envelopes=[contracts.wrap(event) for _ in range(6)])
    await replicas.publish(emergency(replicas.settings, department="56"))  # a different one after them
    await opened(replicas, "56", 2)
    assert await wait_until(lambda: _all_consumed(replicas), 15)
    rows = await replicas.incidents("56")
    assert sorted(r["emergency_id"] == event.emergency_id for r in rows) == [False, True]


async def _all_consumed(replicas):
    rows = await query(replicas.settings, "SELECT count(*) AS n FROM inbox WHERE consumer = 'escalation.emergencies'")
    return rows[0]["n"] >= 7


async def test_routing_down_sends_the_incident_to_national_supervision(replicas):
    ensure_both_running(replicas)
    event = emergency(replicas.settings, force=None, department=None, operational_centre=None, postal_code="35690")
    await replicas.publish(event)
    rows = await wait_until(lambda: query(replicas.settings, "SELECT * FROM incidents WHERE emergency_id = $1",
                                          event.emergency_id), 15)
    assert not rows[0]["jurisdiction_resolved"] and rows[0]["step"] == 2
    national = replicas.token(sub="nat2", departments=("*",), roles=("supervisor",))
    listed = httpx.get(f"{replicas.url(0)}/v1/incidents", headers=bearer(national)).json()["incidents"]
    assert [i["target"] for i in listed if i["id"] == str(rows[0]["id"])] == ["national_supervision"]


async def test_a_replica_killed_while_deadlines_are_pending_leaves_them_to_the_other(replicas):
    ensure_both_running(replicas)
    dispatcher = replicas.token(sub="d22", departments=("22",))
    async with ConsoleClient(replicas.url(1), dispatcher) as console:
        await wait_until(lambda: console.hello(), 10)
        events = [emergency(replicas.settings, department="22", operational_centre="GN-CORG-22") for _ in range(8)]
        await replicas.publish(*events)
        await opened(replicas, "22", 4)  # some are open, others may be in replica 0's hands right now
        replicas.processes[0].kill()
        killed_at = time.time()
        rows = await opened(replicas, "22", 8)
        assert len(rows) == 8
        for row in rows:
            climbs = await wait_until(lambda row=row: replicas.escalations(row["id"]), 15)
            assert climbs[0]["reason"] == "deadline" and climbs[0]["fired_at"].timestamp() > killed_at
        assert len({c["fired_by"] for row in rows for c in await replicas.escalations(row["id"])}) == 1
        assert await wait_until(lambda: all(console.incidents()[str(r["id"])]["step"] >= 1 for r in rows), 10)
    replicas.start(0)


async def test_rabbitmq_restarted_in_the_middle_of_a_ladder_loses_nothing(replicas, broker_control):
    ensure_both_running(replicas)
    tap_queue = await _durable_tap(replicas.settings)
    dispatcher = replicas.token(sub="d29", departments=("29",))
    async with ConsoleClient(replicas.url(0), dispatcher) as console:
        await wait_until(lambda: console.hello(), 10)
        event = emergency(replicas.settings, department="29", operational_centre="GN-CORG-29")
        await replicas.publish(event)
        incident_id = (await opened(replicas, "29", 1))[0]["id"]
        await asyncio.to_thread(broker_control.stop)
        try:
            # With the broker down the ladder still climbs (deadlines live in PostgreSQL) and the console sees it.
            assert await wait_until(lambda: _at_least(replicas.escalations(incident_id), 2), 20)
            assert await wait_until(lambda: console.incidents()[str(incident_id)]["step"] == 2, 10)
        finally:
            await asyncio.to_thread(broker_control.start)
        after = emergency(replicas.settings, department="29", operational_centre="GN-CORG-29")
        await wait_until(lambda: _publish_when_up(replicas, after), 60, interval=1)
        assert await wait_until(lambda: str(_id_of(console, after)) in console.incidents(), 60)
    # The climbs made while the broker was down waited in the outbox and reached the broker afterwards.
    received = await wait_until(lambda: _drain(replicas.settings, tap_queue, _climbs_of(incident_id)), 60)
    assert received, "the escalations made during the outage never reached the broker"
    assert await wait_until(lambda: _outbox_empty(replicas.settings), 30)


async def _outbox_empty(settings):
    return not await query(settings, "SELECT 1 FROM outbox WHERE published_at IS NULL LIMIT 1")


def _climbs_of(incident_id):
    def enough(events):
        return len([e for e in events if e["type"] == "dispatch.incident_escalated"
                    and e["payload"]["incident_id"] == str(incident_id)]) >= 2
    return enough


def _id_of(console, event):
    return next((i["id"] for i in console.incidents().values() if i["report_id"] == str(event.report_id)), None)


async def _publish_when_up(replicas, event):
    try:
        await replicas.publish(event)
        return True
    except Exception:  # noqa: BLE001 - the broker or the consumer queue is not back yet
        return False


async def _durable_tap(settings) -> str:
    """A durable queue bound to dispatch.# that survives the broker's restart (removed with the namespace); bound
    to operator.on_duty too, which stats takes on a whole platform: the console's duty events are routable."""
    name = f"{settings.namespace}.test-tap-{uuid.uuid4().hex[:6]}"
    connection = await aio_pika.connect(settings.amqp_url)
    async with connection:
        channel = await connection.channel()
        exchange = await channel.declare_exchange(f"{settings.namespace}.events", "topic", durable=True)
        queue = await channel.declare_queue(name, durable=True, arguments={"x-queue-type": "quorum"})
        await queue.bind(exchange, "dispatch.#")
        await queue.bind(exchange, "operator.on_duty")
    return name


_drained: dict[str, list] = {}


async def _drain(settings, name: str, enough):
    import json

    try:
        connection = await aio_pika.connect(settings.amqp_url)
    except Exception:  # noqa: BLE001 - not back yet
        return None
    async with connection:
        queue = await (await connection.channel()).get_queue(name)
        while (message := await queue.get(no_ack=True, fail=False)) is not None:
            _drained.setdefault(name, []).append(json.loads(message.body))
    found = _drained.get(name, [])
    return found if enough(found) else None
