"""Modeled Journeys routes: token exchange, segments with conditions, campaigns with workflows."""

from __future__ import annotations

from typing import Any

from emu_helpers import Api, FakeClock, email_campaign, error

from cioctl.emulator import LOCAL_APP_API_KEY

SEGMENTS = "/v1/environments/1/segments"
CAMPAIGNS = "/v1/environments/1/campaigns"


def dynamic(conditions: Any, name: str = "Pro") -> dict[str, Any]:
    return {"segment": {"name": name, "conditions": conditions}}


PRO = {"attribute": {"field": "plan", "operator": "eq", "value": "pro"}}


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


def test_segment_crud_with_conditions(api: Api, jwt: str) -> None:
    created = api("POST", SEGMENTS, token=jwt, json=dynamic(PRO))
    assert created.status_code == 200
    segment = created.json()["segment"]
    assert segment["type"] == "dynamic" and segment["conditions"] == PRO
    sid = segment["id"]
    app_view = api("GET", f"/v1/segments/{sid}").json()["segment"]
    assert "conditions" not in app_view and app_view["type"] == "dynamic"
    changed = {"or": [PRO, {"attribute": {"field": "plan", "operator": "in",
                                          "value": ["team"]}}]}
    updated = api("PUT", f"{SEGMENTS}/{sid}", token=jwt,
                  json={"segment": {"conditions": changed, "tags": ["x"]}})
    assert updated.json()["segment"]["conditions"] == changed
    assert updated.json()["segment"]["name"] == "Pro"
    got = api("GET", f"{SEGMENTS}/{sid}", token=jwt).json()["segment"]
    assert got == updated.json()["segment"]
    retype = api("PUT", f"{SEGMENTS}/{sid}", token=jwt, json={"segment": {"type": "manual"}})
    assert error(retype)["source"]["pointer"] == "/segment/type"
    assert api("DELETE", f"{SEGMENTS}/{sid}", token=jwt).status_code == 204
    assert api("GET", f"{SEGMENTS}/{sid}", token=jwt).status_code == 404
    assert api("DELETE", f"{SEGMENTS}/{sid}", token=jwt).status_code == 404


def test_condition_errors_point_at_the_node(api: Api, jwt: str) -> None:
    cases = [
        ({"and": [PRO, {"attribute": {"field": "plan", "operator": "gt"}}]},
         "/segment/conditions/and/1/attribute/value"),
        ({"and": []}, "/segment/conditions/and"),
        ({"segment": {"id": 99}}, "/segment/conditions/segment/id"),
        ({"nope": 1}, "/segment/conditions/nope"),
        ({"not": {"event": {"name": "e", "count_operator": "many", "count": 1}}},
         "/segment/conditions/not/event/count_operator"),
        ({"attribute": {"field": "a", "operator": "in", "value": "x"}},
         "/segment/conditions/attribute/value"),
        (None, "/segment/conditions"),
    ]
    for conditions, pointer in cases:
        response = api("POST", SEGMENTS, token=jwt, json=dynamic(conditions))
        assert response.status_code == 400, conditions
        assert error(response)["source"]["pointer"] == pointer


def test_condition_depth_and_cycles(api: Api, jwt: str) -> None:
    deep: dict[str, Any] = PRO
    for _ in range(10):
        deep = {"not": deep}
    assert api("POST", SEGMENTS, token=jwt, json=dynamic(deep)).status_code == 400
    first = api("POST", SEGMENTS, token=jwt, json=dynamic(PRO, "A")).json()["segment"]["id"]
    ref = {"segment": {"id": first}}
    second = api("POST", SEGMENTS, token=jwt, json=dynamic(ref, "B")).json()["segment"]["id"]
    cycle = api("PUT", f"{SEGMENTS}/{first}", token=jwt,
                json={"segment": {"conditions": {"segment": {"id": second}}}})
    assert cycle.status_code == 400


def test_segment_list_pages(api: Api, jwt: str) -> None:
    for i in range(5):
        api("POST", SEGMENTS, token=jwt, json={"segment": {"name": f"m{i}", "type": "manual"}})
    # evidence §3: ``size`` > 0 enables paging, pages are 0-based; without it, one list
    body = api("GET", SEGMENTS, token=jwt, params={"page": 1, "size": 2}).json()
    assert [s["name"] for s in body["segments"]] == ["m2", "m3"]
    assert body["meta"] == {"page": 1, "size": 2}
    last = api("GET", SEGMENTS, token=jwt, params={"page": 2, "size": 2}).json()
    assert [s["name"] for s in last["segments"]] == ["m4"]
    assert len(api("GET", SEGMENTS, token=jwt).json()["segments"]) == 5
    assert api("GET", SEGMENTS, token=jwt, params={"size": -1}).status_code == 400


