"""App API: auth, segments, campaigns and actions (paging, headers quirk, language variants)."""

from __future__ import annotations

import json

from emu_helpers import Api, J, build_flow, email_flow, error, segment_recipients


def test_missing_or_wrong_key_is_401_shape_a(api: Api) -> None:
    for key in (None, "wrong-key"):
        response = Api(api.app, key)("GET", "/v1/segments")
        assert response.status_code == 401
        assert error(response)["status"] == "401"


def test_ip_addresses_need_no_auth(api: Api) -> None:
    response = Api(api.app, None)("GET", "/v1/info/ip_addresses")
    assert response.status_code == 200 and response.json()["ip_addresses"]


def test_unknown_route_and_method_are_shape_a(api: Api) -> None:
    assert error(api("GET", "/v1/nothing"))["status"] == "404"
    assert api("PATCH", "/v1/segments").status_code == 405


def test_bad_json_is_400_shape_a(api: Api) -> None:
    response = api("POST", "/v1/segments", content=b"{nope",
                   headers={"content-type": "application/json"})
    assert response.status_code == 400 and error(response)["status"] == "400"


def test_manual_segment_lifecycle(api: Api) -> None:
    created = api("POST", "/v1/segments",
                  json={"segment": {"name": "Beta", "description": "b", "extra": 1}})
    assert created.status_code == 200
    segment = created.json()["segment"]
    assert segment["type"] == "manual" and "conditions" not in segment
    assert segment["deduplicate_id"] == f"{segment['id']}:{segment['updated_at']}"
    sid = segment["id"]
    assert api("GET", "/v1/segments").json()["segments"] == [segment]
    assert api("GET", f"/v1/segments/{sid}").json() == {"segment": segment}
    assert api("GET", f"/v1/segments/{sid}/customer_count").json() == {"segment_id": sid,
                                                                       "count": 0}
    members = api("GET", f"/v1/segments/{sid}/membership").json()
    assert members["identifiers"] == [] and members["ids"] == []
    used = api("GET", f"/v1/segments/{sid}/used_by").json()
    assert used == {"segment_id": sid, "used_by": {"campaigns": [], "draft_newsletters": [],
                                                  "sent_newsletters": []}}
    deleted = api("DELETE", f"/v1/segments/{sid}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert api("GET", f"/v1/segments/{sid}").status_code == 404
    assert api("DELETE", f"/v1/segments/{sid}").status_code == 404
    for suffix in ("used_by", "customer_count", "membership"):
        assert api("GET", f"/v1/segments/{sid}/{suffix}").status_code == 404


def test_segment_create_needs_wrapper_and_name(api: Api) -> None:
    assert api("POST", "/v1/segments", json={"name": "x"}).status_code == 400
    response = api("POST", "/v1/segments", json={"segment": {"description": "x"}})
    assert response.status_code == 400
    assert error(response)["source"]["pointer"] == "/segment/name"


def test_used_by_lists_campaigns(api: Api, jwt: str) -> None:
    sid = api("POST", "/v1/segments", json={"segment": {"name": "S"}}).json()["segment"]["id"]
    cid, _ = build_flow(api, jwt, [], name="C", recipients=segment_recipients(sid))
    assert api("GET", f"/v1/segments/{sid}/used_by").json()["used_by"]["campaigns"] == [cid]
    campaign = api("GET", f"/v1/campaigns/{cid}").json()["campaign"]
    assert campaign["type"] == "segment" and campaign["trigger_segment_ids"] == [sid]


def test_campaign_reads_and_errors(api: Api, jwt: str) -> None:
    cid, (aid,) = email_flow(api, jwt)
    campaigns = api("GET", "/v1/campaigns").json()["campaigns"]
    assert [c["type"] for c in campaigns] == ["event"]
    assert campaigns[0]["event_name"] == "signed_up"
    assert api("GET", "/v1/campaigns/abc").status_code == 400
    assert api("GET", "/v1/campaigns/999").status_code == 404
    assert api("GET", "/v1/campaigns/999/actions").status_code == 404
    assert api("GET", f"/v1/campaigns/{cid}/actions/999").status_code == 404
    assert api("GET", f"/v1/campaigns/{cid}/actions/x").status_code == 400
    assert api("GET", f"/v1/campaigns/{cid}/actions/{aid}").status_code == 200
    assert api("GET", f"{J}/campaigns/{cid}", token=jwt).status_code == 200


def test_actions_page_ten_at_a_time(api: Api, jwt: str) -> None:
    cid, _ = email_flow(api, jwt, steps=23)
    pages, start = [], ""
    while True:
        body = api("GET", f"/v1/campaigns/{cid}/actions",
                   params={"start": start} if start else {})
        pages.append(body.json()["actions"])
        start = body.json()["next"]
        if not start:
            break
    assert [len(p) for p in pages] == [10, 10, 3]
    names = [a["name"] for page in pages for a in page]
    assert names == [f"step-{i}" for i in range(23)]
    assert api("GET", f"/v1/campaigns/{cid}/actions", params={"start": "zz"}).status_code == 400


def test_action_put_unwrapped_headers_become_a_string(api: Api, jwt: str) -> None:
    cid, (aid,) = email_flow(api, jwt)
    url = f"/v1/campaigns/{cid}/actions/{aid}"
    headers = [{"name": "X-Test", "value": "1"}]
    response = api("PUT", url,
                   json={"subject": "New", "headers": headers, "unknown": True})
    assert response.status_code == 200
    action = response.json()["action"]
    assert action["subject"] == "New"
    assert isinstance(action["headers"], str) and json.loads(action["headers"]) == headers
    assert api("GET", url).json()["action"] == action
    bad = api("PUT", url, json={"headers": "X-Test: 1"})
    assert bad.status_code == 400 and error(bad)["source"]["pointer"] == "/headers"
    bad = api("PUT", url, json={"sending_state": "paused"})
    assert bad.status_code == 400
    assert api("PUT", url, json=[1]).status_code == 400


def test_language_variants_are_absent(api: Api, jwt: str) -> None:
    cid, (aid,) = email_flow(api, jwt)
    url = f"/v1/campaigns/{cid}/actions/{aid}/language/fr"
    assert api("GET", url).status_code == 404
    assert api("PUT", url, json={}).status_code == 404


def test_broadcasts_empty_unless_seeded(api: Api) -> None:
    from cioctl.emulator.broadcasts import seed_broadcast

    assert api("GET", "/v1/broadcasts").json() == {"broadcasts": []}
    assert api("POST", "/v1/campaigns/1/triggers", json={}).status_code == 404
    broadcast = seed_broadcast(api.app.state.workspace.store, "Promo")
    bid = broadcast["id"]
    assert api("GET", f"/v1/broadcasts/{bid}").json()["broadcast"]["name"] == "Promo"
    actions = api("GET", f"/v1/broadcasts/{bid}/actions").json()["actions"]
    assert len(actions) == 1
    one = api("GET", f"/v1/broadcasts/{bid}/actions/{actions[0]['id']}")
    assert one.json()["action"] == actions[0]
    trigger = api("POST", f"/v1/campaigns/{bid}/triggers", json={"data": {}})
    assert trigger.status_code == 200 and isinstance(trigger.json()["id"], int)
    assert len(api("GET", f"/v1/broadcasts/{bid}/triggers").json()["triggers"]) == 1


def test_action_put_writes_only_the_documented_fields(api: Api, jwt: str) -> None:
    cid, (aid,) = build_flow(api, jwt, [("push_action", "p", {
        "body_json": json.dumps({"title": "Hi", "body": "b"})})])
    response = api("PUT", f"/v1/campaigns/{cid}/actions/{aid}",
                   json={"title": "Changed", "body": "c"})
    assert response.status_code == 200
    action = response.json()["action"]
    # title lives in the template's body_json (docs/journeys-wire.md D11), not an App API field
    assert action["body"] == "c" and "title" not in action
    assert json.loads(action["body_json"])["title"] == "Hi"
