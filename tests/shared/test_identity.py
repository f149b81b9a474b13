"""Operator tokens: signature, issuer, audience, expiry, key ids, and the Relais claims."""

import json
import time

import jwt
import pytest

from relais_shared.identity import AuthError, Operator, TokenVerifier
from relais_shared.operator_keys import ensure_local_keys, mint_token

GENDARME = Operator(sub="gn-35-0042", alias="Adjudant Morel", force="GN", departments=("35",), unit="1006079",
                    roles=frozenset({"chat_operator"}), orange_clearance=True)


@pytest.fixture
def keys(tmp_path):
    jwks = json.loads(ensure_local_keys(tmp_path).read_text())
    return tmp_path, TokenVerifier(issuer="relais-local", audience="relais", jwks=jwks)


def test_a_valid_token_gives_back_the_operator(keys):
    directory, verifier = keys
    token = mint_token(directory, GENDARME, issuer="relais-local", audience="relais")
    assert verifier.verify(token) == GENDARME


@pytest.mark.parametrize(("issuer", "audience", "ttl", "message"), [
    ("someone-else", "relais", 3600, "invalid token"),
    ("relais-local", "another-app", 3600, "invalid token"),
    ("relais-local", "relais", -120, "token expired"),
])
def test_wrong_issuer_audience_or_expired_tokens_are_refused(keys, issuer, audience, ttl, message):
    directory, verifier = keys
    token = mint_token(directory, GENDARME, issuer=issuer, audience=audience, ttl_seconds=ttl)
    with pytest.raises(AuthError, match=message):
        verifier.verify(token)


def test_a_token_signed_by_another_key_or_tampered_is_refused(keys, tmp_path_factory):
    directory, verifier = keys
    stranger = tmp_path_factory.mktemp("stranger")
    with pytest.raises(AuthError, match="unknown signing key"):
        verifier.verify(mint_token(stranger, GENDARME, issuer="relais-local", audience="relais"))
    token = mint_token(directory, GENDARME, issuer="relais-local", audience="relais")
    header, payload, signature = token.split(".")
    forged = jwt.utils.base64url_encode(json.dumps({**GENDARME.to_claims(), "relais_departments": ["*"],
                                                    "iss": "relais-local", "aud": "relais", "iat": int(time.time()),
                                                    "exp": int(time.time()) + 60}).encode()).decode()
    with pytest.raises(AuthError):
        verifier.verify(f"{header}.{forged}.{signature}")
    with pytest.raises(AuthError):
        verifier.verify("not-a-token")


def test_unsigned_tokens_are_refused(keys):
    _, verifier = keys
    token = jwt.encode({**GENDARME.to_claims(), "iss": "relais-local", "aud": "relais", "iat": int(time.time()),
                        "exp": int(time.time()) + 60}, key=None, algorithm="none")
    with pytest.raises(AuthError):
        verifier.verify(token)


def test_scope_and_clearance_rules():
    assert GENDARME.covers("GN", "35") and not GENDARME.covers("GN", "72") and not GENDARME.covers("PN", "35")
    national = GENDARME.model_copy(update={"departments": ("*",), "orange_clearance": False})
    assert national.covers("GN", "974") and not national.covers("PN", "974")
    assert GENDARME.may_read("orange") and not national.may_read("orange") and national.may_read("blue")
