"""Bulk import by upload: real people from the OFAC list with a few bad rows land in the
background, the progress reaches done with the right counts, the reject file names each
bad row's line, field and reason, sending the file again writes nothing twice, an
interrupted import runs again to its end, and no other country learns the import exists."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from concord.services import persons
from concord.store import Store
from tests.conftest import World
from tests.web.conftest import sign_in
from tests.web.forms import csrf_of

WATCHLIST = Path(__file__).parent / "data" / "ofac_watchlist_sample.csv"  # see its README
GOOD = 30
HEADER = ["reference", "full_name", "dob", "nationalities", "sex"]


def people_csv(good: int = GOOD) -> tuple[bytes, list[tuple[str, str]]]:
    """Listed people as FRA might enter them, then 4 bad rows; the bad rows' (line, field)."""
    with WATCHLIST.open(encoding="utf-8") as f:
        listed = list(csv.DictReader(f))[:good]
    rows = [[f"OFAC-{p['id']}", p["name"], p["dob"], p["nationality"], p["sex"]] for p in listed]
    first = rows[0]
    rows += [
        ["BAD-1", first[1], "1985-13-40", "", ""],  # no 13th month
        ["BAD-2", first[1], "", "", "Q"],  # no such sex code
        ["BAD-3", "", "1960", "", ""],  # no name at all
        [first[0], "Someone ELSE", "", "", ""],  # the reference again
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    bad = [(str(good + 2), "dob"), (str(good + 3), "sex"), (str(good + 4), ""),
           (str(good + 5), "reference")]  # fmt: skip
    return out.getvalue().encode(), bad


def _upload(web: TestClient, content: bytes, name: str = "people.csv", **form: str) -> Any:
    csrf = csrf_of(web.get("/web/imports").text)
    data = {"csrf": csrf, "kind": "persons", **form}
    return web.post("/web/imports", data=data, files={"file": (name, content, "text/csv")})


def _finished(web: TestClient, job: str) -> dict[str, Any]:
    """Poll the progress as the page's script does until the import ends."""
    seen_states = []
    for _ in range(600):
        answer = web.get(f"/web/imports/{job}/progress", headers={"Accept": "application/json"})
        assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
        progress: dict[str, Any] = answer.json()
        seen_states.append(progress["state"])
        if progress["state"] not in ("queued", "running"):
            return progress
        time.sleep(0.1)
    raise AssertionError(f"the import never ended: {seen_states[-5:]}")


def _job_id(answer: Any) -> str:
    assert answer.status_code == 303, answer.text[:500]
    found = re.fullmatch(r"/web/imports/([0-9a-f]{16})", answer.headers["location"])
    assert found
    return found.group(1)


def _stored(store: Store, world: World) -> list[str]:
    items, _ = persons.list_page(store, world.ncb_a.principal, owner="FRA", limit=500)
    return sorted(i["reference"] for i in items)


def test_an_import_lands_with_its_rejects_and_again_writes_nothing(
    web: TestClient, world: World
) -> None:
    store = world.store
    content, bad = people_csv()
    sign_in(web, store, world.ncb_a.principal)
    job = _job_id(_upload(web, content))
    done = _finished(web, job)
    assert done["state"] == "done", done
    assert (done["read"], done["accepted"], done["written"]) == (GOOD + 4, GOOD, GOOD)
    assert done["rejected"] == 4 and done["rejects_url"] == f"/web/imports/{job}/rejects"
    assert len(_stored(store, world)) == GOOD and "OFAC-2674" in _stored(store, world)

    rejects = web.get(f"/web/imports/{job}/rejects")
    assert rejects.status_code == 200 and rejects.headers["cache-control"] == "no-store"
    assert rejects.headers["content-type"].startswith("text/csv")
    assert "people-rejects.csv" in rejects.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(rejects.text)))
    assert [(r["line"], r["field"]) for r in rows] == bad
    assert "month" in rows[0]["reason"] and "needs full_name" in rows[2]["reason"]
    assert "repeated" in rows[3]["reason"]

    page = web.get(f"/web/imports/{job}")
    assert page.status_code == 200 and "Done" in page.text and "data-progress-url" not in page.text

    again = _job_id(_upload(web, content))
    redone = _finished(web, again)
    assert (redone["state"], redone["written"], redone["unchanged"]) == ("done", 0, GOOD)
    assert len(_stored(store, world)) == GOOD  # nothing twice
    assert "The same file was imported before" in web.get(f"/web/imports/{again}").text
    listed = web.get("/web/imports").text
    assert listed.count(">Done</span>") == 2 and f"/web/imports/{job}" in listed


