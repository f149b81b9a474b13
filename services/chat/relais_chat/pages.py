"""The victim's chat page and the officer console: server-rendered, French first, strict CSP, no trace."""

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
PAGE_HEADERS = [
    (b"cache-control", b"no-store"),
    (b"pragma", b"no-cache"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"geolocation=(), camera=(), microphone=(), interest-cohort=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"content-security-policy", b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                  b"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
]


class NoTraceHeaders:
    """No-store, no referrer, strict CSP on every HTTP answer, and never a cookie."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_safely(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"set-cookie"]
                message["headers"] = headers + PAGE_HEADERS
            await send(message)

        await self.app(scope, receive, send_safely)


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_middleware(NoTraceHeaders)


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
