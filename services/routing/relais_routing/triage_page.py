"""The national triage page: a console of the kit (signed in by its session cookie), data through the API.

Everything a report carries is written by the script with textContent; the page itself holds only its words
and the list of departments.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.staticfiles import StaticFiles

from relais_routing.triage_api import TRIAGE_ROLES
from relais_routing.triage_texts import TEXTS
from relais_shared.console_kit import console_page, kit_templates

HERE = Path(__file__).parent
templates = kit_templates(HERE / "templates")
router = APIRouter(include_in_schema=False)


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/triage/static", StaticFiles(directory=HERE / "static"), name="triage-static")


@router.get("/triage")
async def triage_page(request: Request, lang: str = "fr"):
    """French first, English with ?lang=en; the same roles as the triage API, so the page never shows a list
    its operator could not load."""
    departments = [{"code": d.code, "name": d.name} for d in request.app.state.holder.index.departments()]
    return await console_page(request, templates=templates, template="triage.html", roles=TRIAGE_ROLES,
                              texts=TEXTS["en" if lang == "en" else "fr"], lang=lang,
                              context={"departments": departments})
