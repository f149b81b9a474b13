"""The provider's keys: an unreachable provider costs a request at most the timeout, never the event loop."""

import asyncio
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from relais_shared.identity import AuthError, Operator
from relais_shared.signin.keys import KeySet
from relais_shared.signin.tokens import Issuer, TokenVerifier
from tests.support import BlackHole

OFFICER = Operator(sub="pn-35-1", alias="Agent Durand", force="PN", departments=("35",),
                   roles=frozenset({"chat_operator"}))


def signing_key(kid: str):
    private = ec.generate_private_key(ec.SECP256R1())
    public = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(private.public_key()))
    return private, {**public, "kid": kid, "alg": "ES256", "use": "sig"}


def token(private, kid: str) -> str:
    import time
    now = int(time.time())
    return jwt.encode({**OFFICER.to_claims(), "iss": "https://sso.test", "aud": "relais", "iat": now,
                       "exp": now + 60}, private, algorithm="ES256", headers={"kid": kid, "typ": "at+jwt"})


async def test_an_unreachable_provider_costs_one_timeout_and_the_loop_keeps_running():
    hole = BlackHole()
    keys = KeySet(jwks_url=hole.url + "/jwks", timeout=0.5, cooldown=60)
    verifier = TokenVerifier([Issuer("https://sso.test", keys, "relais")])
    private, _ = signing_key("made-up")
    ticks = 0

    async def ticker():
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    running = asyncio.create_task(ticker())
    try:
        with pytest.raises(AuthError, match="unknown signing key"):
            await asyncio.wait_for(verifier.access_token(token(private, "made-up")), 5)
        assert ticks >= 5, "the event loop stood still while the provider was asked"
        # Within the cool-down, more made-up tokens are refused without asking the provider again.
        for _ in range(20):
            with pytest.raises(AuthError):
                await asyncio.wait_for(verifier.access_token(token(private, "another")), 1)
        assert len(hole.held) == 1
    finally:
        running.cancel()
        hole.close()


class Jwks(BaseHTTPRequestHandler):
    keys: list = []

    def do_GET(self):
        body = json.dumps({"keys": type(self).keys}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


async def test_a_key_removed_from_the_jwks_stops_being_trusted_at_the_next_refresh():
    old_private, old_public = signing_key("old")
    new_private, new_public = signing_key("new")
    Jwks.keys = [old_public]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Jwks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/jwks"
    async with httpx.AsyncClient() as http:
        keys = KeySet(jwks_url=url, timeout=2, cooldown=0, max_age=0.2, http=http)
        verifier = TokenVerifier([Issuer("https://sso.test", keys, "relais")])
        try:
            assert await keys.load()
            assert (await verifier.access_token(token(old_private, "old")))[0] == OFFICER
            Jwks.keys = [new_public]  # the provider rotated and withdrew the old key
            assert (await verifier.access_token(token(new_private, "new")))[0] == OFFICER  # unknown kid: fetched
            with pytest.raises(AuthError, match="unknown signing key"):
                await verifier.access_token(token(old_private, "old"))
        finally:
            server.shutdown()
            server.server_close()
