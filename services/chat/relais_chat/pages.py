"""The victim's chat page and the officer console: server-rendered, French first (no-trace headers: shared)."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from relais_chat.page_texts import CONSOLE, VICTIM
from relais_chat.rules import platform_of

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(include_in_schema=False)


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")


@router.get("/chat", response_class=HTMLResponse)
async def chat_page(request: Request, lang: str = "fr", force: str | None = Query(None, pattern="^(PN|GN)$"),
                    department: str | None = Query(None, pattern=r"^(\d{2,3}|2[AB])$"),
                    level: str = Query("orange", pattern="^(orange|blue)$"),
                    danger: str = Query("standard", pattern="^(standard|high|severe)$"),
                    category: str | None = Query(None, pattern=r"^[a-z_]{2,40}$")):
    """The routing result comes from the public page's link; the session secret never touches a URL."""
    lang = "en" if lang == "en" else "fr"
    start = {"force": force, "department": department, "platform_queue": platform_of(force), "level": level,
             "danger_level": danger, "category": category, "lang": lang}
    query = request.url.query.replace("lang=en", "").strip("&")
    switch = f"/chat?{query}&lang=en" if lang == "fr" else f"/chat?{query}"
    return templates.TemplateResponse(request, "chat.html", {
        "lang": lang, "t": VICTIM[lang], "exit_url": request.app.state.runtime.settings.exit_url,
        "start_json": data_block(start), "texts_json": data_block(VICTIM[lang]), "switch_url": switch,
        "max_chars": request.app.state.runtime.settings.max_message_chars})


@router.get("/console", response_class=HTMLResponse)
async def console_page(request: Request, lang: str = "fr"):
    lang = "en" if lang == "en" else "fr"
    return templates.TemplateResponse(request, "console.html", {
        "lang": lang, "t": CONSOLE[lang], "texts_json": data_block(CONSOLE[lang]),
        "switch_url": "/console?lang=en" if lang == "fr" else "/console"})


def data_block(value) -> str:
    """JSON for a non-executed data block; `<` escaped so nothing can close the script element."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace("&", "\\u0026")
