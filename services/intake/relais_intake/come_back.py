"""The come-back pages: she types her receipt, sees the status and the unit's messages, answers, goes back to the
chat about her report, or erases it.

The receipt travels only in the body of each POST (a hidden field on the pages that follow), never in a cookie
or a URL. Every answer comes no sooner than a set time, so a wrong receipt cannot be told from a right one by
how long it takes; the receipt API's hourly allowance per address applies here too.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import asyncpg
import structlog
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import HTMLResponse
from starlette.datastructures import FormData

from relais_intake import chat_link, i18n, receipt_access
from relais_intake.pages import UNAVAILABLE, allowed, render
from relais_intake.schemas import TEXT_LIMIT
from relais_shared.crypto import Keyring

log = structlog.get_logger(__name__)
router = APIRouter(include_in_schema=False)
PATHS = {"fr": "/retour", "en": "/en/come-back"}
REPLY, ERASE = {"fr": "/retour/repondre", "en": "/en/come-back/reply"}, {"fr": "/retour/effacer",
                                                                         "en": "/en/come-back/erase"}
DIGITS = re.compile(r"[0-9]{16}")


def install(app: FastAPI) -> None:
    app.include_router(router)


@router.get("/retour", response_class=HTMLResponse)
async def come_back_fr(request: Request):
    return _ask(request, "fr")


@router.get("/en/come-back", response_class=HTMLResponse)
async def come_back_en(request: Request):
    return _ask(request, "en")


@dataclass(frozen=True)
class Visit:
    """One POST of a person who typed a receipt that has the right form."""

    request: Request
    conn: asyncpg.Connection
    digest: bytes  # the receipt's Argon2 hash, as stored
    receipt: str  # the 16 digits, written back only into the next form's hidden field
    lang: str
    form: FormData

    @property
    def ring(self) -> Keyring:
        return self.request.app.state.intake.keyring


@router.post("/retour", response_class=HTMLResponse)
@router.post("/en/come-back", response_class=HTMLResponse)
async def see(request: Request):
    """Her report's status and messages, for whoever holds the receipt."""
    return await _with_receipt(request, _view)


@router.post("/retour/repondre", response_class=HTMLResponse)
@router.post("/en/come-back/reply", response_class=HTMLResponse)
async def reply(request: Request):
    """Her answer to the unit, then the conversation again."""
    async def act(visit: Visit):
        text = visit.form.get("text")
        if not isinstance(text, str) or not text.strip() or len(text) > TEXT_LIMIT:
            return await _view(visit, status=422, reply_error=i18n.texts(visit.lang)["reply_missing"])
        if not await receipt_access.add_message(visit.conn, visit.ring, visit.digest, text.strip()):
            return None
        return await _view(visit, sent=True)

    return await _with_receipt(request, act)


@router.post("/retour/effacer", response_class=HTMLResponse)
@router.post("/en/come-back/erase", response_class=HTMLResponse)
async def erase(request: Request):
    """First a confirmation step; once confirmed, the report is erased everywhere."""
    async def act(visit: Visit):
        lang = visit.lang
        if visit.form.get("confirm") != "yes":
            if await receipt_access.find_report(visit.conn, visit.digest) is None:
                return None
            return render(request, "come_back_erase.html", lang, None, receipt=visit.receipt, action=ERASE[lang],
                          back=PATHS[lang])
        if not await receipt_access.erase(visit.conn, visit.digest):
            return None
        return render(request, "come_back_erased.html", lang, None, home="/en" if lang == "en" else "/")

    return await _with_receipt(request, act)


def _ask(request: Request, lang: str, error: str | None = None, status: int = 200, value: str = ""):
    return render(request, "come_back.html", lang, None, status=status, error=error, value=value,
                  action=PATHS[lang], switch_url=PATHS["fr" if lang == "en" else "en"])


async def _with_receipt(request: Request, act: Callable[[Visit], Awaitable[Response | None]]) -> Response:
    """Check the allowance and the receipt, run `act` with its hash; the answer comes at a steady pace."""
    started = time.monotonic()
    intake = request.app.state.intake
    form = await request.form()
    lang = "en" if form.get("lang") == "en" else "fr"
    t = i18n.texts(lang)
    typed = form.get("receipt") if isinstance(form.get("receipt"), str) else ""
    receipt = re.sub(r"[\s.-]", "", typed)[:64]
    try:
        if not await allowed(request, "receipt_limiter"):
            answer = _ask(request, lang, t["too_many_attempts"], 429)
        elif not DIGITS.fullmatch(receipt):
            answer = _ask(request, lang, t["receipt_malformed"], 422, typed[:40])
        else:
            digest = await intake.hasher.hash(receipt)
            async with request.app.state.runtime.pool.acquire() as conn:
                answer = await act(Visit(request, conn, digest, receipt, lang, form))
            answer = answer or _ask(request, lang, t["receipt_unknown"], 404, typed[:40])
    except UNAVAILABLE as exc:
        log.warning("intake.come_back_unavailable", error=type(exc).__name__)
        answer = _ask(request, lang, t["unavailable"], 503)
    await asyncio.sleep(max(0.0, intake.settings.receipt_answer_seconds - (time.monotonic() - started)))
    return answer


async def _view(visit: Visit, status: int = 200, **extra) -> Response | None:
    """Status, messages, the reply form, the way to the chat and the erase button; None for no such report."""
    found = await receipt_access.lookup(visit.conn, visit.ring, visit.digest)
    if found is None:
        return None
    row, view = found
    lang = visit.lang
    return render(visit.request, "come_back_view.html", lang, None, status=status, view=view, receipt=visit.receipt,
                  ticket=chat_link.ticket_for(visit.ring, row, lang), reply_action=REPLY[lang],
                  erase_action=ERASE[lang], **extra)
