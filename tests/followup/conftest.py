"""Follow-up against real PostgreSQL and RabbitMQ: the app in-process, operators with minted tokens."""

from pathlib import Path

import pytest

from relais_followup.app import create_app
from relais_followup.settings import FollowupSettings
from relais_shared.identity import Operator
from relais_shared.operator_keys import mint_token
from relais_shared.signin.wiring import LOCAL_ISSUER
from tests.support import running_app


@pytest.fixture
def followup_settings(isolated, tmp_path):
    def make(**overrides):
        values = {"keys_dir": str(tmp_path / "keys"), "lease_seconds": 30.0, "scheduler_interval_seconds": 0.2,
                  **overrides}
        return isolated.settings(FollowupSettings, **values)

    return make


@pytest.fixture
async def followup(followup_settings):
    app = create_app(followup_settings())
    async with running_app(app) as client:
        yield app, client


def token(settings: FollowupSettings, *, sub="agent-1", alias="Agent 1", force="GN", departments=("35",),
          roles=("followup",), orange=True) -> dict[str, str]:
    """Authorization header of an operator of the given scope, signed with the local development key (accepted in
    tests beside the provider's, so API calls work whether or not a provider is configured)."""
    who = Operator(sub=sub, alias=alias, force=force, departments=tuple(departments), roles=frozenset(roles),
                   orange_clearance=orange)
    signed = mint_token(Path(settings.keys_dir), who, issuer=LOCAL_ISSUER, audience=settings.oidc_audience)
    return {"Authorization": f"Bearer {signed}"}
