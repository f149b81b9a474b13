"""Access and ID tokens: signature by kid, issuer, audience, expiry, and what kind of token it is.

An ID token says who signed in to a console; it is not a key to the operator APIs. Access tokens are told
apart by their `typ` header (RFC 9068, `at+jwt`) or, for providers that type every token "JWT", by their
shape; and, when they name one, by the client they were issued to (`azp` or `client_id`), so an ID token or a
token issued to another application is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jwt

from relais_shared.identity import AuthError, Operator
from relais_shared.signin.claims import ClaimsMapping
from relais_shared.signin.keys import KeySet

ALGORITHMS = ["RS256", "ES256", "PS256"]
ACCESS_TOKEN_TYPES = frozenset({"at+jwt", "application/at+jwt"})
ID_TOKEN_ONLY = ("nonce", "at_hash", "c_hash", "auth_time")  # claims an ID token carries, an access token not


def _is_access_token(header: dict[str, Any], claims: dict[str, Any]) -> bool:
    """RFC 9068's `typ`; failing that (LemonLDAP::NG 2.16 types both tokens "JWT"), its shape: a scope, and
    none of the claims of an ID token."""
    if str(header.get("typ", "")).lower() in ACCESS_TOKEN_TYPES:
        return True
    return "scope" in claims and not any(name in claims for name in ID_TOKEN_ONLY)


@dataclass(frozen=True)
class Issuer:
    """One issuer we trust: its keys, the audience its access tokens carry, and the clients they are for."""

    name: str
    keys: KeySet
    audience: str | list[str]  # any of them (a provider may name the API, or our client, in `aud`)
    clients: frozenset[str] = frozenset()


class TokenVerifier:
    """Checks tokens from the issuers we trust; never blocks the event loop (keys are fetched asynchronously)."""

    def __init__(self, issuers: list[Issuer], mapping: ClaimsMapping | None = None, leeway_seconds: int = 30):
        self.issuers = {issuer.name: issuer for issuer in issuers}
        self.mapping, self.leeway = mapping or ClaimsMapping(), leeway_seconds

    async def access_token(self, token: str) -> tuple[Operator, dict[str, Any]]:
        """The operator an access token stands for, and its claims (for its expiry)."""
        header, issuer = self._peek(token)
        claims = await self._decode(token, issuer, header, audience=issuer.audience)
        if not _is_access_token(header, claims):
            raise AuthError("not an access token")
        client = claims.get("azp") or claims.get("client_id")
        if issuer.clients and client is not None and client not in issuer.clients:
            raise AuthError("token issued to another application")
        return self.mapping.operator(claims), claims

    async def id_token(self, token: str, *, client_id: str, nonce: str) -> dict[str, Any]:
        """The claims of an ID token returned by the token endpoint for this sign-in (nonce checked)."""
        header, issuer = self._peek(token)
        claims = await self._decode(token, issuer, header, audience=client_id)
        if claims.get("nonce") != nonce:
            raise AuthError("sign-in not recognised")
        return claims

    def _peek(self, token: str) -> tuple[dict[str, Any], Issuer]:
        try:
            header = jwt.get_unverified_header(token)
            named = jwt.decode(token, options={"verify_signature": False}).get("iss")
        except jwt.PyJWTError as exc:
            raise AuthError("invalid token") from exc
        issuer = self.issuers.get(named) if named is not None else None
        if issuer is None:
            raise AuthError("invalid token")
        return header, issuer

    async def _decode(self, token: str, issuer: Issuer, header: dict[str, Any], *,
                      audience: str | list[str]) -> dict[str, Any]:
        if header.get("alg") not in ALGORITHMS:
            raise AuthError("invalid token")
        key = await issuer.keys.key(header.get("kid"))
        if key is None:
            raise AuthError("unknown signing key")
        try:
            return jwt.decode(token, key, algorithms=ALGORITHMS, audience=audience, issuer=issuer.name,
                              leeway=self.leeway, options={"require": ["exp", "iat", "sub"]})
        except jwt.ExpiredSignatureError as exc:
            raise AuthError("token expired") from exc
        except jwt.PyJWTError as exc:
            raise AuthError("invalid token") from exc
