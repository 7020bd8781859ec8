"""The checks lane answers exactly as the FastAPI routes do: same auth, policy, audit, errors."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.security import HTTPBearer
from fastapi.testclient import TestClient
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from concord.api import create_app
from concord.api.deps import bearer_token
from concord.api.fastlane import ChecksLane
from concord.api.routers import checks
from concord.identifiers.mrz import format_td3
from concord.store import Store
from tests.api.conftest import bearer
from tests.conftest import World

STOLEN = {"number": "C01X00T47", "issuing_country": "DEU", "type": "passport", "status": "stolen"}
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def routed(store: Store) -> Iterator[TestClient]:
    """The same API without the lane: every check goes through FastAPI's routes."""
    with TestClient(create_app(settings=store.settings, store=store, checks_lane=False)) as c:
        yield c


def _report(client: TestClient, routed: TestClient, world: World) -> None:
    response = client.post("/documents", json=STOLEN, headers=bearer(world.ncb_b.token))
    assert response.status_code == 201, response.text
    for c in (client, routed):
        c.app.state.index.refresh()  # type: ignore[attr-defined]


def _post(client: TestClient, path: str, body: Any, headers: dict[str, str]) -> Any:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(path, content=content, headers=headers)


def _same(lane: Any, route: Any) -> None:
    """Same status, headers and body bytes (a hit's id differs: each check records one)."""
    assert lane.status_code == route.status_code, (lane.text, route.text)
    for name in ("content-type", "content-length", "www-authenticate"):
        assert lane.headers.get(name) == route.headers.get(name), name
    strip = re.compile(rb'"hit_id":\d+')
    assert strip.sub(b"", lane.content) == strip.sub(b"", route.content)


def _zone() -> str:
    return format_td3(
        document_code="P",
        issuing_state="D",
        surname="MUSTERMANN",
        given_names="ERIKA",
        document_number="C01X00T47",
        nationality="D",
        birth_date="640812",
        sex="F",
        expiry_date="301031",
    )


SINGLE_BODIES: list[Any] = [
    {"document": {"number": "C01X00T47", "issuing_country": "DEU"}},  # hit
    {"qid": 'é✓𝔸\u2028"\\', "document": {"number": "c01-x00-t47", "issuing_country": "D"}},
    {"document": {"number": "C01X00T48", "issuing_country": "DEU"}},  # miss
    {"qid": "", "document": {"number": "ÄÖ", "issuing_country": "DEU", "type": "passport"}},
    {"document": {"number": "C01X00T47", "issuing_country": "DEU", "type": "visa"}},
    {"document": {"number": "C01X00T47", "issuing_country": "DEU", "type": None}, "qid": None},
    {"document": {"number": "A1", "issuing_country": "QQQ"}},  # 422 from the checker
    {"document": {"number": "", "issuing_country": "DEU"}},
    {"document": {"number": "A1", "issuing_country": "DEU", "type": "licence"}},
    {"document": {"number": "A1", "issuing_country": "DEU", "colour": "red"}},  # to FastAPI
    {"document": {"number": "A" * 101, "issuing_country": "DEU"}},
    {"document": {"number": 42, "issuing_country": "DEU"}},
    {"document": None, "vin": "1M8GDM9AXKP042788"},
    {"mrz": _zone()},
    {"vin": "1M8GDM9AXKP042788", "imo": "9074729"},
    {},
    [],
    "text",
    b'{"document": {"number": "C01X00T47",',  # malformed JSON
    b'{"document": {"number": "\\ud800", "issuing_country": "DEU"}}',
    b"\xef\xbb\xbf" + b'{"document": {"number": "C01X00T47", "issuing_country": "DEU"}}',
    b'{"document": {"number": "C01X00T47", "issuing_country": "DEU"}, "qid": NaN}',
    b"",
]


@pytest.mark.parametrize("body", SINGLE_BODIES)
def test_single_checks_answer_as_the_route(
    client: TestClient, routed: TestClient, world: World, body: Any
) -> None:
    _report(client, routed, world)
    for actor in (world.frontline_a, world.partner_a, world.ccf, world.ncb_suspended):
        headers = {**JSON, **bearer(actor.token)}
        _same(_post(client, "/checks", body, headers), _post(routed, "/checks", body, headers))


