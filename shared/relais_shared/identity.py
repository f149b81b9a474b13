"""Operators: signed tokens (OIDC-compatible JWT) in, a scoped Operator out; one check for every console."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import jwt
from pydantic import BaseModel, ConfigDict, Field, ValidationError

Role = Literal["chat_operator", "triage_operator", "dispatcher", "followup", "supervisor", "auditor", "admin"]
ALGORITHMS = ["RS256", "ES256"]
NATIONAL = "*"  # a department scope covering every department (national platforms, supervision)


class AuthError(Exception):
    """The token is missing, malformed, expired, or not ours; the message is safe to show."""


class Operator(BaseModel):
    """Who is acting, and what they may see: force, departments, roles and clearance for orange data."""

    model_config = ConfigDict(frozen=True)
    sub: str = Field(min_length=1, max_length=128)
    alias: str = Field(min_length=1, max_length=60, description="The only name a victim ever sees")
    force: Literal["PN", "GN"]
    departments: tuple[str, ...] = Field(min_length=1)
    unit: str | None = None
    roles: frozenset[Role] = Field(min_length=1)
    orange_clearance: bool = False

    def has_any(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def covers(self, force: str | None, department: str | None) -> bool:
        """Whether an object of this force and department is within the operator's scope."""
        if force is not None and force != self.force:
            return False
        return NATIONAL in self.departments or (department is not None and department in self.departments)

    def may_read(self, level: str) -> bool:
        """Orange content (rape, sexual assault, domestic and intra-family violence) needs clearance."""
        return level != "orange" or self.orange_clearance

    @classmethod
    def from_claims(cls, claims: dict) -> Operator:
        return cls(sub=claims["sub"], alias=claims.get("relais_alias", ""), force=claims.get("relais_force"),
                   departments=tuple(claims.get("relais_departments", ())), unit=claims.get("relais_unit"),
                   roles=frozenset(claims.get("roles", ())), orange_clearance=bool(claims.get("relais_orange")))

    def to_claims(self) -> dict:
        return {"sub": self.sub, "relais_alias": self.alias, "relais_force": self.force,
                "relais_departments": list(self.departments), "relais_unit": self.unit,
                "roles": sorted(self.roles), "relais_orange": self.orange_clearance}


class TokenVerifier:
    """Checks signature (keys by kid from a JWKS), issuer, audience, expiry; then the Relais claims."""

    def __init__(self, *, issuer: str, audience: str, jwks: dict | None = None, jwks_url: str | None = None,
                 leeway_seconds: int = 30):
        self.issuer, self.audience, self.leeway = issuer, audience, leeway_seconds
        self._keys = {k["kid"]: jwt.PyJWK(k) for k in (jwks or {}).get("keys", [])}
        self._client = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=300) if jwks_url else None

    @classmethod
    def from_file(cls, path: Path, *, issuer: str, audience: str) -> TokenVerifier:
        return cls(issuer=issuer, audience=audience, jwks=json.loads(path.read_text()))

    def _key(self, token: str):
        kid = jwt.get_unverified_header(token).get("kid")
        if kid in self._keys:
            return self._keys[kid].key
        if self._client is not None:
            return self._client.get_signing_key(kid).key
        raise AuthError("unknown signing key")

    def verify(self, token: str) -> Operator:
        try:
            claims = jwt.decode(token, self._key(token), algorithms=ALGORITHMS, audience=self.audience,
                                issuer=self.issuer, leeway=self.leeway, options={"require": ["exp", "iat", "sub"]})
            return Operator.from_claims(claims)
        except AuthError:
            raise
        except jwt.ExpiredSignatureError as exc:
            raise AuthError("token expired") from exc
        except (jwt.PyJWTError, ValidationError, KeyError, TypeError, ValueError) as exc:
            raise AuthError("invalid token") from exc
