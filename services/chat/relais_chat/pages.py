"""The victim's chat page and the officer console: server-rendered, French first (no-trace headers: shared)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from relais_chat.api import open_conversation
from relais_chat.page_texts import CONSOLE, VICTIM
from relais_shared.console_kit import console_page, kit_templates
from relais_shared.tickets import TicketRejected

HERE = Path(__file__).parent
templates = kit_templates(HERE / "templates")  # the victim's pages on kit/victim_base.html, the console on the kit
# Who may open the console: an officer who answers conversations, or a triage operator who hands them over.
CONSOLE_ROLES = ("chat_operator", "triage_operator")
router = APIRouter(include_in_schema=False)
MAX_FORM_BYTES = 16_000


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")


@router.get("/chat", response_class=HTMLResponse)
async def chat_start_here(request: Request):
    """Never a conversation from a URL: the visitor is sent to intake's pages, which vouch for her case."""
    lang = _lang(request.query_params.get("lang"))
    return _notice(request, "start", lang, 200)


@router.post("/chat", response_class=HTMLResponse)
async def chat_page(request: Request):
    """The chat page for intake's ticket (posted by intake's page; a reload posts it again and resumes)."""
    form = await _form(request)
    asked = form.get("lang") if form.get("lang") in ("fr", "en") else None
    lang = _lang(asked)
    try:
        opened = await open_conversation(request, form.get("ticket", ""), alias=None, lang=asked)
    except TicketRejected:
        return _notice(request, "bad_ticket", lang, 400)
    except HTTPException as exc:
        if exc.status_code != 429:
            raise
        return _notice(request, "too_many", lang, 429)
    settings, lang = request.app.state.runtime.settings, opened.lang
    start = {"session_id": str(opened.session_id), "secret": opened.secret, "alias": opened.alias,
             "resumed": opened.resumed, "lang": lang}
    return templates.TemplateResponse(request, "chat.html", {
        "lang": lang, "t": VICTIM[lang], "exit_url": settings.exit_url, "ticket": form.get("ticket", ""),
        "start": start, "script_texts": VICTIM[lang],
        "max_chars": settings.max_message_chars})


@router.get("/console", response_class=HTMLResponse)
async def console(request: Request, lang: str = "fr") -> Response:
    """The officer console, for a signed-in operator only (the kit sends others to sign in, or says what role
    they lack); its socket is signed in by the same session cookie."""
    lang = _lang(lang)
    return await console_page(request, templates=templates, template="console.html", roles=CONSOLE_ROLES,
                              texts=CONSOLE[lang], lang=lang)


def _notice(request: Request, kind: str, lang: str, status: int) -> HTMLResponse:
    """A page that opens nothing and says where to go: intake's "talk now" page or the come-back page."""
    settings = request.app.state.runtime.settings
    base = settings.intake_public_url.rstrip("/")
    return templates.TemplateResponse(request, "notice.html", status_code=status, context={
        "lang": lang, "t": VICTIM[lang], "other": VICTIM["en" if lang == "fr" else "fr"], "kind": kind,
        "exit_url": settings.exit_url, "start_url": f"{base}/parler", "return_url": f"{base}/retour",
        "switch_url": "/chat?lang=en" if lang == "fr" else "/chat?lang=fr"})


async def _form(request: Request) -> dict[str, str]:
    """The url-encoded form, bounded (a ticket is a few hundred bytes); anything else reads as an empty form."""
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return {}
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return {}
    try:
        fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=20)
    except ValueError:
        return {}
    return {key: values[0] for key, values in fields.items() if key in ("ticket", "lang")}


def _lang(value: str | None) -> str:
    return "en" if value == "en" else "fr"

