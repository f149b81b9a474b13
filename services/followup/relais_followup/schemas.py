"""What the cell's API takes: one place for field rules and their examples."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

PHONE = r"^\+?[0-9][0-9 .-]{5,20}$"
SAFE_HOURS = r"^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$"
CASE_REFERENCE = r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$"
Channel = Literal["phone", "sms", "trusted_person"]
AttemptOutcome = Literal["reached", "no_answer", "wrong_number", "unsafe_to_talk"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ContactIn(Strict):
    """How to reach her: sealed at rest, shown only to the agent holding the entry."""

    phone: str | None = Field(default=None, pattern=PHONE, examples=["06 12 34 56 78"])
    trusted_person_name: str | None = Field(default=None, max_length=80)
    trusted_person_phone: str | None = Field(default=None, pattern=PHONE)
    address: str | None = Field(default=None, max_length=300, description="Where a patrol would go")


class EntryIn(Strict):
    """A victim added to the list by hand."""

    case_reference: str = Field(pattern=CASE_REFERENCE, examples=["GN-35-2026-000123"])
    unit_id: str | None = Field(default=None, max_length=64)
    insee: str | None = Field(default=None, pattern=r"^([0-9]{5}|2[AB][0-9]{3})$")
    risk_level: Literal["standard", "high", "severe"] = "standard"
    intervention_at: AwareDatetime | None = Field(default=None, description="Default: now")
    channels: list[Channel] = Field(default_factory=lambda: ["phone"], min_length=1, max_length=3)
    safe_hours: list[Annotated[str, Field(pattern=SAFE_HOURS)]] = Field(default_factory=list, max_length=6,
                                                                       examples=[["09:00-11:30"]])
    no_voicemail: bool = True
    via_trusted_person: bool = False
    contact: ContactIn = Field(default_factory=ContactIn)


class ClaimRef(Strict):
    claim_id: uuid.UUID


class AttemptIn(ClaimRef):
    outcome: AttemptOutcome


class AnswersIn(ClaimRef):
    answers: dict[str, str] = Field(max_length=20, examples=[{"safe_now": "yes"}])


class CloseIn(ClaimRef):
    outcome: str = Field(max_length=64, examples=["reached_safe"])


class ClaimOut(BaseModel):
    entry_id: uuid.UUID
    claim_id: uuid.UUID
    lease_until: datetime
