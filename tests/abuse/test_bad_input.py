"""NUL bytes and invalid Unicode get one clear 422 on every service, from the shared app factory."""

from __future__ import annotations

import httpx
import pytest

from relais_cli.services import SERVICES

BAD_QUERIES = ["?actor_sub=a%00b", "?q=%ED%A0%80", "?q=%FF", "?%00=1", "?q=%C3"]
BAD_BODIES = [b'{"note": "a\\u0000b"}', b'{"note": "\\ud800"}', b'{"a\\u0000": 1}', b'{"note": "\xff"}',
              b'[{"deep": ["\\udc00"]}]']


@pytest.fixture(scope="module", params=list(SERVICES))
def app(request):
    """The service's app as its factory builds it (no lifespan: the guard answers before any handler)."""
    manifest = SERVICES[request.param]
    return manifest.create_app(manifest.settings(env="test"))


async def call(app, method: str, url: str, **kwargs) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://relais.test") as client:
        return await client.request(method, url, **kwargs)


def assert_refused(response: httpx.Response, field: str) -> None:
    assert response.status_code == 422, response.text
    [problem] = response.json()["detail"]
    assert problem["field"] == field
    assert "not allowed" in problem["message"] and "non autorisé" in problem["message_fr"]


@pytest.mark.parametrize("query", BAD_QUERIES)
async def test_bad_characters_in_the_query_are_refused(app, query):
    assert_refused(await call(app, "GET", "/healthz" + query), "query")


@pytest.mark.parametrize("path", ["/v1/audit%00", "/v1/%ED%B0%80", "/v1/%E9t%E9"])
async def test_bad_characters_in_the_path_are_refused(app, path):
    assert_refused(await call(app, "GET", path), "path")


@pytest.mark.parametrize("body", BAD_BODIES)
async def test_bad_characters_in_a_json_body_are_refused(app, body):
    response = await call(app, "POST", "/v1/audit", content=body, headers={"content-type": "application/json"})
    assert_refused(response, "body")


async def test_bad_characters_in_a_form_body_are_refused(app):
    response = await call(app, "POST", "/v1/audit", content=b"note=a%00b",
                          headers={"content-type": "application/x-www-form-urlencoded"})
    assert_refused(response, "body")


async def test_a_body_nested_too_deeply_is_refused(app):
    response = await call(app, "POST", "/v1/audit", content=b"[" * 5_000 + b"]" * 5_000)
    assert response.status_code == 422
    assert "nested" in response.json()["detail"][0]["message"]


async def test_good_unicode_passes_the_guard(app):
    """Accents, emoji as a surrogate pair escape, and an escaped backslash before u0000 are ordinary text."""
    assert (await call(app, "GET", "/healthz?q=%C3%A9t%C3%A9+%F0%9F%98%80&r=%25%30%30")).status_code == 200
    for body in (b'{"note": "\\ud83d\\ude00 \xc3\xa9"}', b'{"note": "\\\\u0000"}', b"not json at all"):
        response = await call(app, "POST", "/healthz", content=body, headers={"content-type": "application/json"})
        assert response.status_code == 405, response.text  # reached the router: the guard let it through


async def test_a_websocket_handshake_with_bad_characters_is_closed(app):
    scope = {"type": "websocket", "asgi": {"version": "3.0"}, "scheme": "ws", "path": "/v1/console/ws",
             "raw_path": b"/v1/console/ws", "query_string": b"x=%00", "headers": [], "subprotocols": []}
    sent = []

    async def receive():
        return {"type": "websocket.connect"}

    async def send(message):
        sent.append(message)

    await app(scope, receive, send)
    assert sent == [{"type": "websocket.close", "code": 1007}]