@pytest.mark.parametrize(
    "headers",
    [
        JSON,
        {**JSON, "Authorization": "Bearer nonsense"},
        {**JSON, "Authorization": "Bearer cnd_" + "x" * 43},
        {**JSON, "Authorization": "Basic dXNlcjpwYXNz"},
        {**JSON, "Authorization": "Bearer"},
        {"Content-Type": "text/plain"},
        {"Content-Type": "application/json; charset=utf-8"},
        {"Content-Type": "application/problem+json"},
        {},
    ],
)
def test_auth_and_content_type_answer_as_the_route(
    client: TestClient, routed: TestClient, world: World, headers: dict[str, str]
) -> None:
    for body in (
        {"document": {"number": "C01X00T48", "issuing_country": "DEU"}},
        {"document": {"number": "C01X00T48", "issuing_country": "DEU"}, "shoe": 1},
        b"{not json",
    ):
        _same(_post(client, "/checks", body, headers), _post(routed, "/checks", body, headers))


def _manifest(n: int) -> list[dict[str, Any]]:
    numbers = ["C01X00T47", "c01-x00-t47", "C01001000", "Z1", "ÄÖ", "C01X00T47"]
    states = ["DEU", "D", "DEU", "DEU", "DEU", "QQQ"]
    return [
        {"qid": str(i), "document": {"number": numbers[i % 6], "issuing_country": states[i % 6]}}
        for i in range(n)
    ]


BATCH_BODIES: list[Any] = [
    {"items": _manifest(12)},
    {"items": [{"document": {"number": "C01X00T48", "issuing_country": "DEU", "type": "visa"}}]},
    {"items": [*_manifest(3), {"qid": "vin", "vin": "1M8GDM9AXKP042788"}]},
    {"items": [*_manifest(3), {"qid": "x", "document": {"number": 1, "issuing_country": "D"}}]},
    {"items": []},
    {"items": _manifest(10_001)},
    {"items": _manifest(2), "more": True},
    {"items": {"qid": "1"}},
    b'{"items": [',
]


@pytest.mark.parametrize("body", BATCH_BODIES)
def test_batches_answer_as_the_route(
    client: TestClient, routed: TestClient, world: World, body: Any
) -> None:
    _report(client, routed, world)
    for actor in (world.frontline_a, world.partner_a, world.ccf):
        headers = {**JSON, **bearer(actor.token)}
        _same(
            _post(client, "/checks/batch", body, headers),
            _post(routed, "/checks/batch", body, headers),
        )


# -- the lane on its own: it answers, without FastAPI behind it ------------------------