def test_campaign_created_in_journeys_is_visible_and_editable_in_app_api(
    api: Api, jwt: str,
) -> None:
    created = api("POST", CAMPAIGNS, token=jwt, json=email_campaign(steps=2))
    assert created.status_code == 200
    campaign = created.json()["campaign"]
    steps = [s for s in campaign["workflow"] if s["type"] == "email"]
    assert all("content" not in s and isinstance(s["action_id"], int) for s in steps)
    app_campaign = api("GET", f"/v1/campaigns/{campaign['id']}").json()["campaign"]
    assert app_campaign["actions"] == [{"id": s["action_id"], "type": "email"} for s in steps]
    aid = steps[0]["action_id"]
    edited = api("PUT", f"/v1/campaigns/{campaign['id']}/actions/{aid}", json={"body": "new"})
    assert edited.status_code == 200
    again = api("GET", f"{CAMPAIGNS}/{campaign['id']}", token=jwt).json()["campaign"]
    assert again["workflow"] == campaign["workflow"]
    listed = api("GET", CAMPAIGNS, token=jwt).json()
    assert listed["meta"] == {"page": 0, "size": 20}  # §3: 20 a page, 0-based
    assert listed["campaigns"][0]["id"] == campaign["id"]


def test_campaign_workflow_update_matches_steps_by_name(api: Api, jwt: str) -> None:
    campaign = api("POST", CAMPAIGNS, token=jwt, json=email_campaign(steps=2)).json()["campaign"]
    cid = campaign["id"]
    old = {s["name"]: s["action_id"] for s in campaign["workflow"] if "name" in s}
    workflow = [
        {"type": "email", "name": "step-1", "content": {"subject": "Changed"}},
        {"type": "sms", "name": "text", "content": {"body": "Hi"}},
        {"type": "branch", "condition": PRO, "then": [{"type": "exit"}],
         "else": [{"type": "webhook", "name": "hook", "content": {
             "method": "put", "url": "https://example.test", "headers": [
                 {"name": "X", "value": "y"}]}}]},
    ]
    response = api("PUT", f"{CAMPAIGNS}/{cid}", token=jwt,
                   json={"campaign": {"workflow": workflow, "state": "running"}})
    assert response.status_code == 200, response.text
    updated = response.json()["campaign"]
    assert updated["workflow"][0]["action_id"] == old["step-1"]
    assert updated["first_started"] > 0 and updated["active"] is True
    actions = api("GET", f"/v1/campaigns/{cid}/actions").json()["actions"]
    assert [(a["name"], a["type"]) for a in actions] == [
        ("step-1", "email"), ("text", "twilio"), ("hook", "webhook")]
    assert actions[0]["subject"] == "Changed" and actions[2]["headers"] == '[{"name": "X", ' \
        '"value": "y"}]'
    assert api("GET", f"/v1/campaigns/{cid}/actions/{old['step-0']}").status_code == 404


def test_campaign_validation(api: Api, jwt: str) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"trigger": {"type": "event", "event_name": "e"}}, "/campaign/name"),
        ({"name": "x", "trigger": {"type": "form"}}, "/campaign/trigger/type"),
        ({"name": "x", "trigger": {"type": "segment", "segment_ids": [42]}},
         "/campaign/trigger/segment_ids/0"),
        ({"name": "x", "trigger": {"type": "event", "event_name": "e"},
          "workflow": [{"type": "email", "name": "a"}, {"type": "sms", "name": "a"}]},
         "/campaign/workflow/1/name"),
        ({"name": "x", "trigger": {"type": "event", "event_name": "e"},
          "workflow": [{"type": "email", "name": "a", "content": {"subject": 5}}]},
         "/campaign/workflow/0/content/subject"),
        ({"name": "x", "trigger": {"type": "event", "event_name": "e"},
          "filter": {"and": []}}, "/campaign/filter/and"),
        ({"name": "x", "trigger": {"type": "date", "date_attribute": "d", "frequency": "once",
                                   "start_hour": 25, "start_minutes": 0, "timezone": "UTC"}},
         "/campaign/trigger/start_hour"),
    ]
    for body, pointer in cases:
        response = api("POST", CAMPAIGNS, token=jwt, json={"campaign": body})
        assert response.status_code == 400, body
        assert error(response)["source"]["pointer"] == pointer
    assert api("GET", "/v1/campaigns").json() == {"campaigns": []}


def test_campaign_trigger_type_is_immutable_and_delete_removes_actions(
    api: Api, jwt: str,
) -> None:
    cid = api("POST", CAMPAIGNS, token=jwt, json=email_campaign()).json()["campaign"]["id"]
    sid = api("POST", SEGMENTS, token=jwt, json=dynamic(PRO)).json()["segment"]["id"]
    retrigger = {"campaign": {"trigger": {"type": "segment", "segment_ids": [sid]}}}
    assert api("PUT", f"{CAMPAIGNS}/{cid}", token=jwt, json=retrigger).status_code == 400
    filtered = {"campaign": {"filter": {"segment": {"id": sid}}}}
    api("PUT", f"{CAMPAIGNS}/{cid}", token=jwt, json=filtered)
    assert api("GET", f"/v1/campaigns/{cid}").json()["campaign"]["filter_segment_ids"] == [sid]
    assert api("DELETE", f"{CAMPAIGNS}/{cid}", token=jwt).status_code == 204
    assert api("GET", f"/v1/campaigns/{cid}/actions/1").status_code == 404
    assert api("DELETE", f"{CAMPAIGNS}/{cid}", token=jwt).status_code == 404
    assert api("PUT", f"{CAMPAIGNS}/{cid}", token=jwt, json=filtered).status_code == 404
