"""Routing against real PostgreSQL and RabbitMQ: settings with a local key directory, operator tokens, reports."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from relais_routing.settings import RoutingSettings
from relais_shared import contracts, outbox
from relais_shared.identity import Operator
from relais_shared.operator_keys import mint_token
from tests.signin import session_cookie as open_session


@pytest.fixture
def routing_settings(isolated, tmp_path):
    def make(**overrides) -> RoutingSettings:
        return isolated.settings(RoutingSettings, **{"keys_dir": str(tmp_path / "keys"), **overrides})

    return make


def token(settings: RoutingSettings, *, sub="triage-1", alias="Major Lefèvre", force="PN", departments=("*",),
          roles=("triage_operator",)) -> dict[str, str]:
    """Authorization header of an operator; a national triage operator unless told otherwise."""
    who = Operator(sub=sub, alias=alias, force=force, departments=tuple(departments), roles=frozenset(roles))
    signed = mint_token(Path(settings.keys_dir), who, issuer=settings.oidc_issuer, audience=settings.oidc_audience)
    return {"Authorization": f"Bearer {signed}"}


async def session_cookie(app, *, sub="triage-1", alias="Major Lefèvre", force="PN", departments=("*",),
                         roles=("triage_operator",)) -> dict[str, str]:
    """A Cookie header naming a console session opened in the service's own store, as /auth/callback opens one
    after the provider (the browser tests go through the provider itself)."""
    who = Operator(sub=sub, alias=alias, force=force, departments=tuple(departments), roles=frozenset(roles))
    return await open_session(app, who)


async def receive(app, postal_code: str, insee: str | None = None, *, report_id: uuid.UUID | None = None,
                  **fields) -> uuid.UUID:
    """Publish report.received through routing's own outbox, as intake's relay would; returns the report id."""
    report_id = report_id or uuid.uuid4()
    values = {"category": "domestic_violence", "level": "orange", **fields}
    async with app.state.runtime.pool.acquire() as conn, conn.transaction():
        await outbox.add(conn, contracts.ReportReceived(report_id=report_id, postal_code=postal_code, insee=insee,
                                                        **values))
    return report_id


async def erase(app, report_id: uuid.UUID) -> None:
    """Publish report.erased, as intake does when the reporter erases with her receipt."""
    async with app.state.runtime.pool.acquire() as conn, conn.transaction():
        await outbox.add(conn, contracts.ReportErased(report_id=report_id))
