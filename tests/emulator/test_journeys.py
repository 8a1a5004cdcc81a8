"""Journeys routes: token exchange, JWTs, read-only sessions (evidence §1)."""

from __future__ import annotations

from typing import Any

from emu_helpers import Api, FakeClock, error

from cioctl.emulator import LOCAL_APP_API_KEY

SEGMENTS = "/v1/environments/1/segments"


def dynamic(conditions: Any, name: str = "Pro") -> dict[str, Any]:
    return {"segment": {"name": name, "type": "dynamic", "conditions": conditions}}


PRO = {"and": [{"or": [{"event": {"type": "attribute_change", "name": "plan", "filters": {
    "and": [{"field": "to", "operator": "eq", "value": "pro"}]}}}]}]}


def test_token_exchange(api: Api) -> None:
    response = api("POST", "/v1/service_accounts/oauth/token",
                   data={"grant_type": "client_credentials", "client_secret": "nope"})
    assert response.status_code == 401 and error(response)["status"] == "401"
    token = api.jwt()
    assert token.startswith("eyJ") and token.count(".") == 2
    body = api("GET", "/v1/accounts/current", token=token).json()
    assert body == {"account": {"id": 1, "data_center": "us"}}
    env = api("GET", "/v1/environments/1", token=token).json()["environment"]
    assert env["id"] == 1 and env["region"] == "us"
    assert api("GET", "/v1/environments/2", token=token).status_code == 404


def test_journeys_need_a_valid_jwt(api: Api, clock: FakeClock) -> None:
    assert api("GET", SEGMENTS, token=LOCAL_APP_API_KEY).status_code == 401
    assert api("GET", SEGMENTS, token="eyJ.forged.token").status_code == 401
    token = api.jwt()
    assert api("GET", "/v1/segments", token=token).status_code == 401
    assert api("GET", SEGMENTS, token=token).status_code == 200
    clock.now += 3601
    assert api("GET", SEGMENTS, token=token).status_code == 401


def test_read_only_token_cannot_write(api: Api) -> None:
    token = api.jwt("read_only")
    assert api("GET", SEGMENTS, token=token).status_code == 200
    response = api("POST", SEGMENTS, token=token, json=dynamic(PRO))
    assert response.status_code == 403 and error(response)["status"] == "403"
