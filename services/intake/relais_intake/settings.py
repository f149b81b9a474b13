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
    # Where a victim's browser goes to talk with an officer: the chat's public pages ("" in production, where
    # one public host serves both, so the start-chat form posts to /chat on the same host).
    chat_public_url: str = _env("chat_public_url", "http://127.0.0.1:8003",
                                pattern=r"^(https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?)?$")
    max_body_bytes: int = _env("max_body_bytes", 64 * 1024)
    reports_per_hour: int = _env("reports_per_hour", 60)
    receipt_attempts_per_hour: int = _env("receipt_attempts_per_hour", 30)
    # The come-back pages answer no sooner than this, so a wrong receipt takes as long as a right one.
    receipt_answer_seconds: float = _env("receipt_answer_seconds", 0.4)
    # Behind a reverse proxy, how many X-Forwarded-For hops to trust to find the client (0: none).
    trusted_proxy_hops: int = _env("trusted_proxy_hops", 0)
    # Retention: what a report said and how to reach her are kept a year, exits three months.
    retention_content_days: int = _env("retention_content_days", 365)
    retention_exits_days: int = _env("retention_exits_days", 90)
