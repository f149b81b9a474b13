"""Statistics against real PostgreSQL and RabbitMQ: events published on the exchange, the app in-process."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import aio_pika
import pytest

from relais_shared.contracts import Envelope
from relais_shared.identity import Operator
from relais_shared.operator_keys import mint_token
from relais_stats.settings import StatsSettings
from tests.signin import session_cookie as open_session


@pytest.fixture
def stats_settings(isolated, tmp_path):
    def make(**overrides) -> StatsSettings:
        return isolated.settings(StatsSettings, **{"keys_dir": str(tmp_path / "keys"), **overrides})

    return make


def closed_month_day() -> datetime:
    """Noon on the 10th of the month three months ago: ended, and past the default 30-day delay."""
    today = date.today().replace(day=1)
    first = (today - timedelta(days=70)).replace(day=10)
    return datetime(first.year, first.month, first.day, 12, tzinfo=UTC)


def envelope(event_type: str, payload: dict, at: datetime | None = None, version: int = 1) -> Envelope:
    return Envelope(event_id=uuid.uuid4(), type=event_type, version=version, occurred_at=at or datetime.now(UTC),
                    correlation_id=str(uuid.uuid4()), payload=payload)


class Publisher:
    """Publishes envelopes on the test namespace's exchange, as the other services' outbox relays do."""

    def __init__(self, amqp_url: str, namespace: str):
        self.amqp_url, self.namespace = amqp_url, namespace

    async def __aenter__(self):
        self.connection = await aio_pika.connect(self.amqp_url)
        channel = await self.connection.channel()
        self.exchange = await channel.declare_exchange(f"{self.namespace}.events", "topic", durable=True)
        return self

    async def send(self, env: Envelope) -> None:
        body = json.dumps(env.model_dump(mode="json")).encode()
        await self.exchange.publish(aio_pika.Message(body, content_type="application/json", message_id=str(
            env.event_id), type=env.type, delivery_mode=aio_pika.DeliveryMode.PERSISTENT), routing_key=env.type)

    async def __aexit__(self, *exc):
        await self.connection.close()


def report_events(category: str, department: str | None, at: datetime, *, routed_first: bool = False,
                  postal_code: str = "35760") -> tuple[str, list[Envelope]]:
    """report.received (v2, with a sealed contact) and its routing result; returns the report id too."""
    report_id = str(uuid.uuid4())
    received = envelope("report.received", {
        "report_id": report_id, "postal_code": postal_code, "insee": "35281", "category": category,
        "level": "orange", "partner": "CANARY texte libre 06 12 34 56 78", "role": "victim",
        "callback_accepted": True, "contact": {"context": "followup.contact", "blob": "CANARYBLOB"}}, at, version=2)
    if department is None:
        result = envelope("report.unroutable", {"report_id": report_id, "reason": "no_competence",
                                                "postal_code": postal_code}, at + timedelta(seconds=1))
    else:
        result = envelope("report.routed", {
            "report_id": report_id, "insee": "35281", "force": "GN", "unit_id": "BTA-CANARY", "unit_name": "Brigade",
            "department": department, "operational_centre": "CORG-35", "platform_queue": "platform.GN"},
            at + timedelta(seconds=1))
    return report_id, [result, received] if routed_first else [received, result]


def token(settings: StatsSettings, *, force="GN", departments=("35",), roles=("supervisor",)) -> dict[str, str]:
    who = Operator(sub="supervisor-1", alias="Commandante Durand", force=force, departments=tuple(departments),
                   roles=frozenset(roles))
    signed = mint_token(Path(settings.keys_dir), who, issuer=settings.oidc_issuer, audience=settings.oidc_audience)
    return {"Authorization": f"Bearer {signed}"}


async def session_cookie(app, *, force="GN", departments=("35",), roles=("supervisor",)) -> dict[str, str]:
    """A Cookie header naming a console session opened in the service's own store, as /auth/callback opens one
    after the provider (the browser test goes through the provider itself)."""
    who = Operator(sub="supervisor-1", alias="Commandante Durand", force=force, departments=tuple(departments),
                   roles=frozenset(roles))
    return await open_session(app, who)
