"""Each step of the ladder alerts its own target: the centre's dispatchers, then its supervisor, then national
supervision. Everyone in scope still sees the incident; only the step's target gets the alarm."""

import contextlib

import httpx
import pytest

from relais_escalation import staffing
from relais_escalation.app import create_app
from relais_shared.identity import Operator
from tests.escalation.helpers import ConsoleClient, emergency, publish, token
from tests.support import serving, wait_until


def operator(departments=("35",), roles=("dispatcher",), force="GN") -> Operator:
    return Operator(sub="x", alias="x", force=force, departments=departments, roles=frozenset(roles))


@pytest.mark.parametrize("who,targets", [
    (operator(), {"centre_dispatchers"}),
    (operator(roles=("supervisor",)), {"centre_supervisor"}),
    (operator(roles=("dispatcher", "supervisor")), {"centre_dispatchers", "centre_supervisor"}),
    (operator(departments=("*",), roles=("supervisor",)), {"national_supervision"}),
    (operator(departments=("*",)), {"national_supervision"}),
    (operator(departments=("72",)), set()),
    (operator(force="PN"), set()),
])
def test_who_answers_for_each_target_of_a_gn_35_incident(who, targets):
    assert staffing.targets_of(who, "GN", "35") == targets


def test_an_unresolved_incident_answers_to_national_supervision_only():
    assert staffing.targets_of(operator(), None, None) == set()
    assert staffing.targets_of(operator(departments=("*",), force="PN"), None, None) == {"national_supervision"}


@contextlib.asynccontextmanager
async def served(settings):
    app = create_app(settings)
    async with serving(app) as url:
        await wait_until(lambda: app.state.runtime.consumers, 15)
        yield url


def seen(consoles, incident_id):
    """(step, alerted) of the incident as each console sees it now."""
    views = [c.incidents().get(incident_id) for c in consoles]
    return [None if v is None else (v["step"], v["alert"]) for v in views]


@pytest.mark.integration
async def test_each_step_alerts_its_own_target_and_the_others_follow_quietly(escalation_settings):
    settings = escalation_settings()
    tokens = [token(settings, sub="d35"), token(settings, sub="s35", roles=("supervisor",)),
              token(settings, sub="nat", departments=("*",), roles=("supervisor",))]
    async with served(settings) as url, ConsoleClient(url, tokens[0]) as dispatcher, \
            ConsoleClient(url, tokens[1]) as supervisor, ConsoleClient(url, tokens[2]) as national:
        consoles = (dispatcher, supervisor, national)
        await wait_until(lambda: all(c.hello() for c in consoles), 10)
        await publish(settings.amqp_url, settings.namespace, emergency(settings))
        assert await wait_until(lambda: all(c.incidents() for c in consoles), 10)
        incident_id = next(iter(dispatcher.incidents()))
        for step in (0, 1, 2):  # 2 s per step (helpers.POLICY)
            expected = [(step, step == index) for index in range(3)]
            assert await wait_until(lambda expected=expected: seen(consoles, incident_id) == expected, 10), \
                seen(consoles, incident_id)
        async with httpx.AsyncClient(base_url=url) as client:
            response = await client.post(f"/v1/incidents/{incident_id}/acknowledge",
                                         headers={"Authorization": f"Bearer {tokens[2]}"})
        assert response.status_code == 200
        assert await wait_until(lambda: seen(consoles, incident_id) == [(2, False)] * 3, 10)
