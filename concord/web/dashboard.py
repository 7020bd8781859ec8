"""The dashboard: checks and hits of the last 30 days as charts drawn on the server
(``web/charts.py``) with the same figures as tables, and the results of the last two
weeks. The figures and who sees which are ``services/statistics.py``'s: an NCB its
own country's, the General Secretariat and the CCF every country's."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from concord.errors import ConcordError
from concord.services import statistics
from concord.web.charts import bar_chart, line_chart
from concord.web.common import STAFF, page, require, store_of, text_of
from concord.web.i18n import Catalogue

router = APIRouter(prefix="/web", include_in_schema=False)


@router.get("/dashboard")
async def dashboard(request: Request) -> Response:
    session = await require(request, *STAFF)
    try:
        figures = await run_in_threadpool(
            statistics.dashboard, store_of(request), session.principal
        )
    except ConcordError as exc:
        return page(request, "dashboard/index.html", exc.status, session=session,
                    figures=None, charts={}, error=exc.message)  # fmt: skip
    t = text_of(request)
    return page(
        request, "dashboard/index.html", session=session, figures=figures,
        charts=_charts(t, figures),
    )  # fmt: skip


@router.get("/dashboard/results")
async def results(request: Request) -> Response:
    session = await require(request, *STAFF)
    try:
        found = await run_in_threadpool(statistics.results, store_of(request), session.principal)
    except ConcordError as exc:
        return page(request, "dashboard/results.html", exc.status, session=session,
                    found=None, error=exc.message)  # fmt: skip
    return page(request, "dashboard/results.html", session=session, found=found)


def _charts(t: Catalogue, figures: statistics.Dashboard) -> dict[str, Markup]:
    """Each chart with its translated title and labels."""
    days = [(d.day[5:], d.checks) for d in figures.days]
    hit_days = [(d.day[5:], d.hits) for d in figures.days]
    return {
        "checks_per_day": line_chart(t("dash_checks_per_day"), days),
        "hits_per_day": line_chart(t("dash_hits_per_day"), hit_days),
        "hits_per_database": bar_chart(
            t("dash_hits_per_database"),
            [(t(f"dash_kind_{k}"), n) for k, n in figures.by_database],
        ),
        "hits_per_programme": bar_chart(
            t("dash_hits_per_programme"),
            [(t(f"dash_programme_{p}"), n) for p, n in figures.by_programme],
        ),
        "checks_per_region": bar_chart(
            t("dash_checks_per_region"),
            [(t(f"dash_region_{r.region}"), r.checks) for r in figures.by_region],
        ),
        "hits_per_region": bar_chart(
            t("dash_hits_per_region"),
            [(t(f"dash_region_{r.region}"), r.hits) for r in figures.by_region],
        ),
    }
