"""The dashboard and the results pages on both stores, on the small world of
tests/services/test_statistics.py (real checks made its hits): charts drawn on the
server with their figures as tables, an NCB's figures its own country's only."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from concord.web.charts import bar_chart, line_chart, nice_ticks
from tests.conftest import World
from tests.results_world import Made, make_results
from tests.web.conftest import sign_in


@pytest.fixture
def made(world: World) -> Made:
    return make_results(world)


def _figure(html: str, element_id: str) -> int:
    found = re.search(rf'id="{element_id}">(\d+)<', html)
    assert found, f"no {element_id}"
    return int(found.group(1))


def _table(html: str, table_id: str) -> dict[str, list[str]]:
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th>(.*?)</tr>', body, flags=re.S)
    return {label: re.findall(r"<td[^>]*>(\d+)</td>", cells) for label, cells in rows}


def test_the_gs_dashboard_draws_every_countrys_figures(
    web: TestClient, world: World, made: Made
) -> None:
    sign_in(web, world.store, world.gs.principal)
    page = web.get("/web/dashboard")
    assert page.status_code == 200
    html = page.text
    assert (_figure(html, "total-checks"), _figure(html, "total-hits")) == (8, 4)
    assert html.count('<svg class="chart"') == 6 and html.count('role="img"') == 6
    assert "<script" not in html and "style=" not in html
    assert _table(html, "per-database") == {
        "Persons (nominal data)": ["2"],
        "Stolen and lost travel documents": ["1"],
        "Stolen motor vehicles": ["1"],
    }
    programmes = _table(html, "per-programme")
    assert programmes["Counter-terrorism"] == ["1"] and programmes["No programme"] == ["1"]
    assert _table(html, "per-region")["Europe"] == ["7", "3"]
    days = _table(html, "per-day")
    recent = list(days.values())[-2:]  # today's (or yesterday's too, across midnight)
    assert len(days) == 30 and [sum(int(d[n]) for d in recent) for n in (0, 1)] == [8, 4]


def test_an_ncb_dashboard_counts_its_own_country_only(
    web: TestClient, world: World, made: Made
) -> None:
    sign_in(web, world.store, world.ncb_c.principal)
    html = web.get("/web/dashboard").text
    assert "Figures of USA" in html
    assert (_figure(html, "total-checks"), _figure(html, "total-hits")) == (1, 1)
    assert _table(html, "per-database") == {"Stolen motor vehicles": ["1"]}
    assert _table(html, "per-region")["Europe"] == ["0", "0"]


def test_the_results_page_shows_each_figure_with_its_hits(
    web: TestClient, world: World, made: Made
) -> None:
    sign_in(web, world.store, world.ccf.principal)
    html = web.get("/web/dashboard/results").text
    names = ("victims", "identifications", "documents", "arrests")
    figures = {name: _figure(html, f"figure-{name}") for name in names}
    assert figures == {"victims": 1, "identifications": 2, "documents": 1, "arrests": 1}
    victims = html.split('id="result-victims"', 1)[1].split("</section>", 1)[0]
    assert f"<td>{made.missing}</td>" in victims and "YELLOW NOTICE" in victims
    arrests = html.split('id="result-arrests"', 1)[1].split("</section>", 1)[0]
    assert f"<td>{made.wanted}</td>" in arrests and "arrested" in arrests
    sign_in(web, world.store, world.ncb_c.principal)
    usa = web.get("/web/dashboard/results").text
    assert _figure(usa, "figure-identifications") == 0 and f"<td>{made.wanted}</td>" not in usa


def test_frontline_officers_have_no_dashboard(web: TestClient, world: World) -> None:
    sign_in(web, world.store, world.frontline_a.principal)
    assert web.get("/web/dashboard").status_code == 403
    assert web.get("/web/dashboard/results").status_code == 403


def test_a_suspended_members_ncb_is_told_why(web: TestClient, world: World) -> None:
    sign_in(web, world.store, world.ncb_suspended.principal)
    page = web.get("/web/dashboard")
    assert page.status_code == 403 and "not a member in good standing" in page.text


def test_the_charts_have_round_axes_and_escape_their_labels() -> None:
    assert nice_ticks(0) == [0, 1] and nice_ticks(3) == [0, 1, 2, 3]
    assert nice_ticks(1234) == [0, 500, 1000, 1500]
    svg = bar_chart("Hits <per> kind", [("<b>", 3), ("cars", 1)])
    assert "<title" in svg and "Hits &lt;per&gt; kind" in svg and "<b>" not in svg
    assert svg.count('class="bar"') == 2
    line = line_chart("Checks", [(f"05-{d:02}", d) for d in range(1, 31)])
    assert line.count("<circle") == 30 and "05-30" in line and 'class="line"' in line
