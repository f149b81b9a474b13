"""What clients may send over the WebSockets: one pydantic model per frame type, parsed strictly."""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

ClientId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{8,64}$")]


# No conversation comes near this many messages: a larger sequence number is a malformed frame, never a number
# that overflows a query.
MAX_SEQ = 2**31 - 1

class Frame(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class VictimHello(Frame):
    type: Literal["hello"]
    session_id: uuid.UUID
    secret: str = Field(min_length=20, max_length=100)
    last_seq: int = Field(default=0, ge=0, le=MAX_SEQ)


class Send(Frame):
    type: Literal["send"]
    client_id: ClientId
    text: str  # the length limit is a person-facing rule (error frame), not a malformed frame
    session_id: uuid.UUID | None = None


class Ack(Frame):
    type: Literal["ack"]
    seq: int = Field(ge=0, le=MAX_SEQ)
    session_id: uuid.UUID | None = None


class Typing(Frame):
    type: Literal["typing"]
    session_id: uuid.UUID | None = None


class Exit(Frame):
    type: Literal["exit"]


class OfficerAuth(Frame):
    type: Literal["auth"]
    # Absent from a console page (its session cookie signed the socket in); an API client's access token.
    token: str | None = Field(None, min_length=10, max_length=8000)
    # Console reconnect: the last seq seen per conversation, to get only what came after.
    after: dict[uuid.UUID, Annotated[int, Field(ge=0, le=MAX_SEQ)]] = Field(default_factory=dict, max_length=500)


class Presence(Frame):
    type: Literal["presence"]
    status: Literal["available", "busy", "away"]
    capacity: int | None = Field(default=None, ge=0, le=20)
    auto_assign: bool | None = None


class Claim(Frame):
    type: Literal["claim"]
    session_id: uuid.UUID


class Transfer(Frame):
    type: Literal["transfer"]
    session_id: uuid.UUID
    to_operator: str | None = Field(default=None, min_length=1, max_length=128)
    to_other_force: bool = False


class Emergency(Frame):
    type: Literal["emergency"]
    session_id: uuid.UUID
    kind: Literal["operator", "watchdog"] = "operator"
    summary: str = Field(default="", max_length=1000)


class Close(Frame):
    type: Literal["close"]
    session_id: uuid.UUID
    outcome: str = Field(pattern=r"^[a-z_]{2,64}$")


class QueueRefresh(Frame):
    type: Literal["queue"]


VictimFrame = Annotated[Send | Ack | Typing | Exit, Field(discriminator="type")]
OfficerFrame = Annotated[Presence | Claim | Transfer | Emergency | Close | Send | Ack | Typing | QueueRefresh,
                         Field(discriminator="type")]
_VICTIM = TypeAdapter(VictimFrame)
_OFFICER = TypeAdapter(OfficerFrame)


class BadFrame(ValueError):
    """A frame we cannot read; the client gets an error frame, the connection stays open."""


def _load(raw: str | bytes | None) -> dict:
    if not isinstance(raw, str):
        raise BadFrame("frames are JSON text")
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise BadFrame("not JSON") from exc
    if not isinstance(data, dict):
        raise BadFrame("a frame is a JSON object")
    return data


def parse(adapter_or_model, raw: str | bytes | None):
    """One frame of the given kind, or BadFrame."""
    data = _load(raw)
    try:
        if isinstance(adapter_or_model, TypeAdapter):
            return adapter_or_model.validate_python(data)
        return adapter_or_model.model_validate(data)
    except ValidationError as exc:
        raise BadFrame("unexpected frame") from exc


def victim_frame(raw):
    return parse(_VICTIM, raw)


def officer_frame(raw):
    return parse(_OFFICER, raw)
