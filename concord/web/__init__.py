"""The web application served by ``concord serve``: pages rendered on the server,
nothing loaded from the internet. Each area of the application is a module with its
own router, templates folder, catalogue file and stylesheet."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from starlette.staticfiles import StaticFiles


def routers() -> list[APIRouter]:
    """Every area's router."""
    from concord.web import (
        dashboard,
        hits,
        imports,
        messages,
        notices,
        pages,
        records,
        review,
        secretariat,
        users,
    )

    modules = (
        pages, hits, records, imports, notices, review, messages, users, secretariat, dashboard
    )  # fmt: skip
    return [module.router for module in modules]


def install(app: FastAPI) -> None:
    """Mount every page, the static files and the pages' error answers."""
    from concord.web import common

    for router in routers():
        app.include_router(router)
    app.mount("/web/static", StaticFiles(directory=common.STATIC), name="web-static")
    common.install(app)
