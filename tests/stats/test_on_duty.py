"""Who is on duty comes from the live consoles: a socket opened on chat or escalation puts its operator on duty in
supervision (operator.on_duty through the outbox, the broker and stats' consumer), its closing takes her off and
brings back the "nobody on duty" warning. The sockets are driven as a console drives them; no event by hand."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from relais_chat.app import create_app as create_chat
from relais_chat.settings import ChatSettings
from relais_escalation.app import create_app as create_escalation
from relais_escalation.settings import EscalationSettings
from relais_stats.app import create_app as create_stats
from relais_stats.settings import StatsSettings
from tests.chat.peers import Officer
from tests.escalation.helpers import ConsoleClient, query, write_policies
from tests.escalation.helpers import token as dispatcher_token
from tests.stats.conftest import Publisher, envelope, token
from tests.support import free_port, serving, wait_until

pytestmark = pytest.mark.integration


@contextlib.asynccontextmanager
async def supervision(isolated, keys):
    """Stats over real HTTP, its consumer bound before any console opens; yields a GN 35 supervisor's reader."""
    settings = isolated.settings(StatsSettings, keys_dir=str(keys))
    app = create_stats(settings)
    async with serving(app) as url, httpx.AsyncClient(base_url=url) as http:
        await wait_until(lambda: app.state.runtime.consumers, 15)

        async def overview() -> dict:
            answer = await http.get("/v1/supervision/overview", headers=token(settings))
            assert answer.status_code == 200, answer.text
            return answer.json()

        app.state.panel = lambda lang: http.get("/v1/supervision/panel", params={"lang": lang},
                                                headers=token(settings))
        yield overview, app


def on_duty(figures: dict, console: str) -> list[tuple]:
    return [(d["force"], d["department"], d["count"], tuple(d["aliases"])) for d in figures["operators_on_duty"]
            if d["console"] == console]


def nobody(figures: dict, console: str) -> list[tuple]:
    return [(w["force"], w["department"]) for w in figures["nobody_on_duty"] if w["console"] == console]


async def settle(overview, done) -> dict:
    """The overview once `done(figures)` holds (events cross the broker asynchronously)."""
    last = {}

    async def check():
        nonlocal last
        last = await overview()
        return done(last)

    await wait_until(check, 30, interval=0.3)
    return last


async def test_a_dispatcher_is_on_duty_while_her_dispatch_console_is_open(isolated, tmp_path):
    keys = tmp_path / "keys"
    settings = isolated.settings(EscalationSettings, keys_dir=str(keys), policies_path=write_policies(tmp_path),
                                 routing_url=f"http://127.0.0.1:{free_port()}", routing_timeout_seconds=0.5,
                                 feed_poll_seconds=0.5, staffing_check_seconds=0.5,
                                 duty_renew_seconds=1)  # every heartbeat (2 s) renews: seen without a minute's wait
    signed = dispatcher_token(settings, sub="corg-35-a", alias="Régie 35")
    async with supervision(isolated, keys) as (overview, _), serving(create_escalation(settings)) as url:
        before = await overview()
        assert on_duty(before, "dispatch") == [] and ("GN", "35") in nobody(before, "dispatch")

        async with ConsoleClient(url, signed) as first:
            await wait_until(first.hello, 10)
            figures = await settle(overview, lambda f: on_duty(f, "dispatch"))
            assert on_duty(figures, "dispatch") == [("GN", "35", 1, ("Régie 35",))]
            assert nobody(figures, "dispatch") == [] and ("GN", "35") in nobody(figures, "chat")

            async with ConsoleClient(url, signed) as second:  # a second tab: still one dispatcher
                await wait_until(second.hello, 10)
            assert await wait_until(lambda: _sockets(settings, "corg-35-a", 1), 10)
            # The second tab closing was not her last: no end of duty was written with it.
            assert False not in await _events(settings)
            assert await wait_until(lambda: _renewed(settings), 30), "the heartbeats renew her lease"

        figures = await settle(overview, lambda f: nobody(f, "dispatch"))
        assert on_duty(figures, "dispatch") == [] and nobody(figures, "dispatch") == [("GN", "35")]
        written = await _events(settings)
        assert written[0] is True and written[-1] is False and written.count(False) == 1


