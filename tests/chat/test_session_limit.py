"""Opening conversations is limited per address, so a script cannot fill the officers' queue."""

import uuid

import httpx
import pytest

from tests.chat.conftest import Cluster
from tests.chat.peers import ticket
from tests.launcher import ServiceProcess
from tests.support import free_port

pytestmark = pytest.mark.integration


@pytest.fixture
def limited_node(isolated, tmp_path):
    port = free_port()
    node = ServiceProcess("chat", Cluster(isolated, tmp_path).env(port) | {"RELAIS_CHAT_SESSIONS_PER_HOUR": "3"}, port)
    try:
        yield node.wait_ready().url
    finally:
        node.stop()


async def test_past_the_hourly_allowance_a_new_conversation_gets_429_with_the_emergency_numbers(limited_node):
    first_report = uuid.uuid4()
    async with httpx.AsyncClient(base_url=limited_node) as client:
        opened = [await client.post("/v1/sessions", json={"ticket": ticket(report_id=first_report)})]
        opened += [await client.post("/v1/sessions", json={"ticket": ticket()}) for _ in range(2)]
        refused = await client.post("/v1/sessions", json={"ticket": ticket()})
        # Coming back to her open conversation (a reload) is not a new conversation: never refused.
        resumed = await client.post("/v1/sessions", json={"ticket": ticket(report_id=first_report)})
        exit_still_works = await client.post("/v1/sessions/exit", json={
            "session_id": resumed.json()["session_id"], "secret": resumed.json()["secret"]})
    assert [answer.status_code for answer in opened] == [201, 201, 201]
    assert resumed.status_code == 200 and resumed.json()["session_id"] == opened[0].json()["session_id"]
    assert refused.status_code == 429
    assert "17" in refused.json()["detail"] and "112" in refused.json()["detail"]
    assert refused.headers["retry-after"] == "600"
    assert exit_still_works.status_code == 204  # the emergency exit is never limited
