"""Shared pieces of the escalation tests: emergencies on the wire, operator tokens, reading the database."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path

import asyncpg
import websockets

from relais_shared import contracts
from relais_shared.broker import Broker
from relais_shared.identity import Operator
from relais_shared.operator_keys import mint_token
from relais_shared.sealing import seal_field
from relais_shared.settings import RelaisSettings

POLICY = {"steps": [{"target": "centre_dispatchers", "deadline_seconds": {"p1": 2, "p2": 4}},
                    {"target": "centre_supervisor", "deadline_seconds": {"p1": 2, "p2": 4}},
                    {"target": "national_supervision", "deadline_seconds": {"p1": 2, "p2": 4}}],
          "repeat_seconds": {"p1": 30, "p2": 60}}


def write_policies(directory: Path, default: dict = POLICY, **centres: dict) -> str:
    path = directory / "policies.json"
    path.write_text(json.dumps({"default": default, "centres": centres}))
    return str(path)


CONTACT = {"channel": "phone", "phone": "06 12 34 56 78", "safe_windows": [{"start": "09:00", "end": "11:30"}],
           "no_voicemail": True, "trusted_person_name": "Sa sœur", "trusted_person_phone": "07 98 76 54 32"}


def sealed(settings: RelaisSettings, value: str, context: str) -> contracts.Sealed:
    return seal_field(settings.keyring(), value, context=context)


def emergency(settings: RelaisSettings, *, contact: dict | None = None, location: str | None = None,
              **fields) -> contracts.EmergencyRaised:
    """An emergency as intake would send it, its summary (and contact, location) sealed with the platform's keys."""
    emergency_id = fields.pop("emergency_id", None) or uuid.uuid4()
    values = dict(emergency_id=emergency_id, source="intake", kind="danger_now", priority="p1",
                  report_id=uuid.uuid4(), level="orange", postal_code="35690", force="GN", department="35",
                  operational_centre="GN-CORG-35", danger_level="severe",
                  summary=sealed(settings, '{"category": "domestic_violence"}', f"escalation.emergency:{emergency_id}"))
    if contact is not None:
        values["contact"] = sealed(settings, json.dumps(contact), f"escalation.contact:{emergency_id}")
    if location is not None:
        values["location_hint"] = sealed(settings, location, f"escalation.location:{emergency_id}")
    return contracts.EmergencyRaised(**{**values, **fields})


async def publish(amqp_url: str, namespace: str, *events: contracts.Event,
                  envelopes: list[contracts.Envelope] = ()) -> None:
    """Publish events (or ready envelopes) on the namespace's events exchange with confirms."""
    broker = Broker(amqp_url, namespace=namespace, service="test")
    await broker.connect()
    try:
        for envelope in [*envelopes, *(contracts.wrap(e) for e in events)]:
            await broker.publish(envelope.model_dump_json().encode(), routing_key=envelope.type,
                                 message_id=str(envelope.event_id), correlation_id=envelope.correlation_id)
    finally:
        await broker.close()


def token(settings: RelaisSettings, *, sub="disp-1", alias="Régie 35", force="GN", departments=("35",),
          roles=("dispatcher",), orange=True, unit="GN-CORG-35") -> str:
    operator = Operator(sub=sub, alias=alias, force=force, departments=departments, roles=frozenset(roles),
                        orange_clearance=orange, unit=unit)
    return mint_token(Path(settings.keys_dir), operator, issuer=settings.oidc_issuer, audience=settings.oidc_audience)


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


async def query(settings: RelaisSettings, sql: str, *args) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(settings.service_database_url)
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


class ConsoleClient:
    """A real WebSocket console: signs in with its first message, keeps every message it receives."""

    def __init__(self, base_url: str, token_value: str, last_seq: int | None = None):
        self.url = base_url.replace("http://", "ws://") + "/v1/console/ws"
        self.token, self.last_seq = token_value, last_seq
        self.messages: list[dict] = []

    async def __aenter__(self):
        self.socket = await websockets.connect(self.url)
        await self.socket.send(json.dumps({"type": "auth", "token": self.token, "last_seq": self.last_seq}))
        self._reader = asyncio.create_task(self._read())
        self._beat = asyncio.create_task(self._heartbeats())
        return self

    async def _heartbeats(self):
        while True:
            await asyncio.sleep(2)
            await self.socket.send(json.dumps({"type": "heartbeat"}))

    async def _read(self):
        async for raw in self.socket:
            self.messages.append(json.loads(raw))

    def incidents(self) -> dict[str, dict]:
        """The incidents as the console sees them now (snapshot, then updates)."""
        seen: dict[str, dict] = {}
        for message in self.messages:
            if message["type"] == "snapshot":
                seen = {i["id"]: i for i in message["incidents"]}
            elif message["type"] == "incident":
                seen[message["incident"]["id"]] = message["incident"]
        return seen

    def seq(self) -> int:
        return max([m["seq"] for m in self.messages if "seq" in m] or [0])

    def hello(self) -> bool:
        return any(m["type"] == "snapshot" for m in self.messages)

    async def __aexit__(self, *exc):
        self._reader.cancel()
        self._beat.cancel()
        await self.socket.close()