async def test_a_chat_officer_is_on_duty_while_her_console_is_open_and_her_lease_is_renewed(isolated, tmp_path):
    keys = tmp_path / "keys"
    # A short renewal period (the lease stays long) so that a renewal is seen without waiting a minute.
    settings = isolated.settings(ChatSettings, keys_dir=str(keys), duty_renew_seconds=0.4,
                                 intake_url="http://127.0.0.1:9")
    async with supervision(isolated, keys) as (overview, stats), serving(create_chat(settings)) as url:
        officer = await Officer.sign_in(url, keys, sub="agent-gn35", force="GN", departments=("35",),
                                        alias="Agent 35")
        try:
            await officer.ready()
            figures = await settle(overview, lambda f: on_duty(f, "chat"))
            assert on_duty(figures, "chat") == [("GN", "35", 1, ("Agent 35",))]
            assert nobody(figures, "chat") == [] and ("GN", "35") in nobody(figures, "dispatch")
            panel = (await stats.state.panel("fr")).text
            assert "Agent 35" in panel and "Personne en service : alertes (centre opérationnel) — GN 35" in panel
            assert "agent-gn35" not in panel  # the alias, never the identity provider's id

            pool = stats.state.runtime.pool
            first = await pool.fetchval("SELECT until FROM operator_duties WHERE console = 'chat'")
            renewed = "SELECT until > $1 FROM operator_duties WHERE console = 'chat'"
            assert await wait_until(lambda: pool.fetchval(renewed, first), 30), "the open console renews its lease"
        finally:
            await officer.close()

        figures = await settle(overview, lambda f: nobody(f, "chat"))
        assert on_duty(figures, "chat") == [] and nobody(figures, "chat") == [("GN", "35")]
        english = (await stats.state.panel("en")).text
        assert "Nobody on duty : conversations (platform) — GN 35" in english


async def test_an_ended_or_expired_duty_does_not_count_whatever_the_order_of_its_events(isolated, tmp_path):
    """Renewals and endings may be handled out of order (retries, several consumers): the newest word wins."""
    keys = tmp_path / "keys"
    now = datetime.now(UTC)

    def duty(operator: str, on: bool, at: datetime, until: datetime):
        return envelope("operator.on_duty", {
            "operator": operator, "alias": f"Alias {operator}", "force": "GN", "departments": ["35"],
            "console": "dispatch", "on_duty": on, "until": until.isoformat(), "at": at.isoformat()})

    ended = now - timedelta(seconds=5)
    events = [duty("late", False, ended, ended),  # the end, then a renewal sent before it
              duty("late", True, ended - timedelta(seconds=30), now + timedelta(minutes=3)),
              duty("gone", True, now - timedelta(minutes=4), now - timedelta(minutes=1))]  # never renewed
    async with supervision(isolated, keys) as (overview, stats):
        settings = stats.state.runtime.settings
        async with Publisher(settings.amqp_url, settings.namespace) as publisher:
            for env in events:
                await publisher.send(env)
        pool = stats.state.runtime.pool
        assert await wait_until(lambda: pool.fetchval("SELECT count(*) = 3 FROM inbox"), 30)
        assert await pool.fetchval("SELECT count(*) FROM operator_duties") == 2
        assert await pool.fetchval("SELECT count(*) FROM event_log") == 0  # a live state, never logged
        figures = await overview()
        assert on_duty(figures, "dispatch") == [] and nobody(figures, "dispatch") == [("GN", "35")]


async def _sockets(settings: EscalationSettings, sub: str, count: int) -> bool:
    rows = await query(settings, "SELECT count(*) AS n FROM on_duty WHERE operator_sub = $1", sub)
    return rows[0]["n"] == count


async def _renewed(settings: EscalationSettings) -> bool:
    return (await _events(settings)).count(True) >= 2


async def _events(settings: EscalationSettings) -> list[bool]:
    """The on_duty flag of every operator.on_duty escalation wrote to its outbox, in order."""
    rows = await query(settings, "SELECT body FROM outbox WHERE event_type = 'operator.on_duty' ORDER BY id")
    return [json.loads(bytes(r["body"]))["payload"]["on_duty"] for r in rows]
