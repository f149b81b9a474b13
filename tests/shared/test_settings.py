import base64
import json
import os
from typing import ClassVar

import pytest

from relais_shared.settings import ConfigError, RelaisSettings


class DemoSettings(RelaisSettings):
    service_name: ClassVar[str] = "demo"


def test_server_url_gets_the_service_database(monkeypatch):
    monkeypatch.delenv("RELAIS_DATABASE_URL", raising=False)
    assert DemoSettings(env="test").service_database_url == "postgresql://postgres@127.0.0.1:5432/relais_demo"
    assert DemoSettings(env="test", database_url="postgresql://u@db:5432/other").service_database_url.endswith("/other")


def test_service_specific_database_variable_wins(monkeypatch):
    monkeypatch.setenv("RELAIS_DEMO_DATABASE_URL", "postgresql://x@h/demo_db")
    assert DemoSettings(env="test").service_database_url == "postgresql://x@h/demo_db"


def test_production_refuses_default_secret_and_guest_broker():
    with pytest.raises(ConfigError) as refused:
        DemoSettings(env="production")
    message = str(refused.value)
    assert "RELAIS_SECRET_KEY" in message and "guest" in message


def test_production_starts_with_real_secrets():
    keys = json.dumps({"2026-11": base64.b64encode(os.urandom(32)).decode()})
    settings = DemoSettings(env="production", secret_key="s" * 40, amqp_url="amqp://relais:pw@mq:5672/",
                            data_keys=keys, active_data_key="2026-11", oidc_issuer="https://sso.interieur.example",
                            oidc_client_secret="c" * 32)
    assert settings.env == "production"
    with pytest.raises(ConfigError, match="RELAIS_OIDC_CLIENT_SECRET"):  # the consoles could not sign anyone in
        DemoSettings(env="production", secret_key="s" * 40, amqp_url="amqp://relais:pw@mq:5672/", data_keys=keys,
                     active_data_key="2026-11", oidc_issuer="https://sso.interieur.example")


def test_a_service_refuses_to_start_in_production_with_a_clear_message():
    import os
    import subprocess
    import sys

    env = {**os.environ, "RELAIS_ENV": "production", "RELAIS_SECRET_KEY": ""}
    done = subprocess.run([sys.executable, "-m", "relais_intake"], env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 2
    assert "refusing to start in production" in done.stderr and "RELAIS_SECRET_KEY" in done.stderr
