"""The dashboard's figures on both stores, on a small world where real checks made the
hits: what each country sees, per day, database, crime programme and region, and the
results of the last two weeks by their definitions."""

from __future__ import annotations

import datetime as dt

import pytest

from concord.errors import Forbidden
from concord.services import statistics
from tests.conftest import World
from tests.results_world import Made, make_results


@pytest.fixture
def made(world: World) -> Made:
    return make_results(world)


def test_the_general_secretariat_sees_every_country(world: World, made: Made) -> None:
    figures = statistics.dashboard(world.store, world.gs.principal)
    assert figures.scope is None and len(figures.days) == 30
    assert (figures.checks, figures.hits) == (8, 4)
    recent = figures.days[-2:]  # today's, or yesterday's if the test straddles midnight
    assert sum(d.checks for d in recent) == 8 and sum(d.hits for d in recent) == 4
    assert figures.days[-1].day == figures.last_day
    assert dict(figures.by_database) == {"person": 2, "document": 1, "vehicle": 1}
    assert dict(figures.by_programme) == {
        "counter_terrorism": 1,  # the red notice's programme
        "unassigned": 1,  # the yellow notice names none
        "organized_emerging_crime": 2,  # stolen property
    }
    regions = {r.region: (r.checks, r.hits) for r in figures.by_region}
    assert regions["europe"] == (7, 3) and regions["americas"] == (1, 1)
    assert regions["africa"] == (0, 0) and "organisation" not in regions
    assert statistics.dashboard(world.store, world.ccf.principal).hits == 4


def test_an_ncb_counts_only_its_own_country(world: World, made: Made) -> None:
    france = statistics.dashboard(world.store, world.ncb_a.principal)
    # Its officers' checks; the hits by its officers and the hit on its passport.
    assert france.scope == "FRA" and (france.checks, france.hits) == (6, 3)
    assert dict(france.by_database) == {"person": 2, "document": 1}
    usa = statistics.dashboard(world.store, world.ncb_c.principal)
    assert (usa.checks, usa.hits) == (1, 1) and dict(usa.by_database) == {"vehicle": 1}
    assert {r.region: r.hits for r in usa.by_region}["europe"] == 0


def test_only_staff_of_members_in_good_standing_see_figures(world: World) -> None:
    for actor in (world.frontline_a, world.partner_a, world.ncb_suspended):
        with pytest.raises(Forbidden):
            statistics.dashboard(world.store, actor.principal)
        with pytest.raises(Forbidden):
            statistics.results(world.store, actor.principal)


def test_the_results_follow_their_definitions(world: World, made: Made) -> None:
    found = statistics.results(world.store, world.gs.principal)
    counts = {f.name: f.count for f in found.figures}
    assert counts == {"victims": 1, "identifications": 2, "documents": 1, "arrests": 1}
    listed = {f.name: [h.id for h in f.hits] for f in found.figures}
    assert listed["victims"] == [made.missing]
    assert sorted(listed["identifications"]) == sorted([made.wanted, made.missing])
    assert listed["documents"] == [made.document] and listed["arrests"] == [made.wanted]
    victim = found.figures[0].hits[0]
    assert (victim.notice_kind, victim.owner, victim.checking_country) == ("yellow", "DEU", "FRA")
    usa = statistics.results(world.store, world.ncb_c.principal)
    assert all(f.count == 0 and not f.hits for f in usa.figures)
    germany = statistics.results(world.store, world.ncb_b.principal)
    assert {f.name: f.count for f in germany.figures} == counts  # its data or its officers


def test_the_periods_end(world: World, made: Made) -> None:
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=15)
    found = statistics.results(world.store, world.gs.principal, now=later)
    assert all(f.count == 0 for f in found.figures)
    figures = statistics.dashboard(world.store, world.gs.principal, now=later)
    assert (figures.checks, figures.hits) == (8, 4)  # still inside the 30 days
    far = dt.datetime.now(dt.UTC) + dt.timedelta(days=31)
    figures = statistics.dashboard(world.store, world.gs.principal, now=far)
    assert (figures.checks, figures.hits) == (0, 0)


def test_reading_figures_is_audited(world: World, made: Made) -> None:
    from sqlalchemy import select

    from concord.store.tables import audit_events

    statistics.results(world.store, world.ncb_a.principal)
    world.store.audit.flush()
    with world.store.read() as conn:
        actions = conn.execute(
            select(audit_events.c.action, audit_events.c.actor).where(
                audit_events.c.resource == "statistics"
            )
        ).all()
    assert ("statistics.results", "ncb.fra") in actions
