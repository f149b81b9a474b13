"""The public figures: a page with the map (French, English) and the same table as JSON and CSV."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from relais_shared import csv_export
from relais_shared.api_errors import ApiError
from relais_stats import francemap, publication
from relais_stats.i18n import PUBLIC, category_label
from relais_stats.pages import templates
from relais_stats.periods import ZONE, PeriodError

router = APIRouter()
PERIOD = Query(None, max_length=40, description="A closed period: 2026-03 (months) or 2026-W09 (ISO weeks)")


def _today():
    return datetime.now(UTC).astimezone(ZONE).date()


async def _table(request: Request, period: str | None) -> dict:
    runtime = request.app.state.runtime
    try:
        async with runtime.pool.acquire() as conn:
            return await publication.table_for(conn, runtime.settings, period, _today())
    except PeriodError as exc:
        raise ApiError(422, exc.text) from exc
    except (publication.NotYetPublished, publication.NoPublishedPeriod) as exc:
        raise ApiError(404, exc.text) from exc


@router.get("/v1/public/statistics.json", tags=["public"], summary="Published counts of one closed period")
async def statistics_json(request: Request, period: str | None = PERIOD) -> JSONResponse:
    return JSONResponse(await _table(request, period))


@router.get("/v1/public/statistics.csv", tags=["public"], summary="The same table as CSV")
async def statistics_csv(request: Request, period: str | None = PERIOD) -> Response:
    body = await _table(request, period)
    return Response(statistics_lines(body), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="relais-{body["period"]}.csv"'})


def statistics_lines(body: dict) -> str:
    """The published table as CSV: one line per department and category, suppressed counts left empty."""
    lines = ([body["period"], row["code"], row["name"], category, "" if n is None else n,
              "suppressed" if n is None else "published"]
             for row in body["departments"] for category, n in row["counts"].items())
    return csv_export.render(["period", "department", "department_name", "category", "count", "status"], lines,
                             lineterminator="\n")


@router.get("/v1/public/periods.json", tags=["public"], summary="Periods published so far, newest first")
async def periods_json(request: Request) -> dict:
    runtime = request.app.state.runtime
    async with runtime.pool.acquire() as conn:
        available = await publication.published(conn, runtime.settings, _today())
    return {"kind": runtime.settings.public_period, "periods": [p.label for p in available]}


@router.get("/statistiques", response_class=HTMLResponse, include_in_schema=False)
async def page_fr(request: Request, period: str | None = PERIOD):
    return await _page(request, "fr", period)


@router.get("/en/statistics", response_class=HTMLResponse, include_in_schema=False)
async def page_en(request: Request, period: str | None = PERIOD):
    return await _page(request, "en", period)


async def _page(request: Request, lang: str, period: str | None) -> HTMLResponse:
    settings, t = request.app.state.runtime.settings, PUBLIC[lang]
    async with request.app.state.runtime.pool.acquire() as conn:
        available = await publication.published(conn, settings, _today())
    body, error, status = None, None, 200
    if available or period:
        try:
            body = await _table(request, period)
        except ApiError as exc:
            error, status = exc.detail, exc.status_code
    values = {row["code"]: row["total"] for row in (body or {}).get("departments", [])}
    partial = {row["code"] for row in (body or {}).get("departments", []) if not row["total_complete"]}
    view_box, shapes, bounds = francemap.regions(values, partial)
    context = {"lang": lang, "t": t, "other": "en" if lang == "fr" else "fr", "body": body, "error": error,
               "periods": [p.label for p in available], "view_box": view_box, "shapes": shapes,
               "bounds": bounds, "label": lambda c: category_label(c, lang),
               "intro": t["intro"].format(delay=settings.publication_delay_days),
               "privacy": t["privacy"].format(k=settings.suppression_threshold)}
    return templates.TemplateResponse(request, "public.html", context, status_code=status)
