"""Eight agents work one list at once, some vanish mid-call: nobody is called twice at once, nobody is forgotten."""

import asyncio
import itertools

from relais_followup.app import create_app
from relais_followup.store import NewEntry, create_entry
from tests.followup.conftest import token
from tests.followup.helpers import add_entry, intervention
from tests.support import running_app, wait_until

ENTRIES, AGENTS, KILLED_AT = 40, 8, {3, 9, 17, 26}  # the 3rd, 9th… claim overall is abandoned by its agent


async def _fill(app, count: int) -> None:
    cell = app.state.cell
    async with cell.pool.acquire() as conn:
        for i in range(count):
            event = intervention(risk=("standard", "high", "severe")[i % 3])
            start, end = event.completed_at, event.completed_at.replace(year=event.completed_at.year + 1)
            await create_entry(conn, cell.ring, NewEntry(
                case_reference=event.case_reference, source="intervention", force="GN", department="35",
                risk_level=event.risk_level, window_start=start, window_end=end, contact={"phone": "0600000000"}))


async def _agent(client, settings, sub: str, claims_seen: itertools.count, log: list) -> str:
    """Claim, call, close, until the list is empty; vanish (no release, no heartbeat) on a fatal claim."""
    headers = token(settings, sub=sub, alias=sub)
    while True:
        answer = (await client.post("/v1/departments/35/claim-next", headers=headers)).json()
        if answer["claimed"] is None:
            remaining = await client.get("/v1/departments/35/entries", headers=headers)
            if not remaining.json()["entries"]:
                return "done"
            await asyncio.sleep(0.05)
            continue
        entry_id, claim_id = answer["claimed"]["entry_id"], answer["claimed"]["claim_id"]
        assert answer["entry"]["contact"] == {"phone": "0600000000"}  # the holder sees how to reach her
        if next(claims_seen) in KILLED_AT:
            log.append(("killed", sub, entry_id))
            return "killed"  # the agent's browser crashed: the lease must expire on its own
        for step in (("attempts", {"outcome": "reached"}), ("close", {"outcome": "reached_safe"})):
            response = await client.post(f"/v1/entries/{entry_id}/{step[0]}", headers=headers,
                                         json={"claim_id": claim_id, **step[1]})
            assert response.status_code in (200, 201), response.text
        log.append(("closed", sub, entry_id))


async def test_eight_agents_with_kills_never_share_an_entry_and_close_them_all(followup_settings):
    settings = followup_settings(lease_seconds=1.5)
    app = create_app(settings)
    async with running_app(app) as client:
        await _fill(app, ENTRIES)
        counter, log = itertools.count(1), []
        names = (f"agent-{n}" for n in itertools.count())
        tasks = {asyncio.create_task(_agent(client, settings, next(names), counter, log)) for _ in range(AGENTS)}
        while tasks:  # a vanished agent is replaced, so eight keep working
            done, tasks = await asyncio.wait(tasks, timeout=60, return_when=asyncio.FIRST_COMPLETED)
            assert done, "agents stalled"
            tasks |= {asyncio.create_task(_agent(client, settings, next(names), counter, log))
                      for task in done if task.result() == "killed"}
        pool = app.state.cell.pool
        closed = await pool.fetch("SELECT id, outcome FROM entries WHERE status = 'closed'")
        claims = await pool.fetch("SELECT * FROM claims ORDER BY entry_id, claimed_at")
    assert len(closed) == ENTRIES, "an entry was left unclaimed"
    assert sum(e[0] == "closed" for e in log) == ENTRIES  # each closed once, by one agent
    assert sum(e[0] == "killed" for e in log) == len(KILLED_AT)
    for entry_id, history in itertools.groupby(claims, key=lambda c: c["entry_id"]):
        history = list(history)
        for before, after in itertools.pairwise(history):
            assert before["ended_at"] is not None and after["claimed_at"] >= before["ended_at"], \
                f"entry {entry_id} was held by two agents at once"
    assert sum(c["end_reason"] == "expired" for c in claims) == len(KILLED_AT)


async def test_a_lease_expires_without_heartbeat_and_lasts_with_one(followup_settings):
    settings = followup_settings(lease_seconds=1.0)
    app = create_app(settings)
    async with running_app(app) as client:
        first, second = token(settings, sub="a", alias="A"), token(settings, sub="b", alias="B")
        await add_entry(client, first)
        claimed = (await client.post("/v1/departments/35/claim-next", headers=first)).json()["claimed"]
        url = f"/v1/entries/{claimed['entry_id']}"
        # With heartbeats, the entry stays hers well past the first lease.
        deadline = asyncio.get_running_loop().time() + 2.5
        while asyncio.get_running_loop().time() < deadline:
            beat = await client.post(url + "/heartbeat", headers=first, json={"claim_id": claimed["claim_id"]})
            assert beat.status_code == 200
            other = await client.post("/v1/departments/35/claim-next", headers=second)
            assert other.json()["claimed"] is None
            await asyncio.sleep(0.3)
        # Without them, it goes back to the list and another agent takes it.
        async def taken():
            return (await client.post("/v1/departments/35/claim-next", headers=second)).json()["claimed"]

        again = await wait_until(taken, 10, interval=0.2)
        assert again and again["entry_id"] == claimed["entry_id"]
        late = await client.post(url + "/attempts", headers=first,
                                 json={"claim_id": claimed["claim_id"], "outcome": "no_answer"})
        assert late.status_code == 409 and "expiré" in late.json()["detail"]
        detail = (await client.get(url, headers=first)).json()
        assert detail["contact"] is None and detail["claimed_by"] == "B"  # no longer hers: no contact shown
