"""The national triage page: a server-rendered shell (French first, English), data through the API with the token.

Plain string substitution rather than a template engine: the page has no logic, every value is escaped here,
and everything a report carries is written by the script with textContent.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from string import Template

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from relais_routing.triage_texts import TEXTS

HERE = Path(__file__).parent
PAGE = Template((HERE / "templates" / "triage.html").read_text(encoding="utf-8"))
router = APIRouter(include_in_schema=False)


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/triage/static", StaticFiles(directory=HERE / "static"), name="triage-static")


@router.get("/triage", response_class=HTMLResponse)
async def triage_page(request: Request, lang: str = "fr") -> HTMLResponse:
    lang = "en" if lang == "en" else "fr"
    texts = TEXTS[lang]
    departments = [{"code": d.code, "name": d.name} for d in request.app.state.holder.index.departments()]
    words = {k: html.escape(v) for k, v in texts.items() if isinstance(v, str)}
    return HTMLResponse(PAGE.substitute(words, lang=lang, other="en" if lang == "fr" else "fr",
                                        texts_json=data_block(texts), departments_json=data_block(departments)))


def data_block(value) -> str:
    """JSON for a non-executed data block; `<` and `&` escaped so nothing can close the script element."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace("&", "\\u0026")
