"""Production rules are the default: a pod whose RELAIS_ENV went missing refuses the development keys, and
production refuses a development secret or data key by its value, whatever name it is given."""

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import ClassVar

import pytest

from relais_shared.purposes import derive
from relais_shared.settings import DEV_SECRET, ConfigError, RelaisSettings

ROOT = Path(__file__).resolve().parents[2]
LOCAL_OVERLAY = ROOT / "deploy" / "kubernetes" / "overlays" / "local" / "kustomization.yaml"
REAL = dict(oidc_issuer="https://sso.interieur.example", oidc_client_secret="c" * 32,
            amqp_url="amqp://relais:pw@mq:5672/")


class DemoSettings(RelaisSettings):
    service_name: ClassVar[str] = "demo"


def random_keys() -> str:
    return json.dumps({"2026-11": base64.b64encode(os.urandom(32)).decode()})


def local_overlay_values() -> tuple[str, dict[str, str]]:
    """The development secret and data keys the local Kubernetes overlay ships (known to the world)."""
    text = LOCAL_OVERLAY.read_text()
    secret = re.search(r"RELAIS_SECRET_KEY=(\S+)", text).group(1)
    keys = json.loads(re.search(r"RELAIS_DATA_KEYS=(\{.*\})", text).group(1))
    return secret, keys


def test_an_unset_relais_env_means_production(monkeypatch):
    monkeypatch.delenv("RELAIS_ENV", raising=False)
    with pytest.raises(ConfigError) as refused:
        DemoSettings()
    assert "refusing to start in production" in str(refused.value) and "RELAIS_ENV=development" in str(refused.value)
    monkeypatch.setenv("RELAIS_ENV", "development")
    assert DemoSettings().env == "development"


def test_production_refuses_the_development_data_key_under_any_name():
    dev_key = base64.b64encode(hashlib.sha256(DEV_SECRET.encode()).digest()).decode()
    _secret, local_keys = local_overlay_values()
    derived = base64.b64encode(derive(base64.b64decode(dev_key), "followup.contact")).decode()
    for keys in ({"2026-11": dev_key}, {"2026-11": next(iter(local_keys.values()))},
                 {"2026-11": json.loads(random_keys())["2026-11"], "old": dev_key},
                 {"2026-11": json.loads(random_keys())["2026-11"], "2026-10/followup.contact": derived}):
        with pytest.raises(ConfigError, match="RELAIS_DATA_KEYS"):
            DemoSettings(env="production", secret_key="s" * 40, data_keys=json.dumps(keys), active_data_key="2026-11",
                         **REAL)


def test_production_refuses_the_development_secrets_shipped_in_the_repository():
    local_secret, _keys = local_overlay_values()
    assert len(local_secret) >= 32, "long enough to pass a length check: only its value gives it away"
    for secret in (local_secret, DEV_SECRET + "-padded-to-be-long-enough"):
        with pytest.raises(ConfigError, match="RELAIS_SECRET_KEY"):
            DemoSettings(env="production", secret_key=secret, data_keys=random_keys(), active_data_key="2026-11",
                         **REAL)
    assert DemoSettings(env="production", secret_key="s" * 40, data_keys=random_keys(), active_data_key="2026-11",
                        **REAL).env == "production"


def test_a_service_started_without_relais_env_refuses_the_development_defaults():
    env = {k: v for k, v in os.environ.items() if not k.startswith("RELAIS_")}
    done = subprocess.run([sys.executable, "-m", "relais_stats"], env=env, capture_output=True, text=True,
                          timeout=30, check=False)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "refusing to start in production" in done.stderr and "RELAIS_ENV" in done.stderr
