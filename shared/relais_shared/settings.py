"""Settings shared by every service: one pydantic-settings class per service on this base."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Callable
from typing import Any, ClassVar, Literal, cast

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from relais_shared.broker_grants import GRANTS
from relais_shared.crypto import Keyring
from relais_shared.purposes import SHARED_PURPOSES, derive
from relais_shared.signin.claims import ClaimsMapping

DEV_SECRET = "dev-only-insecure-secret-change-me"  # noqa: S105 - the known value production refuses
DEV_DATA_KEY = hashlib.sha256(DEV_SECRET.encode()).digest()
# Development values published in this repository (settings defaults, the local Kubernetes overlay): anyone can
# read them, so production refuses them by value, whatever name a key is given.
KNOWN_DEV_SECRETS = frozenset({DEV_SECRET, "local-dev-only-NOT-A-SECRET-0123456789abcdef"})
KNOWN_DEV_DATA_KEYS = frozenset({DEV_DATA_KEY, b"local-dev-only-NOT-A-SECRET-key!"})
DEV_MARKERS = ("dev-only", "not-a-secret", "change-me", "insecure")  # how our development values announce it


class ConfigError(RuntimeError):
    """Start-up refused because the configuration is unsafe or incomplete."""


def service_setting(service: str) -> Callable[..., Any]:
    """A field factory for one service's own settings: given by name, or RELAIS_<SERVICE>_<NAME> from the env."""

    def field(name: str, default: Any, **constraints: Any) -> Any:
        alias = AliasChoices(name.lower(), f"RELAIS_{service.upper()}_{name.upper()}")
        return Field(default=default, validation_alias=alias, **constraints)

    return field


