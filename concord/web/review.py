"""The review queue: requests waiting for the General Secretariat's decision, each
with the compliance rules' verdict, and the decisions the reviewer may take.

The General Secretariat reads the queue the API serves (``notices.review_queue``:
requests under review and flagged diffusions); the CCF, which oversees but does not
decide, reads the requests under review as the API lists them to it, without the
decision buttons. Each decision is confirmed on the notice's move page and made by
the service (``web/notices.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from concord.domain.enums import Role
from concord.domain.notices import NoticeState
from concord.errors import ConcordError
from concord.services import notices
from concord.web import notice_show
from concord.web.common import page, require, store_of, text_of
from concord.web.notices import DONE, when

router = APIRouter(prefix="/web", include_in_schema=False)
QUEUE_SIZE = 500
ORDERS = ("oldest", "urgent")


@router.get("/review")
async def review_queue(request: Request) -> Response:
    session = await require(request, Role.GS, Role.CCF)
    principal = session.principal
    store = store_of(request)
    t = text_of(request)
    order = request.query_params.get("order", "oldest")
    order = order if order in ORDERS else "oldest"
    try:
        if principal.role is Role.GS:
            items = await run_in_threadpool(
                lambda: notices.review_queue(store, principal, limit=QUEUE_SIZE)
            )
        else:
            items, _ = await run_in_threadpool(
                lambda: notices.list_page(
                    store, principal, state=NoticeState.UNDER_REVIEW.value, limit=QUEUE_SIZE
                )
            )
    except ConcordError as exc:
        return page(request, "forbidden.html", exc.status, session=session, error=exc.message)
    if order == "oldest":  # the service's order is the most urgent first
        items.sort(key=lambda n: (_sort_time(n), int(n["id"])))
    names = await run_in_threadpool(notice_show.subject_names, store, principal, items)
    entries = [
        {"item": n, "results": _flagged(notice_show.results(n.get("compliance"), t)),
         "moves": notice_show.moves_for(principal, n)}
        for n in items
    ]  # fmt: skip
    done = request.query_params.get("done", "")
    done_id = request.query_params.get("id", "")
    banner = None
    if done in DONE and done_id.isdigit():
        banner = t(f"notices_done_{done}") + f" ({t('notices_number')} {int(done_id)})"
    return page(
        request, "review/queue.html", session=session, entries=entries, names=names,
        order=order, when=when, notice=banner, decides=principal.role is Role.GS,
    )  # fmt: skip


def _sort_time(notice: dict[str, Any]) -> dt.datetime:
    """When it entered the queue (a diffusion: when it was sent)."""
    moment: dt.datetime = (
        notice.get("submitted_at") or notice.get("published_at") or notice["created_at"]
    )
    return moment


def _flagged(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The reviewer's eye goes first to what the rules raised."""
    rank = {"fail": 0, "flag": 1, "pass": 2}
    return sorted(results, key=lambda r: rank.get(r["outcome"], 0))
