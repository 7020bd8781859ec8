"""The application factory."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from concord import __version__, web
from concord.api import errors
from concord.api.fastlane import ChecksLane
from concord.api.middleware import BodyLimit, Metrics
from concord.api.routers import (
    attachments,
    audit,
    auth,
    checks,
    countries,
    events,
    hits,
    keys,
    messages,
    notices,
    objects,
    person_checks,
    persons,
    public,
    subject_requests,
    system,
    users,
    webhooks,
)
from concord.api.schemas import ErrorResponse
from concord.domain.compliance import RuleBook
from concord.index.identifiers import IdentifierIndex
from concord.index.names import PersonNameIndex
from concord.services.attachment_clock import AttachmentClock
from concord.services.attachments import largest_upload as attachment_limit
from concord.services.checks import Checker
from concord.services.hit_clock import HitClock
from concord.services.notice_clock import NoticeClock
from concord.services.person_checks import PersonChecker
from concord.services.webhook_clock import WebhookClock
from concord.settings import Settings, get_settings
from concord.store import Store
from concord.store.listener import EventListener
from concord.web import import_jobs

_ERRORS = {
    status: {"model": ErrorResponse, "description": text}
    for status, text in (
        (401, "missing, unknown, expired or revoked token"),
        (403, "not allowed"),
        (404, "not found, or not visible to the caller"),
        (413, "request body too large"),
        (422, "invalid input; `field` names the field"),
    )
}


def _freeze_startup_state() -> None:
    """Keep what start-up built out of the collector's full passes (a served process only).

    Under load the audit queue keeps promoting objects to the oldest generation,
    so full collections came every few seconds, each walking the ~100,000
    start-up objects for 50-180 ms with the event loop stopped: p99 of checks
    and batches (measured with a loop-lag probe). Frozen, they are not walked.
    Not done for an app given a store (tests): freezing would pin their garbage.
    """
    gc.collect()
    gc.freeze()


def create_app(
    settings: Settings | None = None, store: Store | None = None, *, checks_lane: bool = True
) -> FastAPI:
    """Build the API around a store (opened from settings when not given).

    ``checks_lane=False`` leaves every check to the FastAPI routes (tests compare the two).
    """
    settings = settings or get_settings()
    owns_store = store is None
    the_store = store or Store.from_settings(settings)

    index = IdentifierIndex(the_store, poll_interval=settings.index_poll_interval)
    names = PersonNameIndex(the_store, poll_interval=settings.index_poll_interval)
    clock = NoticeClock(the_store, settings.notice_sweep_interval)
    hit_clock = HitClock(the_store, settings.hit_escalation_interval)
    webhook_clock = WebhookClock(the_store, settings.webhook_interval)
    attachment_clock = AttachmentClock(the_store)
    listener = EventListener(the_store)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        index.start()
        names.start()
        clock.start()
        hit_clock.start()
        webhook_clock.start()
        attachment_clock.start()
        listener.start()
        if owns_store:
            _freeze_startup_state()
        yield
        clock.stop()
        hit_clock.stop()
        webhook_clock.stop()
        attachment_clock.stop()
        listener.stop()
        index.stop()
        names.stop()
        # A clean shutdown writes every pending audit event.
        the_store.audit.flush(timeout=None)
        if owns_store:
            the_store.close()

    app = FastAPI(
        title="Concord",
        version=__version__,
        description=(
            "Checks, records and governance for police data sharing between member countries."
        ),
        lifespan=lifespan,
        responses=_ERRORS,  # type: ignore[arg-type]
    )
    app.state.store = the_store
    app.state.settings = settings
    app.state.index = index
    checker = app.state.checker = Checker(the_store, index)
    app.state.names = names
    app.state.person_checker = PersonChecker(the_store, names, settings)
    app.state.rulebook = RuleBook.load(
        Path(settings.notice_rules) if settings.notice_rules else None
    )
    errors.install(app)
    for module in (
        system,
        auth,
        users,
        countries,
        persons,
        checks,
        person_checks,
        notices,
        keys,
        hits,
        events,
        messages,
        attachments,
        public,
        subject_requests,
        webhooks,
        audit,
    ):
        app.include_router(module.router)
    for router in objects.routers:
        app.include_router(router)
    web.install(app)
    if checks_lane:
        # Innermost: Metrics and BodyLimit still see every check.
        app.add_middleware(ChecksLane, checker=checker, routes=checks.router.routes)
    app.add_middleware(
        BodyLimit,
        max_bytes=settings.max_body_bytes,
        larger={
            "/attachments": attachment_limit(the_store),
            "/web/messages/attachments": attachment_limit(the_store),
            "/web/imports": settings.web_import_max_bytes + import_jobs.FORM_OVERHEAD,
        },
    )
    app.add_middleware(Metrics)
    return app