class _ServiceDatabaseSource(PydanticBaseSettingsSource):
    """Reads RELAIS_<SERVICE>_DATABASE_URL and RELAIS_<SERVICE>_AMQP_URL (its own broker user, ./dev up) for the
    settings class's own service."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, str]:
        service = cast("type[RelaisSettings]", self.settings_cls).service_name  # the only class it is given
        prefix = f"RELAIS_{service.upper()}_"
        found = {name: os.environ.get(prefix + name.upper()) for name in ("database_url", "amqp_url")}
        return {name: value for name, value in found.items() if value}


class RelaisSettings(BaseSettings):
    """Common configuration; subclasses set `service_name` and add their own fields."""

    # An empty variable means "not set" (compose writes `VAR: ${VAR:-}`), so it takes the default.
    model_config = SettingsConfigDict(env_prefix="RELAIS_", extra="ignore", frozen=True, populate_by_name=True,
                                      env_ignore_empty=True)
    service_name: ClassVar[str] = "relais"
    default_port: ClassVar[int] = 8000

    # Unset means production: a deployment that forgets it must not run on the development keys.
    env: Literal["development", "test", "production"] = "production"
    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/"
    # A server URL (no database) gets the service's own database, relais_<service>, appended.
    database_url: str = "postgresql://postgres@127.0.0.1:5432/"
    namespace: str = "relais"
    http_host: str = "127.0.0.1"
    http_port: int | None = None
    secret_key: SecretStr = SecretStr(DEV_SECRET)
    # {"key-id": "<base64 of 32 random bytes>"}; the development default is derived from a public string.
    data_keys: SecretStr = SecretStr(json.dumps({"dev-1": base64.b64encode(DEV_DATA_KEY).decode()}))
    active_data_key: str = "dev-1"
    # Operators sign in with OpenID Connect (relais_shared/signin). The provider is found by its discovery
    # document ({issuer}/.well-known/openid-configuration unless given); its JWKS URL comes from there too.
    oidc_issuer: str = "relais-local"
    oidc_discovery_url: str | None = None
    oidc_jwks_url: str | None = None
    oidc_client_id: str = "relais-consoles"
    oidc_client_secret: SecretStr | None = None
    oidc_scopes: str = "openid profile relais"
    oidc_audience: str = "relais"  # what the access tokens of API clients must carry in `aud`
    oidc_claims: ClaimsMapping = ClaimsMapping()  # JSON: where roles, force, departments… are in the claims
    oidc_timeout_seconds: float = 3.0  # the most one call to the provider may cost a request
    oidc_keys_cooldown_seconds: float = 30.0
    oidc_keys_max_age_seconds: float = 600.0
    operator_session_hours: float = 10.0  # a session's absolute end: sign in again after a shift
    operator_session_check_seconds: float = 15.0  # how often a console socket checks its session is still live
    operator_refresh_grace_seconds: float = 300.0  # how long a session outlives an unreachable provider
    operator_url: str | None = None  # this service on the operators' host (redirect URIs); default: as requested
    keys_dir: str = ".relais"  # development keys: `relais operator token` signs with the key kept here
    log_level: str = "INFO"
    prefetch: int = 32
    max_attempts: int = 5
    retry_delays_ms: tuple[int, ...] = (1_000, 5_000, 30_000)
    outbox_batch_size: int = 200
    outbox_poll_seconds: float = 5.0
    queue_max_length: int = 1_000_000
    handler_timeout_seconds: float = 30.0
    shutdown_grace_seconds: float = 10.0

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource,
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        # RELAIS_<SERVICE>_DATABASE_URL (and _AMQP_URL) beat the platform-wide ones, not explicit arguments.
        return init_settings, _ServiceDatabaseSource(settings_cls), env_settings, dotenv_settings, file_secret_settings

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> RelaisSettings:
        if self.env != "production":
            return self
        problems = []
        if _known_dev_secret(self.secret_key.get_secret_value()) or len(self.secret_key) < 32:
            problems.append("RELAIS_SECRET_KEY must be set to a random value of at least 32 characters "
                            "(not a development value)")
        if self.active_data_key.startswith("dev-") or _dev_data_keys(self.data_keys.get_secret_value()):
            problems.append("RELAIS_DATA_KEYS and RELAIS_ACTIVE_DATA_KEY must name real keys (not dev-*, and "
                            "no development key value under any name)")
        if self.oidc_issuer == "relais-local" or not self.oidc_issuer.startswith(("https://", "http://")):
            problems.append("RELAIS_OIDC_ISSUER must be the URL of the operators' identity provider")
        if self.oidc_client_secret is None or len(self.oidc_client_secret) < 16:
            problems.append("RELAIS_OIDC_CLIENT_SECRET must be the consoles' client secret at the provider")
        if "guest:guest@" in self.amqp_url:
            problems.append("RELAIS_AMQP_URL must not use RabbitMQ's default guest account")
        problems.extend(self.production_problems())
        if problems and "env" not in self.model_fields_set:
            problems.append("RELAIS_ENV is not set, so production rules apply: on a development machine set "
                            "RELAIS_ENV=development (./dev up does)")
        if problems:
            raise ConfigError(f"{self.service_name}: refusing to start in production: " + "; ".join(problems))
        return self

    def production_problems(self) -> list[str]:
        """Extra checks a service adds for production mode."""
        return []

    def keyring(self) -> Keyring:
        """The encryption keys for data at rest and sealed event fields."""
        return Keyring.from_config(self.data_keys.get_secret_value(), self.active_data_key)

    @property
    def port(self) -> int:
        return self.http_port or self.default_port

    @property
    def service_database_url(self) -> str:
        """The database URL of this service, with relais_<service> when the URL names no database."""
        base, _, query = self.database_url.partition("?")
        scheme_host, sep, path = base.rpartition("/")
        if "://" not in scheme_host or path:
            return self.database_url
        url = f"{scheme_host}/relais_{self.service_name}"
        return f"{url}?{query}" if query else url


def _known_dev_secret(value: str) -> bool:
    return value == "" or value in KNOWN_DEV_SECRETS or any(m in value.lower() for m in DEV_MARKERS)


def _dev_data_keys(keys_json: str) -> bool:
    """Whether any configured data key is a published development key, or one derived from it for a purpose
    ("2026-01/followup.contact"), or the setting cannot be read."""
    try:
        keys = {kid: base64.b64decode(v, validate=True) for kid, v in json.loads(keys_json).items()}
    except (ValueError, TypeError, AttributeError):
        return True  # unreadable keys would fail later anyway; say so now, with the others
    known = _known_dev_data_keys()
    return any(value in known or any(m.encode() in value.lower() for m in DEV_MARKERS) for value in keys.values())


def _known_dev_data_keys() -> frozenset[bytes]:
    """The published development keys and every key derived from them, whatever key id a deployment gives it."""
    groups = set(SHARED_PURPOSES) | set(GRANTS)  # the shared purposes and each service's own values
    return KNOWN_DEV_DATA_KEYS | {derive(k, g) for k in KNOWN_DEV_DATA_KEYS for g in groups}
