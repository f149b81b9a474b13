"""What the cell's endpoints share: the wired dependencies and the scope checks."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import asyncpg

from relais_followup.questionnaire import Questionnaire
from relais_followup.rules import Rules
from relais_followup.settings import FollowupSettings
from relais_shared import operators
from relais_shared.api_errors import ApiError
from relais_shared.bilingual import Bilingual
from relais_shared.crypto import Keyring
from relais_shared.identity import Operator
from relais_shared.runtime import ServiceRuntime

HOLDERS_ONLY = Bilingual(fr="Seuls les agents de suivi habilités orange peuvent prendre une fiche.",
                         en="Only follow-up agents cleared for orange cases may take an entry.")


@dataclass
class Cell:
    """Built once in the app factory and kept on app.state."""

    settings: FollowupSettings
    runtime: ServiceRuntime
    ring: Keyring
    rules: Rules
    questionnaire: Questionnaire

    @property
    def pool(self) -> asyncpg.Pool:
        assert self.runtime.pool is not None
        return self.runtime.pool


def check_scope(who: Operator, force: str | None, department: str | None) -> None:
    """Another force's or department's list looks exactly like one that does not exist."""
    if not who.covers(force, department):
        raise operators.not_found()


def require_holder_role(who: Operator) -> None:
    """Only cell agents cleared for orange content may hold an entry and see how to reach her."""
    if not who.has_any("followup") or not who.may_read("orange"):
        raise ApiError(403, HOLDERS_ONLY)


async def load_entry(conn: asyncpg.Connection, who: Operator, entry_id: uuid.UUID) -> asyncpg.Record:
    """The entry when it exists and is in scope; 404 otherwise."""
    row = await conn.fetchrow("SELECT id, force, department FROM entries WHERE id = $1", entry_id)
    if row is None:
        raise operators.not_found()
    check_scope(who, row["force"], row["department"])
    return row
