"""Operator access tokens: signature, issuer, audience, type, expiry, key ids, and the Relais claims."""

import json
import time

import jwt
import pytest

from relais_shared.identity import AuthError, Operator
from relais_shared.operator_keys import ensure_local_keys, mint_token
from relais_shared.signin.claims import ClaimsMapping
from relais_shared.signin.keys import KeySet
from relais_shared.signin.tokens import Issuer, TokenVerifier

GENDARME = Operator(sub="gn-35-0042", alias="Adjudant Morel", force="GN", departments=("35",), unit="1006079",
                    roles=frozenset({"chat_operator"}), orange_clearance=True)


@pytest.fixture
def keys(tmp_path):
    keyset = KeySet(jwks_file=ensure_local_keys(tmp_path))
    return tmp_path, TokenVerifier([Issuer("relais-local", keyset, "relais")])


async def test_a_valid_token_gives_back_the_operator(keys):
    directory, verifier = keys
    token = mint_token(directory, GENDARME, issuer="relais-local", audience="relais")
    operator, claims = await verifier.access_token(token)
    assert operator == GENDARME and claims["sub"] == GENDARME.sub


@pytest.mark.parametrize(("issuer", "audience", "ttl", "message"), [
    ("someone-else", "relais", 3600, "invalid token"),
    ("relais-local", "another-app", 3600, "invalid token"),
    ("relais-local", "relais", -120, "token expired"),
])
async def test_wrong_issuer_audience_or_expired_tokens_are_refused(keys, issuer, audience, ttl, message):
    directory, verifier = keys
    token = mint_token(directory, GENDARME, issuer=issuer, audience=audience, ttl_seconds=ttl)
    with pytest.raises(AuthError, match=message):
        await verifier.access_token(token)


async def test_a_token_signed_by_another_key_or_tampered_is_refused(keys, tmp_path_factory):
    directory, verifier = keys
    stranger = tmp_path_factory.mktemp("stranger")
    with pytest.raises(AuthError, match="unknown signing key"):
        await verifier.access_token(mint_token(stranger, GENDARME, issuer="relais-local", audience="relais"))
    token = mint_token(directory, GENDARME, issuer="relais-local", audience="relais")
    header, payload, signature = token.split(".")
    forged = jwt.utils.base64url_encode(json.dumps({**GENDARME.to_claims(), "relais_departments": ["*"],
                                                    "iss": "relais-local", "aud": "relais", "iat": int(time.time()),
                                                    "exp": int(time.time()) + 60}).encode()).decode()
    with pytest.raises(AuthError):
        await verifier.access_token(f"{header}.{forged}.{signature}")
    with pytest.raises(AuthError):
        await verifier.access_token("not-a-token")


async def test_unsigned_tokens_are_refused(keys):
    _, verifier = keys
    token = jwt.encode({**GENDARME.to_claims(), "iss": "relais-local", "aud": "relais", "iat": int(time.time()),
                        "exp": int(time.time()) + 60}, key=None, algorithm="none", headers={"typ": "at+jwt"})
    with pytest.raises(AuthError):
        await verifier.access_token(token)


async def test_an_id_token_is_not_taken_for_an_access_token(keys):
    """Same key, issuer and audience, but typ JWT (an ID token): not a key to the operator APIs."""
    directory, verifier = keys
    token = mint_token(directory, GENDARME, issuer="relais-local", audience="relais")
    header, payload, signature = token.split(".")
    private = (directory / "operator-signing-key.pem").read_bytes()
    claims = jwt.decode(token, options={"verify_signature": False})
    as_id_token = jwt.encode({**claims, "nonce": "n"}, private, algorithm="ES256",
                             headers={"kid": jwt.get_unverified_header(token)["kid"], "typ": "JWT"})
    with pytest.raises(AuthError, match="not an access token"):
        await verifier.access_token(as_id_token)


async def test_a_token_issued_to_another_client_is_refused(tmp_path):
    keyset = KeySet(jwks_file=ensure_local_keys(tmp_path))
    verifier = TokenVerifier([Issuer("relais-local", keyset, "relais", frozenset({"relais-consoles"}))])
    private = (tmp_path / "operator-signing-key.pem").read_bytes()
    kid = json.loads((tmp_path / "jwks.json").read_text())["keys"][0]["kid"]
    now = int(time.time())
    base = {**GENDARME.to_claims(), "iss": "relais-local", "aud": "relais", "iat": now, "exp": now + 60}
    for client, accepted in (("relais-consoles", True), ("another-app", False)):
        token = jwt.encode({**base, "azp": client}, private, algorithm="ES256", headers={"kid": kid, "typ": "at+jwt"})
        if accepted:
            assert (await verifier.access_token(token))[0] == GENDARME
        else:
            with pytest.raises(AuthError, match="another application"):
                await verifier.access_token(token)


def test_claims_mapping_reads_strings_lists_and_provider_names():
    mapping = ClaimsMapping(roles="roles", role_names={"CORG": "dispatcher"}, force_names={"gendarmerie": "GN"})
    operator = mapping.operator({"sub": "x", "relais_alias": "CORG 35", "relais_force": "gendarmerie",
                                 "relais_departments": "35, 2a", "roles": "CORG other", "relais_orange": "1"})
    assert operator.departments == ("35", "2A"), "a department string is split on separators, not into characters"
    assert operator.roles == {"dispatcher"} and operator.force == "GN" and operator.orange_clearance
    with pytest.raises(AuthError, match="roles"):
        ClaimsMapping().operator({"sub": "x", "relais_alias": "a", "relais_force": "PN",
                                  "relais_departments": ["35"], "groups": ["not-relais"]})
    with pytest.raises(ValueError, match="unknown Relais roles"):
        ClaimsMapping(role_names={"x": "chief"})


def test_scope_and_clearance_rules():
    assert GENDARME.covers("GN", "35") and not GENDARME.covers("GN", "72") and not GENDARME.covers("PN", "35")
    national = GENDARME.model_copy(update={"departments": ("*",), "orange_clearance": False})
    assert national.covers("GN", "974") and not national.covers("PN", "974")
    assert GENDARME.may_read("orange") and not national.may_read("orange") and national.may_read("blue")
