"""Templates, static files and the safety headers every answer of the service carries."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
SAFETY_HEADERS = {"Content-Security-Policy": CSP, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
                  "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"}


def install(app: FastAPI) -> None:
    """Serve the static files and put the safety headers on every answer (no cookie is ever set)."""
    app.add_api_route("/favicon.ico", _no_icon, include_in_schema=False)
    app.mount("/stats/static", StaticFiles(directory=HERE / "static"), name="stats-static")

    @app.middleware("http")
    async def safety_headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in SAFETY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response


async def _no_icon() -> Response:
    """No icon: an empty answer rather than a 404 in every browser's console."""
    return Response(status_code=204)
