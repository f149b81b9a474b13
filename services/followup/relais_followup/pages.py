"""The cell's page: server-rendered shell (French first, English), data through the API with the token."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from relais_followup.i18n import TEXTS

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(include_in_schema=False)
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
SAFETY_HEADERS = {"Content-Security-Policy": CSP, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
                  "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"}


def install(app: FastAPI) -> None:
    """Serve the page and its static files, and put the safety headers on every answer of the service."""
    app.include_router(router)
    app.mount("/cell/static", StaticFiles(directory=HERE / "static"), name="cell-static")

    @app.middleware("http")
    async def safety_headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in SAFETY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response


@router.get("/cell", response_class=HTMLResponse)
async def cell_fr(request: Request):
    return _page(request, "fr")


@router.get("/cell/en", response_class=HTMLResponse)
async def cell_en(request: Request):
    return _page(request, "en")


@router.get("/favicon.ico")
async def favicon() -> Response:
    """No icon: an empty answer rather than a 404 in every agent's console."""
    return Response(status_code=204)


def _page(request: Request, lang: str) -> HTMLResponse:
    return templates.TemplateResponse(request, "cell.html", {"lang": lang, "t": TEXTS[lang],
                                                             "other": "en" if lang == "fr" else "fr"})
