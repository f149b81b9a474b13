"""The unit's console page (/unit): its reports newest first, one opened at a time, closed with an outcome.

The page is a frame for /v1/unit/reports: the scope, the orange clearance and the audit are decided there, so
the page admits the same roles the API serves and shows whatever the API answers.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from relais_intake import i18n_unit
from relais_intake.unit_api import READERS
from relais_shared.console_kit import console_page, kit_templates
from relais_shared.identity import NATIONAL, Operator

HERE = Path(__file__).parent
templates = kit_templates(HERE / "templates")
router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25  # reports per page of the list; "more" asks for the next ones


def install(app: FastAPI) -> None:
    app.include_router(router)


@router.get("/unit", response_class=HTMLResponse)
async def unit_console(request: Request, lang: str = "fr") -> Response:
    """French first, English with ?lang=en; no session: sign in; no unit role: a page naming the role."""
    lang = "en" if lang == "en" else "fr"
    return await console_page(request, templates=templates, template="unit.html", roles=READERS,
                              texts=i18n_unit.texts(lang), lang=lang,
                              context={"scope_line": scope_line, "page_size": PAGE_SIZE})


def scope_line(texts: dict, operator: Operator) -> str:
    """`BTA Liffré · GN · département(s) 35`: what this console lists, said once under its title."""
    departments = (texts["national"] if NATIONAL in operator.departments
                   else texts["departments"].format(list=", ".join(operator.departments)))
    return texts["scope"].format(unit=operator.unit or texts["no_unit"], force=operator.force,
                                 departments=departments)
