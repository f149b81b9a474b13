"""`relais provider`, and the provider `relais up --dev-provider` runs beside the platform."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import click

from relais_cli.provider.accounts import DEMO_OPERATORS, DEMO_PASSWORD
from relais_cli.provider.dev_provider import DevProvider, callback_uris, signed_out_uris

DEFAULT_PORT = 8009
OIDC_ENV = ("RELAIS_OIDC_ISSUER", "RELAIS_OIDC_CLIENT_ID", "RELAIS_OIDC_CLIENT_SECRET")


def service_bases(ports: list[int]) -> list[str]:
    """Both names a developer's browser may use for a service on this machine."""
    return [f"http://{host}:{port}" for port in ports for host in ("127.0.0.1", "localhost")]


def start_for_ports(port: int, service_ports: list[int], workdir: Path | None = None) -> DevProvider:
    bases = service_bases(service_ports)
    provider = DevProvider().start(port=port, redirect_uris=callback_uris(bases),
                                   post_logout_redirect_uris=signed_out_uris(bases), workdir=workdir)
    try:
        return provider.wait_ready()
    except BaseException:
        provider.stop()
        raise


def oidc_env(provider: DevProvider) -> dict[str, str]:
    """The settings that point a service at this provider."""
    return dict(zip(OIDC_ENV, (provider.issuer, provider.client_id, provider.client_secret), strict=True))


@contextlib.contextmanager
def beside_platform(enabled: bool, port: int, service_ports: list[int]) -> Iterator[dict[str, str]]:
    """The environment for `relais up`'s services: a dev provider's, unless disabled or an issuer is set."""
    if not enabled or os.environ.get("RELAIS_OIDC_ISSUER"):
        yield {}
        return
    provider = start_for_ports(port, service_ports)
    click.echo(f"relais: OIDC provider {provider.issuer} (pid {provider.process.pid}); demo accounts: "
               f"{', '.join(op.login for op in DEMO_OPERATORS)}; password {DEMO_PASSWORD}", err=True)
    try:
        yield oidc_env(provider)
    finally:
        provider.stop()
        click.echo("relais: OIDC provider stopped", err=True)


def describe_accounts() -> str:
    rows = [("login", "alias", "force", "departments", "unit", "roles", "orange")]
    rows += [(op.login, op.alias, op.force, ",".join(op.departments) or "-", op.unit or "-",
              ",".join(op.roles) or "-", "yes" if op.orange else "no") for op in DEMO_OPERATORS]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join(lines) + f"\nPassword of every account: {DEMO_PASSWORD}"


@click.command("provider")
@click.option("--port", type=int, default=DEFAULT_PORT, show_default=True, help="Port on 127.0.0.1.")
@click.option("--workdir", type=click.Path(path_type=Path), default=None,
              help="Where its configuration, users and sessions go (default: a temporary directory).")
def provider_command(port: int, workdir: Path | None) -> None:
    """Run the development OpenID Connect provider (LemonLDAP::NG) in the foreground, until Ctrl-C."""
    from relais_cli.services import SERVICES

    ports = [manifest.default_port for manifest in SERVICES.values()]
    provider = start_for_ports(port, ports, workdir)
    stopping: list[int] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda signum, _frame: stopping.append(signum))
    try:
        click.echo(f"OpenID Connect provider: {provider.discovery_url}  (log: {provider.log_path})\n")
        click.echo("Point the services at it with:")
        click.echo("\n".join(f"  export {name}={value}" for name, value in oidc_env(provider).items()) + "\n")
        click.echo(describe_accounts())
        while not stopping and provider.process is not None and provider.process.poll() is None:
            time.sleep(0.5)
        if not stopping:
            raise click.ClickException(f"the provider exited\n{provider.log_tail()}")
    finally:
        provider.stop()
