"""From a provider's claims to a Relais Operator: which claim says what is configuration, checked at start-up.

ProConnect, a force's SSO and the development provider name things differently (`groups`, `roles`,
`departement`…) and send lists as arrays or as one string. The mapping says where each attribute lives; a
string where a list is expected is split on commas, semicolons and spaces, never into characters.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from relais_shared.identity import ROLES, AuthError, Operator

TRUE_VALUES = frozenset({"1", "true", "yes", "oui", "on"})
LIST_SEPARATORS = re.compile(r"[,;\s]+")


class ClaimsMapping(BaseModel):
    """Where each Relais attribute is read from in the provider's claims (RELAIS_OIDC_CLAIMS, as JSON)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    subject: str = "sub"
    alias: str = "relais_alias"
    force: str = "relais_force"
    departments: str = "relais_departments"
    unit: str = "relais_unit"
    roles: str = "groups"
    orange_clearance: str = "relais_orange"
    # A provider's group or role names, when they are not Relais role names: {"GN-CORG": "dispatcher"}.
    role_names: dict[str, str] = Field(default_factory=dict)
    # A provider's force names: {"gendarmerie": "GN", "police": "PN"}.
    force_names: dict[str, str] = Field(default_factory=dict)

    @field_validator("role_names")
    @classmethod
    def _known_roles(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value.values()) - set(ROLES))
        if unknown:
            raise ValueError(f"role_names maps to unknown Relais roles {unknown}; known: {sorted(ROLES)}")
        return value

    @field_validator("force_names")
    @classmethod
    def _known_forces(cls, value: dict[str, str]) -> dict[str, str]:
        if not set(value.values()) <= {"PN", "GN"}:
            raise ValueError("force_names must map to PN or GN")
        return value

    def operator(self, claims: dict[str, Any]) -> Operator:
        """The operator these claims describe; AuthError (safe to show) when they do not make one."""
        roles = {self.role_names.get(name, name) for name in as_list(claims.get(self.roles))}
        force = str(claims.get(self.force) or "")
        try:
            return Operator(sub=str(claims[self.subject]), alias=str(claims.get(self.alias) or ""),
                            force=self.force_names.get(force, force.upper()),
                            departments=tuple(d.upper() for d in as_list(claims.get(self.departments))),
                            unit=(str(claims[self.unit]) if claims.get(self.unit) else None),
                            roles=frozenset(roles & set(ROLES)),
                            orange_clearance=as_bool(claims.get(self.orange_clearance)))
        except (KeyError, ValidationError) as exc:
            missing = missing_attributes(exc)
            raise IncompleteAccount(f"the account lacks a Relais attribute ({missing})", missing) from exc


class IncompleteAccount(AuthError):
    """Signed in at the provider, but the claims lack what Relais needs (`missing`: Relais attribute names)."""

    def __init__(self, message: str, missing: str):
        super().__init__(message)
        self.missing = missing


def as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part for part in LIST_SEPARATORS.split(value) if part]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [str(item) for item in value if item not in (None, "")]
    return [str(value)]


def as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value == 1
    return isinstance(value, str) and value.strip().lower() in TRUE_VALUES


def missing_attributes(exc: KeyError | ValidationError) -> str:
    """Which attributes were missing or wrong, by Relais name, for the page that tells the operator."""
    if isinstance(exc, KeyError):
        return "sub"
    return ", ".join(sorted({str(error["loc"][0]) for error in exc.errors() if error.get("loc")})) or "?"