def test_no_other_country_or_role_learns_of_an_import(web: TestClient, world: World) -> None:
    store = world.store
    content, _ = people_csv()
    sign_in(web, store, world.ncb_a.principal)
    job = _job_id(_upload(web, content))
    assert _finished(web, job)["state"] == "done"
    for actor in (world.ncb_b, world.gs):
        sign_in(web, store, actor.principal)
        assert web.get(f"/web/imports/{job}/rejects").status_code == 404
        assert web.get(f"/web/imports/{job}").status_code == 404
        answer = web.get(f"/web/imports/{job}/progress", headers={"Accept": "application/json"})
        assert answer.status_code == 404 and "accepted" not in answer.text
    sign_in(web, store, world.ncb_b.principal)
    assert "people.csv" not in web.get("/web/imports").text
    csrf = csrf_of(web.get("/web/imports").text)
    assert web.post(f"/web/imports/{job}/delete", data={"csrf": csrf}).status_code == 404
    sign_in(web, store, world.ncb_a.principal)
    assert web.get(f"/web/imports/{job}/rejects").status_code == 200


def test_bad_uploads_are_refused_naming_the_field(web: TestClient, world: World) -> None:
    store = world.store
    sign_in(web, store, world.ncb_a.principal)
    header = _upload(web, b"reference,full_name,shoe_size\nR1,Jean DUPONT,44\n")
    assert header.status_code == 422 and "unknown column(s) shoe_size" in header.text
    assert 'id="file-error">' in header.text and "Our imports" in header.text
    empty = _upload(web, b"")
    assert empty.status_code == 422
    kind = _upload(web, b"reference\nR1\n", kind="spaceships")
    assert kind.status_code == 422 and 'id="kind-error"' in kind.text
    store.settings.web_import_max_bytes = limit = 100_000  # the page's own limit
    large = _upload(web, b"reference\n" + b"R1234567\n" * (limit // 9 + 10))
    assert large.status_code == 413 and "import it in parts" in large.text
    refused = web.post(
        "/web/imports", data={"kind": "persons"},
        files={"file": ("people.csv", b"reference,full_name\nR1,Jean\n", "text/csv")},
    )  # fmt: skip
    assert refused.status_code == 403
    assert "people.csv" not in web.get("/web/imports").text and _stored(store, world) == []


def test_an_interrupted_import_runs_again_to_its_end(web: TestClient, world: World) -> None:
    store = world.store
    content, _ = people_csv()
    sign_in(web, store, world.ncb_a.principal)
    job = _job_id(_upload(web, content))
    assert _finished(web, job)["state"] == "done"
    # As a server stopped mid-way leaves it: running, in a process that is gone.
    state = Path(store.settings.attachments_dir) / "imports" / "FRA" / job / "job.json"
    saved = json.loads(state.read_text())
    state.write_text(json.dumps(saved | {"state": "running", "pid": 2**22 + 7, "read": 10}))
    page = web.get(f"/web/imports/{job}")
    assert "Interrupted" in page.text and "Run it again" in page.text
    again = web.post(f"/web/imports/{job}/resume", data={"csrf": csrf_of(page.text)})
    assert again.status_code == 303
    done = _finished(web, job)
    assert (done["state"], done["written"], done["unchanged"]) == ("done", 0, GOOD)
    assert len(_stored(store, world)) == GOOD
    removed = web.post(f"/web/imports/{job}/delete", data={"csrf": csrf_of(page.text)})
    assert removed.status_code == 303 and not state.exists()
