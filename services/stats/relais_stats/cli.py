"""`relais stats …`: rebuild the read model from the service's event log."""

from __future__ import annotations

import asyncio

import click

from relais_shared.db import connect, migrate
from relais_shared.runtime import service_migrations
from relais_stats.rebuild import rebuild
from relais_stats.settings import StatsSettings


@click.group()
def group() -> None:
    """Statistics: the read model and the public figures."""


@group.command("rebuild")
def rebuild_command() -> None:
    """Empty the read model and replay every logged event into it, in one transaction."""
    count = asyncio.run(_rebuild(StatsSettings()))
    click.echo(f"rebuilt the read model from {count} event(s)")


async def _rebuild(settings: StatsSettings) -> int:
    await migrate(settings.service_database_url, service_migrations("stats"))
    conn = await connect(settings.service_database_url)
    try:
        return await rebuild(conn)
    finally:
        await conn.close()
