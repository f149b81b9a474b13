"""`relais operator token …`: tokens signed with the local development key (never for production)."""

from __future__ import annotations

from pathlib import Path

import click
from pydantic import ValidationError

from relais_shared.identity import Operator
from relais_shared.operator_keys import mint_token
from relais_shared.settings import ConfigError, RelaisSettings

ROLES = ["chat_operator", "triage_operator", "dispatcher", "followup", "supervisor", "auditor", "admin"]


@click.group()
def group() -> None:
    """Operator identities for local use and tests."""


@group.command()
@click.option("--sub", required=True, help="Stable operator id (from the identity provider).")
@click.option("--alias", required=True, help="The name victims see, e.g. 'Agent Martin'.")
@click.option("--force", type=click.Choice(["PN", "GN"]), required=True)
@click.option("--department", "departments", multiple=True, required=True, help="Repeat; '*' for national.")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLES), help="Repeat.")
@click.option("--unit", default=None)
@click.option("--orange/--no-orange", default=False, help="Cleared to read orange (most sensitive) content.")
@click.option("--ttl-hours", type=click.IntRange(1, 24), default=8, show_default=True)
def token(sub, alias, force, departments, roles, unit, orange, ttl_hours) -> None:
    """Print a signed operator token (local development key in RELAIS_KEYS_DIR)."""
    try:
        settings = RelaisSettings()
    except ConfigError as exc:  # RELAIS_ENV unset means production, which refuses development keys
        raise click.ClickException(str(exc)) from exc
    if settings.env == "production":
        raise click.ClickException("local tokens are refused in production: use the identity provider")
    try:
        operator = Operator(sub=sub, alias=alias, force=force, departments=tuple(departments), unit=unit,
                            roles=frozenset(roles), orange_clearance=orange)
    except ValidationError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(mint_token(Path(settings.keys_dir), operator, issuer=settings.oidc_issuer,
                          audience=settings.oidc_audience, ttl_seconds=ttl_hours * 3600))
