"""Opening conversations is limited per address, so a script cannot fill the officers' queue."""

import httpx
import pytest

from tests.chat.conftest import Cluster
from tests.processes import ServiceProcess
from tests.support import free_port

pytestmark = pytest.mark.integration
BODY = {"force": "GN", "department": "35", "platform_queue": "platform.gn", "level": "blue",
        "danger_level": "standard"}


@pytest.fixture
def limited_node(isolated, tmp_path):
    port = free_port()
    node = ServiceProcess("chat", Cluster(isolated, tmp_path).env(port) | {"RELAIS_CHAT_SESSIONS_PER_HOUR": "3"}, port)
    try:
        yield node.wait_ready().url
    finally:
        node.stop()


async def test_past_the_hourly_allowance_a_new_conversation_gets_429_with_the_emergency_numbers(limited_node):
    async with httpx.AsyncClient(base_url=limited_node) as client:
        opened = [await client.post("/v1/sessions", json=BODY) for _ in range(3)]
        refused = await client.post("/v1/sessions", json=BODY)
        exit_still_works = await client.post("/v1/sessions/exit", json={
            "session_id": opened[0].json()["session_id"], "secret": opened[0].json()["secret"]})
    assert [answer.status_code for answer in opened] == [201, 201, 201]
    assert refused.status_code == 429
    assert "17" in refused.json()["detail"] and "112" in refused.json()["detail"]
    assert refused.headers["retry-after"] == "600"
    assert exit_still_works.status_code == 204  # the emergency exit is never limited
