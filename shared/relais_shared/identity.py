"""Who an operator is and what they may see; how they prove it is relais_shared.signin."""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["chat_operator", "triage_operator", "dispatcher", "followup", "supervisor", "auditor", "admin"]
ROLES: tuple[str, ...] = get_args(Role)
NATIONAL = "*"  # a department scope covering every department (national platforms, supervision)


class AuthError(Exception):
    """The token or session is missing, malformed, expired, or not ours; the message is safe to show."""


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

    def to_claims(self) -> dict[str, Any]:
        return {"sub": self.sub, "relais_alias": self.alias, "relais_force": self.force,
                "relais_departments": list(self.departments), "relais_unit": self.unit,
                "groups": sorted(self.roles), "relais_orange": self.orange_clearance}
