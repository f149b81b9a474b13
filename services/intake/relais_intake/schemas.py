"""What the public API takes and gives: one place for field rules and their examples."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from relais_intake.categories import Category
from relais_shared.bilingual import Bilingual, Problem

TEXT_LIMIT = 5_000
PHONE_PATTERN = r"^\+?[0-9][0-9 .-]{5,20}$"
RECEIPT_PATTERN = r"^[0-9]{16}$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SafeWindow(Strict):
    """A time of day when calling is safe, in the reporter's local time."""

    start: str = Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", examples=["09:00"])
    end: str = Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", examples=["11:30"])


class ContactPreferences(Strict):
    """How the reporter accepts to be contacted back; encrypted at rest, never in an event in clear."""

    channel: Literal["none", "phone", "trusted_person"] = "none"
    phone: str | None = Field(default=None, pattern=PHONE_PATTERN, examples=["06 12 34 56 78"])
    safe_windows: list[SafeWindow] = Field(default_factory=list, max_length=6)
    no_voicemail: bool = True
    trusted_person_name: str | None = Field(default=None, max_length=80)
    trusted_person_phone: str | None = Field(default=None, pattern=PHONE_PATTERN)

    def problems(self) -> list[Problem]:
        """Cross-field rules."""
        if self.channel == "phone" and not self.phone:
            return [Problem("contact.phone", Bilingual(
                fr="Indiquez un numéro de téléphone, ou choisissez de ne pas être rappelée.",
                en="Give a phone number, or choose not to be called."))]
        if self.channel == "trusted_person" and not self.trusted_person_phone:
            return [Problem("contact.trusted_person_phone", Bilingual(
                fr="Indiquez le numéro de la personne de confiance.", en="Give the trusted person's phone number."))]
        return []


class ReportIn(Strict):
    """A report by a victim or a witness, or (mode "chat") the few answers that open a conversation."""

    # First, so the rules of the fields below can tell which kind of report this is.
    mode: Literal["report", "chat"] = Field(default="report", description="chat: she asked to talk with an officer "
                                            "now; only the category and the place are needed")
    role: Literal["victim", "witness"] | None = Field(default=None, validate_default=True, examples=["victim"],
                                                      description="Required for a written report")
    category: Category = Field(examples=["domestic_violence"])
    postal_code: str = Field(pattern=r"^[0-9]{5}$", examples=["35000"])
    insee: str | None = Field(default=None, pattern=r"^([0-9]{5}|2[AB][0-9]{3})$",
                              description="The commune, required when the postal code covers communes of "
                                          "different forces or units", examples=["35238"])
    occurred: Literal["ongoing", "today", "this_week", "this_month", "older"] | None = Field(
        default=None, validate_default=True, examples=["this_week"], description="Required for a written report")
    occurred_on: date | None = Field(default=None, examples=["2026-11-20"])
    location_hint: str | None = Field(default=None, max_length=200, description="Optional coarse location")
    text: str = Field(default="", max_length=TEXT_LIMIT, description="What happened, in the reporter's words")
    danger_now: bool = Field(default=False, description="In danger right now")
    danger_answers: dict[str, bool] = Field(default_factory=dict, max_length=40,
                                            examples=[{"threats_to_kill": True, "strangulation": False}])
    contact: ContactPreferences = Field(default_factory=ContactPreferences)
    partner: str | None = Field(default=None, pattern=r"^[a-z0-9-]{2,40}$", examples=["je-signale-carrefour"])
    lang: Literal["fr", "en"] = "fr"

    @field_validator("role", "occurred")
    @classmethod
    def _needed_for_a_report(cls, value, info: ValidationInfo):
        # Asked of a written report only: a person who wants to talk now is not questioned first.
        if value is None and info.data.get("mode", "report") == "report":
            raise PydanticCustomError("missing", "Field required")
        return value


class Resource(BaseModel):
    name: str
    number: str | None = None
    description: str
    hours: str | None = None


class Orientation(BaseModel):
    national: list[Resource]
    local: list[Resource]


class ReportAccepted(BaseModel):
    id: uuid.UUID
    receipt: str = Field(description="16 digits, shown once: the only way back to this report")
    level: Literal["orange", "blue"]
    danger_level: Literal["standard", "high", "severe"]
    emergency: bool = Field(description="An emergency was raised to the competent operational centre")
    orientation: Orientation
    chat_ticket: str = Field(description="Opaque and short-lived: posted with `lang` to the chat's /chat page, it "
                                         "opens a conversation about this report at its level and jurisdiction")


class ReceiptIn(Strict):
    receipt: str = Field(pattern=RECEIPT_PATTERN, examples=["4929123456781234"])


class MessageIn(ReceiptIn):
    text: str = Field(min_length=1, max_length=TEXT_LIMIT)


class MessageOut(BaseModel):
    author: Literal["reporter", "unit"]
    text: str
    at: str


class ReceiptView(BaseModel):
    status: Literal["received", "routed", "unroutable", "closed"]
    received_on: date
    force: Literal["PN", "GN"] | None
    unit_name: str | None
    messages: list[MessageOut]
