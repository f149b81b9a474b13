"""Configuration of the intake service."""

from typing import ClassVar

from relais_shared.settings import RelaisSettings, service_setting

_env = service_setting("intake")



class IntakeSettings(RelaisSettings):
    """Intake: the public reporting API and page (port 8001)."""

    service_name: ClassVar[str] = "intake"
    default_port: ClassVar[int] = 8001

    # Where the emergency exit sends the person: a neutral, popular page that explains nothing.
    exit_url: str = _env("exit_url", "https://www.google.fr/search?q=m%C3%A9t%C3%A9o")
    routing_url: str = _env("routing_url", "http://127.0.0.1:8002")
    routing_timeout_seconds: float = _env("routing_timeout_seconds", 2.0)
    max_body_bytes: int = _env("max_body_bytes", 64 * 1024)
    reports_per_hour: int = _env("reports_per_hour", 60)
    receipt_attempts_per_hour: int = _env("receipt_attempts_per_hour", 30)
    # Behind a reverse proxy, how many X-Forwarded-For hops to trust to find the client (0: none).
    trusted_proxy_hops: int = _env("trusted_proxy_hops", 0)
    # Retention: what a report said and how to reach her are kept a year, exits three months.
    retention_content_days: int = _env("retention_content_days", 365)
    retention_exits_days: int = _env("retention_exits_days", 90)
