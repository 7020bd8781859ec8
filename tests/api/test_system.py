"""Health, metrics and the OpenAPI document."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import bearer
from tests.conftest import World


def test_health(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok", "database": "ok", "version": "0.1.0"}


def test_metrics_count_requests_by_route(client: TestClient, world: World) -> None:
    client.get("/persons/12345", headers=bearer(world.ncb_a.token))
    text = client.get("/metrics").text
    assert (
        'concord_http_requests_total{method="GET",route="/persons/{record_id}",status="404"}'
        in text
    )
    assert "concord_http_request_seconds_bucket" in text


def test_openapi_and_docs(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {
        "/persons",
        "/persons/{record_id}",
        "/auth/token",
        "/users",
        "/countries",
        "/audit/events",
        "/audit/verify",
        "/health",
    } <= set(spec["paths"])
    assert "ErrorResponse" in spec["components"]["schemas"]
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


def test_audit_verify_endpoint(client: TestClient, world: World) -> None:
    response = client.get("/audit/verify", headers=bearer(world.ccf.token))
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True and body["checked"] > 0
    assert client.get("/audit/verify", headers=bearer(world.ncb_a.token)).status_code == 403