class _Behind:
    """Stands for FastAPI behind the lane: records what reached it and the body it got."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        self.bodies.append(body)
        await send({"type": "http.response.start", "status": 299, "headers": []})
        await send({"type": "http.response.body", "body": b""})


@pytest.fixture
def lane(client: TestClient) -> tuple[TestClient, _Behind]:
    behind = _Behind()
    app = ChecksLane(behind, checker=client.app.state.checker, routes=checks.router.routes)  # type: ignore[attr-defined]
    return TestClient(app), behind


def test_lane_answers_a_hit_and_a_miss_itself(
    client: TestClient, world: World, lane: tuple[TestClient, _Behind]
) -> None:
    response = client.post("/documents", json=STOLEN, headers=bearer(world.ncb_b.token))
    assert response.status_code == 201
    client.app.state.index.refresh()  # type: ignore[attr-defined]
    direct, behind = lane
    headers = bearer(world.frontline_a.token)
    hit = direct.post(
        "/checks",
        json={"qid": "P1", "document": {"number": "C01X00T47", "issuing_country": "D"}},
        headers=headers,
    )
    assert hit.status_code == 200, hit.text
    [match] = hit.json()["matches"]
    assert (hit.json()["qid"], match["owner"], match["kind"]) == ("P1", "DEU", "document")
    assert isinstance(match["hit_id"], int)
    assert match["record"]["created_at"].endswith("Z")
    miss = direct.post(
        "/checks",
        json={"document": {"number": "C01X00T48", "issuing_country": "DEU"}},
        headers=headers,
    )
    assert miss.status_code == 200
    assert miss.json()["hit"] is False and miss.json()["matches"] == []
    batch = direct.post("/checks/batch", json={"items": _manifest(6)}, headers=headers)
    assert [r["hit"] for r in batch.json()["results"]] == [True, True, False, False, False, False]
    assert behind.bodies == []


def test_lane_partner_answer_shape(
    client: TestClient, world: World, lane: tuple[TestClient, _Behind]
) -> None:
    client.post("/documents", json=STOLEN, headers=bearer(world.ncb_b.token))
    client.app.state.index.refresh()  # type: ignore[attr-defined]
    direct, behind = lane
    headers = bearer(world.partner_a.token)
    stolen = {"qid": "PAX1", "document": {"number": "C01X00T47", "issuing_country": "DEU"}}
    assert direct.post("/checks", json=stolen, headers=headers).json() == {
        "qid": "PAX1",
        "valid": False,
    }
    clean = {"document": {"number": "C01X00T99", "issuing_country": "DEU"}}
    assert direct.post("/checks", json=clean, headers=headers).json() == {
        "qid": None,
        "valid": True,
    }
    batch = direct.post("/checks/batch", json={"items": [stolen, clean]}, headers=headers)
    assert batch.json() == {
        "results": [{"qid": "PAX1", "valid": False}, {"qid": None, "valid": True}]
    }
    assert behind.bodies == []


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({}, 401, "unauthenticated"),
        ({"Authorization": "Bearer cnd_" + "x" * 43}, 401, "unauthenticated"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, 401, "unauthenticated"),
    ],
)
def test_lane_refuses_bad_tokens(
    lane: tuple[TestClient, _Behind], headers: dict[str, str], status: int, code: str
) -> None:
    direct, behind = lane
    body = {"document": {"number": "C01X00T47", "issuing_country": "DEU"}}
    response = direct.post("/checks", json=body, headers=headers)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert behind.bodies == []


def test_lane_refuses_a_role_without_checks(world: World, lane: tuple[TestClient, _Behind]) -> None:
    direct, behind = lane
    body = {"document": {"number": "C01X00T47", "issuing_country": "DEU"}}
    for actor in (world.ccf, world.ncb_suspended):
        response = direct.post("/checks", json=body, headers=bearer(actor.token))
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"
        batch = direct.post("/checks/batch", json={"items": [body]}, headers=bearer(actor.token))
        assert batch.status_code == 403
    assert behind.bodies == []


def test_lane_names_the_field_of_a_bad_document(
    world: World, lane: tuple[TestClient, _Behind]
) -> None:
    direct, _ = lane
    body = {"document": {"number": "A1", "issuing_country": "QQQ"}}
    response = direct.post("/checks", json=body, headers=bearer(world.frontline_a.token))
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "document.issuing_country"


@pytest.mark.parametrize(
    ("path", "body", "headers"),
    [
        ("/checks", b'{"document": {"number": "A1",', JSON),  # malformed JSON
        ("/checks", b'{"mrz": "P<UTO"}', JSON),  # another kind
        ("/checks", b'{"document": {"number": "A1", "issuing_country": "D"}}', {}),
        ("/checks/batch", b'{"items": [{"vin": "1M8GDM9AXKP042788"}]}', JSON),
        ("/checks/batch", b'{"items": []}', JSON),
        ("/checks/", b"{}", JSON),
        ("/persons", b"{}", JSON),
    ],
)
def test_lane_passes_on_what_it_does_not_answer_with_the_body(
    world: World, lane: tuple[TestClient, _Behind], path: str, body: bytes, headers: Any
) -> None:
    direct, behind = lane
    response = direct.post(
        path, content=body, headers={**headers, **bearer(world.frontline_a.token)}
    )
    assert response.status_code == 299
    assert behind.bodies == [body]


def test_lane_passes_on_other_methods(lane: tuple[TestClient, _Behind]) -> None:
    direct, behind = lane
    assert direct.get("/checks").status_code == 299
    assert behind.bodies == [b""]


def test_malformed_json_is_the_routes_error(client: TestClient, world: World) -> None:
    response = client.post(
        "/checks",
        content=b'{"document": {"number": "C01X00T47",',
        headers={**JSON, **bearer(world.frontline_a.token)},
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "malformed_json" and error["field"] == "[36]"


def test_oversized_bodies_are_refused(client: TestClient, world: World) -> None:
    limit = world.store.settings.max_body_bytes
    headers = {**JSON, **bearer(world.frontline_a.token)}
    number = "A" * (limit + 10)
    body = json.dumps({"document": {"number": number, "issuing_country": "DEU"}}).encode()
    response = client.post("/checks", content=body, headers=headers)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"

    def chunks() -> Iterator[bytes]:
        yield b'{"items": [{"document": {"number": "'
        for _ in range(limit // 65536 + 3):
            yield b"A" * 65536

    streamed = client.post("/checks/batch", content=chunks(), headers=headers)
    assert streamed.status_code == 413
    assert streamed.json()["error"]["code"] == "payload_too_large"


def test_lane_checks_are_audited_and_counted(client: TestClient, world: World) -> None:
    headers = bearer(world.frontline_a.token)
    body = {"qid": "Q7", "document": {"number": "C01X00T11", "issuing_country": "DEU"}}
    assert client.post("/checks", json=body, headers=headers).status_code == 200
    assert client.post("/checks/batch", json={"items": [body]}, headers=headers).status_code == 200
    world.store.audit.flush()
    events = client.get("/audit/events", headers=bearer(world.ccf.token)).json()["items"]
    checked = [e for e in events if e["action"] in ("check", "check.batch")]
    assert [(e["action"], e["outcome"], e["actor"]) for e in checked] == [
        ("check", "no_hit", "border.fra"),
        ("check.batch", "no_hit", "border.fra"),
    ]
    assert checked[0]["details"]["keys"] == ["D|DEU|C01X00T11"]
    metrics = client.get("/metrics").text
    for route in ("/checks", "/checks/batch"):
        assert re.search(
            rf'concord_http_requests_total\{{method="POST",route="{route}",status="200"\}} [1-9]',
            metrics,
        ), route


def test_openapi_still_documents_the_checks(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "post" in paths["/checks"] and "post" in paths["/checks/batch"]


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Bearer cnd_abc",
        "bearer cnd_abc",
        "BEARER   cnd_abc  ",
        "Bearer cnd_abc def",
        "Basic dXNlcjpwYXNz",
        " Bearer cnd_abc",
        "Bearer\tcnd_abc",
        "Token cnd_abc",
    ],
)
def test_bearer_token_reads_the_header_as_fastapi_does(value: str | None) -> None:
    headers = [] if value is None else [(b"authorization", value.encode("latin-1"))]
    request = Request({"type": "http", "headers": headers})
    credentials = asyncio.run(HTTPBearer(auto_error=False)(request))
    assert bearer_token(value) == (None if credentials is None else credentials.credentials)


@pytest.mark.parametrize("use_lane", [True, False])
def test_a_hit_waiting_for_the_database_never_holds_up_a_miss(
    store: Store, world: World, use_lane: bool
) -> None:
    """A hit's write waits for the lock in a worker thread; the event loop keeps answering."""
    import httpx

    with TestClient(create_app(settings=store.settings, store=store, checks_lane=use_lane)) as c:
        _report(c, c, world)
        headers = bearer(world.frontline_a.token)
        hit = {"document": {"number": "C01X00T47", "issuing_country": "DEU"}}
        miss = {"document": {"number": "C01X00T48", "issuing_country": "DEU"}}

        async def scenario() -> tuple[int, bool, dict[str, Any]]:
            transport = httpx.ASGITransport(app=c.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                with store.write() as blocker:
                    # Another writer holds what recording a hit needs (SQLite: the
                    # database's write lock; PostgreSQL: the hits table).
                    if not store.is_sqlite:
                        blocker.exec_driver_sql("LOCK TABLE hits IN EXCLUSIVE MODE")
                    waiting = asyncio.create_task(client.post("/checks", json=hit, headers=headers))
                    await asyncio.sleep(0.3)  # let the hit reach the lock
                    answered = await asyncio.wait_for(
                        client.post("/checks", json=miss, headers=headers), timeout=30
                    )
                    hit_still_waiting = not waiting.done()
                found = await asyncio.wait_for(waiting, timeout=60)
            return answered.status_code, hit_still_waiting, found.json()

        status, hit_still_waiting, found = asyncio.run(scenario())
    assert status == 200
    assert hit_still_waiting
    assert found["hit"] is True
