"""The cell's page on the console kit: French first (English on ?lang=en), signed in by the session cookie.

The page never sees a token: the kit's gate sends an operator without a session to sign in, and one without
the cell's roles gets a page saying which role is needed. The no-trace headers (CSP included) come from the
shared app factory, on every answer.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from relais_followup.api import CELL_ROLES
from relais_followup.i18n import TEXTS
from relais_shared.console_kit import console_page, kit_templates

HERE = Path(__file__).parent
templates = kit_templates(HERE / "templates")
router = APIRouter(include_in_schema=False)


def install(app: FastAPI) -> None:
    """Serve the page and its static files."""
    app.include_router(router)
    app.mount("/cell/static", StaticFiles(directory=HERE / "static"), name="cell-static")


@router.get("/cell")
async def cell_page(request: Request, lang: str = "fr") -> Response:
    lang = "en" if lang == "en" else "fr"
    return await console_page(request, templates=templates, template="cell.html", roles=CELL_ROLES, texts=TEXTS[lang],
                              lang=lang)


@router.get("/cell/en")
async def cell_page_en() -> Response:
    """The former English address, kept for bookmarks."""
    return RedirectResponse("/cell?lang=en", status_code=307)


@router.get("/favicon.ico")
async def favicon() -> Response:
    """No icon: an empty answer rather than a 404 in every agent's console."""
    return Response(status_code=204)
