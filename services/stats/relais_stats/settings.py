"""Configuration of the statistics service."""

from typing import ClassVar, Literal

from pydantic_settings import SettingsConfigDict

from relais_shared.settings import RelaisSettings, service_setting

_env = service_setting("stats")


class StatsSettings(RelaisSettings):
    """Statistics: read model, supervision pages and public figures (port 8006)."""

    model_config = SettingsConfigDict(populate_by_name=True)
    service_name: ClassVar[str] = "stats"
    default_port: ClassVar[int] = 8006

    # Public figures: one fixed kind of period only (months or ISO weeks), so published periods never overlap.
    public_period: Literal["month", "week"] = _env("public_period", "month")
    # A period is published this many days after it ended (late events settle, and nothing is "live").
    publication_delay_days: int = _env("publication_delay_days", 30, ge=0)
    # Cells below this count are suppressed (k-anonymity threshold).
    suppression_threshold: int = _env("suppression_threshold", 10, ge=2)
    # Supervision: how far back waits and acknowledgement times are summarised.
    live_window_minutes: int = _env("live_window_minutes", 60, ge=5)
