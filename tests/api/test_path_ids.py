"""An id past its column's range is a 422 naming the parameter, on both stores (on
PostgreSQL it used to overflow the query: a 500)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import bearer
from tests.conftest import World

HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    ("method", "path", "parameter"),
    [
        ("GET", f"/users/{HUGE}", "user_id"),
        ("POST", f"/users/{HUGE}/disable", "user_id"),
        ("DELETE", f"/auth/tokens/{HUGE}", "token_id"),
        ("GET", f"/hits/{HUGE}", "hit_id"),
        ("GET", f"/persons/{HUGE}", "record_id"),
        ("DELETE", f"/persons/{HUGE}", "record_id"),
        ("GET", f"/documents/{HUGE}", "record_id"),
        ("GET", f"/vehicles/{HUGE}", "record_id"),
    ],
)
def test_an_id_out_of_range_is_refused_by_name(
    client: TestClient, world: World, method: str, path: str, parameter: str
) -> None:
    answer = client.request(method, path, headers=bearer(world.gs.token))
    assert answer.status_code == 422, answer.text
    assert parameter in answer.text
    fits = client.request(method, path.replace(HUGE, "2147483647"), headers=bearer(world.gs.token))
    assert fits.status_code in (403, 404)  # in range: the usual answer for no such thing
