"""Templates and static files of the service's pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from relais_shared.console_kit import kit_templates

HERE = Path(__file__).parent
templates = kit_templates(HERE / "templates")


def install(app: FastAPI) -> None:
    """Serve the static files (the no-trace headers, CSP included, come from the shared app factory)."""
    app.add_api_route("/favicon.ico", _no_icon, include_in_schema=False)
    app.mount("/stats/static", StaticFiles(directory=HERE / "static"), name="stats-static")


async def _no_icon() -> Response:
    """No icon: an empty answer rather than a 404 in every browser's console."""
    return Response(status_code=204)
