"""The `relais` command: run services, migrate, inspect dead letters, export contracts."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import click

from relais_cli.operator import group as operator_group
from relais_cli.provider.command import DEFAULT_PORT as PROVIDER_PORT
from relais_cli.provider.command import beside_platform, provider_command
from relais_cli.services import SERVICES
from relais_cli.supervisor import PEER_URLS, REPLICA_PORT_STEP, Child, supervise
from relais_shared import contracts
from relais_shared.settings import ConfigError, RelaisSettings


@click.group()
def cli() -> None:
    """Relais: reporting domestic, sexual and sexist violence to the police and the gendarmerie."""


@cli.command()
@click.argument("service", type=click.Choice(list(SERVICES)))
@click.option("--host", default=None, help="Address to listen on (default RELAIS_HTTP_HOST or 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default: the service's own, 8001–8006).")
def run(service: str, host: str | None, port: int | None) -> None:
    """Run one service in the foreground."""
    from relais_shared.serve import run_service

    run_service(SERVICES[service], host=host, port=port)


@cli.command()
@click.argument("services", nargs=-1, type=click.Choice(list(SERVICES)))
def migrate(services: tuple[str, ...]) -> None:
    """Create each service's database if missing and apply its migrations (what a container's pre-start step,
    `python -m relais_<service> migrate`, does)."""
    for name in services or tuple(SERVICES):
        applied = asyncio.run(SERVICES[name].migrate(_settings(name).service_database_url))
        click.echo(f"{name}: {len(applied)} migration(s) applied")


@cli.command()
@click.option("--replicas", type=click.IntRange(1, 8), default=1, help="Processes per service.")
@click.option("--port-offset", type=int, default=0, help="Added to every port (8001–8006 by default).")
@click.option("--dev-provider", is_flag=True,
              help=f"Also run the development OIDC provider on port {PROVIDER_PORT} (+ offset) unless "
                   "RELAIS_OIDC_ISSUER is set, and point the services at it.")
@click.argument("services", nargs=-1, type=click.Choice(list(SERVICES)))
def up(replicas: int, port_offset: int, dev_provider: bool, services: tuple[str, ...]) -> None:
    """Migrate, then run the platform as local processes until Ctrl-C (replica i listens on port + 100 i)."""
    names = services or tuple(SERVICES)
    click.get_current_context().invoke(migrate, services=names)
    def port(name: str, replica: int) -> int:
        return SERVICES[name].default_port + port_offset + REPLICA_PORT_STEP * replica

    peers = {var: f"http://127.0.0.1:{port(target, 0)}" for var, target in PEER_URLS.items() if var not in os.environ}
    ports = [port(name, i) for name in names for i in range(replicas)]
    with beside_platform(dev_provider, PROVIDER_PORT + port_offset, ports) as oidc_env:
        children = [Child(name, i, port(name, i), peers | oidc_env) for name in names for i in range(replicas)]
        code = supervise(children)
    sys.exit(code)


@cli.command()
@click.argument("services", nargs=-1, type=click.Choice(list(SERVICES)))
def purge(services: tuple[str, ...]) -> None:
    """Apply each service's retention rules (its manifest's) now and print what was deleted."""
    from relais_shared.db import connect
    from relais_shared.retention import purge as apply

    async def run(name: str) -> dict[str, int]:
        manifest, settings = SERVICES[name], _settings(name)
        await manifest.migrate(settings.service_database_url)
        conn = await connect(settings.service_database_url)
        try:
            return await apply(conn, manifest.retention_rules(settings))
        finally:
            await conn.close()

    for name in services or tuple(SERVICES):
        counts = asyncio.run(run(name))
        click.echo(f"{name}: " + ", ".join(f"{rule} {n}" for rule, n in counts.items()))


@cli.group()
def dlq() -> None:
    """Inspect and replay dead-letter queues (consumer names look like routing.reports)."""


@dlq.command("list")
@click.argument("consumer")
@click.option("--limit", default=50, show_default=True)
def dlq_list(consumer: str, limit: int) -> None:
    """Show dead letters of a consumer (ids, types and reasons; never payloads)."""
    from relais_shared.deadletters import list_dead_letters

    letters = asyncio.run(_with_broker(consumer, lambda b, t: list_dead_letters(b, t, limit)))
    for letter in letters:
        click.echo(json.dumps(letter.__dict__))
    click.echo(f"{len(letters)} dead letter(s)", err=True)


@dlq.command("replay")
@click.argument("consumer")
@click.option("--limit", type=int, default=None, help="At most this many (default: all).")
def dlq_replay(consumer: str, limit: int | None) -> None:
    """Move a consumer's dead letters back to its queue."""
    from relais_shared.deadletters import replay_dead_letters

    moved = asyncio.run(_with_broker(consumer, lambda b, t: replay_dead_letters(b, t, limit)))
    click.echo(f"replayed {moved} message(s) to {consumer}")


@cli.group(name="contracts")
def contracts_group() -> None:
    """Event contracts."""


@contracts_group.command("export")
@click.option("--out", type=click.Path(path_type=Path), default=None, help="File to write (default: stdout).")
def contracts_export(out: Path | None) -> None:
    """Write the JSON Schema of the envelope and of every event version."""
    text = json.dumps(contracts.json_schemas(), indent=2, sort_keys=True) + "\n"
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"wrote {out}", err=True)


async def _with_broker(consumer: str, action):
    from relais_shared.broker import Broker
    from relais_shared.topology import ConsumerTopology

    settings = _base_settings()
    service = consumer.split(".", 1)[0]
    broker = Broker(settings.amqp_url, namespace=settings.namespace, service=f"cli-{service}")
    await broker.connect()
    try:
        topo = ConsumerTopology(settings.namespace, consumer, (), settings.retry_delays_ms, settings.queue_max_length)
        return await action(broker, topo)
    finally:
        await broker.close()


def _base_settings() -> RelaisSettings:
    try:
        return RelaisSettings()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


def _settings(name: str) -> RelaisSettings:
    try:
        return SERVICES[name].settings()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


cli.add_command(operator_group, "operator")
cli.add_command(provider_command, "provider")

for _manifest in SERVICES.values():
    if _manifest.cli_group is not None:
        cli.add_command(_manifest.command_group(), _manifest.name)


if __name__ == "__main__":
    cli()
