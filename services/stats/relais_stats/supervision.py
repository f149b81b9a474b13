"""Supervisor pages: a console of the kit (session cookie), the live figures as JSON and as a server-drawn panel."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from relais_shared import audit, operators
from relais_shared.console_kit import console_page
from relais_shared.identity import Operator
from relais_stats import live
from relais_stats.i18n import SUPERVISION
from relais_stats.pages import templates
from relais_stats.plots import Bar, bar_chart, duration

router = APIRouter()
# The page asks for the roles its API allows: a page that renders but whose panel is refused helps nobody.
SUPERVISION_ROLES = ("supervisor",)
SUPERVISOR = operators.require(*SUPERVISION_ROLES)


@router.get("/supervision", include_in_schema=False)
async def page(request: Request, lang: str = "fr"):
    """French first, English with ?lang=en."""
    lang = "en" if lang == "en" else "fr"
    return await console_page(request, templates=templates, template="supervision.html", roles=SUPERVISION_ROLES,
                              texts=SUPERVISION[lang], lang=lang)


@router.get("/en/supervision", include_in_schema=False)
async def page_en() -> RedirectResponse:
    """The English page's former address (bookmarks)."""
    return RedirectResponse("/supervision?lang=en", status_code=303)


async def _read(request: Request, who: Operator) -> dict:
    runtime = request.app.state.runtime
    async with runtime.pool.acquire() as conn, conn.transaction():
        figures = await live.overview(conn, who, runtime.settings.live_window_minutes)
        await audit.record(conn, who, "read", "supervision", "overview",
                           details={"departments": list(who.departments), "force": who.force})
    return figures


@router.get("/v1/supervision/overview", tags=["supervision"], summary="Live queues and waits in your scope")
async def overview(request: Request, who: Operator = SUPERVISOR) -> dict:
    return await _read(request, who)


@router.get("/v1/supervision/panel", response_class=HTMLResponse, tags=["supervision"],
            summary="The same figures as an HTML panel with SVG charts")
async def panel(request: Request, lang: str = Query("fr", pattern="^(fr|en)$"), who: Operator = SUPERVISOR):
    figures, t = await _read(request, who), SUPERVISION[lang]
    lines = figures["lines"]

    def name(line: dict) -> str:
        return f'{line["force"] or "?"} {line["department"] or t["unresolved"]}'

    charts = {
        "chat": bar_chart(t["waiting"], [Bar(name(x), x["waiting"], str(x["waiting"])) for x in lines]),
        "wait": bar_chart(t["median_wait"], [Bar(name(x), x["median_wait"] or 0, duration(x["median_wait"], lang))
                                             for x in lines if x["median_wait"] is not None], "bar wait"),
        "incidents": bar_chart(t["incidents"], [Bar(name(x), x["incidents"], str(x["incidents"]))
                                                for x in lines if x["incidents"]], "bar alert"),
        "callbacks": bar_chart(t["overdue"], [Bar(name(x), x["overdue"], str(x["overdue"]))
                                              for x in lines if x["open"]], "bar alert"),
    }
    return templates.TemplateResponse(request, "_panel.html", {
        "t": t, "lang": lang, "figures": figures, "lines": lines, "charts": charts, "who": who, "name": name,
        "duration": lambda s: duration(s, lang), "now": datetime.now(UTC).strftime("%H:%M:%S UTC")})
