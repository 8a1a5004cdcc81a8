"""The embedded workspace's Journeys routes against the evidence page, over HTTP (not through
cioctl's client): segments (§4), campaign concerns (§5), errors (§2) and the workspace setting.
The contract is docs/journeys-wire.md ("Decisions where the evidence is silent", D1-D14).
Workflow graphs and content: test_journeys_evidence_graph.py."""

from __future__ import annotations

from typing import Any

import httpx
from emu_helpers import Api, J, b64, build_flow, email_flow, event_recipients, segment_recipients

from cioctl.emulator import FaultSpec

SEGMENTS = f"{J}/segments"
CAMPAIGNS = f"{J}/campaigns"


def to_leaf(name: str, value: str, inverse: bool = False) -> dict[str, Any]:
    """A person-attribute leaf: ``attribute_change`` on ``to`` (§4)."""
    return {"event": {"type": "attribute_change", "name": name, "filters": {"and": [
        {"field": "to", "operator": "eq", "value": value, "inverse": False}]}},
        "times": 1, "within": 0, "inverse": inverse}


def dynamic(conditions: Any, name: str = "Pro", **extra: Any) -> dict[str, Any]:
    return {"segment": {"name": name, "type": "dynamic", "conditions": conditions, **extra}}


PRO = {"and": [{"or": [to_leaf("plan", "pro")]}]}


def errors_map(response: httpx.Response) -> dict[str, list[str]]:
    """The 422 map shape ``{"errors": {"field": ["message"]}}`` (§2)."""
    assert response.status_code == 422, response.text
    body: dict[str, dict[str, list[str]]] = response.json()
    assert list(body) == ["errors"] and isinstance(body["errors"], dict)
    return body["errors"]


def strip_ids(tree: Any) -> Any:
    if isinstance(tree, list):
        return [strip_ids(item) for item in tree]
    if isinstance(tree, dict):
        return {k: strip_ids(v) for k, v in tree.items()
                if not (k == "id" and "type" in tree and "name" in tree)}
    return tree


def is_500(response: httpx.Response) -> bool:
    return response.status_code == 500 and response.json()["errors"][0]["status"] == "500"


# --- segments (§4) --------------------------------------------------------------------------

def test_cnf_segment_is_stored_and_read_back(api: Api, jwt: str) -> None:
    tag = api("POST", f"{J}/tags", token=jwt, json={"tag": {"name": "t"}}).json()["tag"]
    base = api("POST", SEGMENTS, token=jwt, json=dynamic(PRO)).json()["segment"]
    event = {"event": {"type": "event", "name": "feature_used", "filters": {"and": [
        {"field": "feature", "operator": "eq", "value": "export", "inverse": False}]}},
        "times": 3, "within": 2592000, "inverse": False}
    conditions = {"and": [{"or": [event, to_leaf("plan", "free", inverse=True)]},
                          {"segment": {"id": base["id"]}, "inverse": True}]}  # bare group
    created = api("POST", SEGMENTS, token=jwt,
                  json=dynamic(conditions, "Engaged", tag_ids=[tag["id"]]))
    assert created.status_code == 200, created.text
    segment = created.json()["segment"]
    assert strip_ids(segment["conditions"]) == conditions and segment["tag_ids"] == [tag["id"]]
    first_leaf = segment["conditions"]["and"][0]["or"][0]["event"]
    assert isinstance(first_leaf["id"], int)  # read-back leaves carry a catalog id (§4, S8)
    echoed = api("PUT", f"{SEGMENTS}/{segment['id']}", token=jwt,
                 json=dynamic(segment["conditions"], "Engaged", tag_ids=[tag["id"]]))
    assert echoed.status_code == 200 and echoed.json()["segment"]["conditions"] == \
        segment["conditions"]  # writing the id back is harmless; it is never stored
    assert segment["type"] == "dynamic" and segment["state"] == "build"
    read = api("GET", f"{SEGMENTS}/{segment['id']}", token=jwt).json()["segment"]
    assert read == {**segment, "updated_at": read["updated_at"]}
    app = api("GET", f"/v1/segments/{segment['id']}").json()["segment"]
    assert app["tags"] == ["t"] and "conditions" not in app


def test_malformed_condition_trees_answer_500_and_store_nothing(api: Api, jwt: str) -> None:
    leaf = to_leaf("plan", "pro")
    bare_attribute = {"attribute": {"field": "plan", "operator": "eq", "value": "pro"}}
    numeric = to_leaf("age", "1")
    numeric["event"]["filters"]["and"][0]["value"] = 1
    unknown_type = {**leaf, "event": {**leaf["event"], "type": "page_view_x"}}
    for tree in (
        {"and": [{"or": [bare_attribute]}]},          # the bare attribute leaf (S13)
        {"and": [bare_attribute]},
        {"and": [{"not": leaf}]},                      # no `not` node: negation is `inverse`
        {"or": [leaf]},                                # root must be `and`
        {"and": [{"or": [{"and": [leaf]}]}]},         # not CNF
        {"and": []},
        {"and": [{"or": [numeric]}]},                  # values are strings
        {"and": [{"or": [unknown_type]}]},
        {"and": [{"or": [{**leaf, "times": 0}]}]},
    ):
        assert is_500(api("POST", SEGMENTS, token=jwt, json=dynamic(tree))), tree
    assert api("GET", SEGMENTS, token=jwt).json()["segments"] == []


def test_segment_references_must_exist_and_not_cycle(api: Api, jwt: str) -> None:
    missing = {"and": [{"segment": {"id": 99}}]}
    assert "conditions" in errors_map(api("POST", SEGMENTS, token=jwt, json=dynamic(missing)))
    a = api("POST", SEGMENTS, token=jwt, json=dynamic(PRO, "A")).json()["segment"]["id"]
    b = api("POST", SEGMENTS, token=jwt,
            json=dynamic({"and": [{"segment": {"id": a}}]}, "B")).json()["segment"]["id"]
    chained = api("POST", SEGMENTS, token=jwt, json=dynamic({"and": [{"segment": {"id": b}}]}))
    assert chained.status_code == 200  # chains are allowed (clarification 1)
    cycle = api("PUT", f"{SEGMENTS}/{a}", token=jwt,
                json=dynamic({"and": [{"segment": {"id": b}}]}, "A"))
    errors_map(cycle)


def test_put_needs_the_whole_segment(api: Api, jwt: str) -> None:
    created = api("POST", SEGMENTS, token=jwt, json=dynamic(PRO, description="d"))
    sid = created.json()["segment"]["id"]
    assert "conditions" in errors_map(
        api("PUT", f"{SEGMENTS}/{sid}", token=jwt,
            json={"segment": {"name": "Pro", "type": "dynamic"}}))
    assert "name" in errors_map(api("PUT", f"{SEGMENTS}/{sid}", token=jwt,
                                    json={"segment": {"type": "dynamic", "conditions": PRO}}))
    assert "type" in errors_map(api("PUT", f"{SEGMENTS}/{sid}", token=jwt,
                                    json={"segment": {"name": "Pro", "type": "static"}}))
    put = api("PUT", f"{SEGMENTS}/{sid}", token=jwt, json=dynamic(PRO, "Renamed"))
    assert put.status_code == 200
    assert put.json()["segment"]["description"] == ""  # omitted → reset, not kept


def test_static_segments(api: Api, jwt: str) -> None:
    created = api("POST", SEGMENTS, token=jwt, json={"segment": {"name": "Beta",
                                                                 "type": "static"}})
    assert created.status_code == 200
    segment = created.json()["segment"]
    assert segment["type"] == "static" and segment["conditions"] is None
    assert api("GET", f"/v1/segments/{segment['id']}").json()["segment"]["type"] == "manual"
    with_conditions = {"segment": {"name": "X", "type": "static", "conditions": PRO}}
    assert "conditions" in errors_map(api("POST", SEGMENTS, token=jwt, json=with_conditions))
    assert "type" in errors_map(api("POST", SEGMENTS, token=jwt,
                                    json={"segment": {"name": "X", "type": "manual"}}))


def test_build_state_after_each_write_then_complete(api: Api, jwt: str) -> None:
    sid = api("POST", SEGMENTS, token=jwt, json=dynamic(PRO)).json()["segment"]["id"]
    status = f"{SEGMENTS}/{sid}/status"
    assert api("GET", f"{SEGMENTS}/{sid}", token=jwt).json()["segment"]["state"] == "build"
    assert api("GET", status, token=jwt).json() == {"state": "build"}
    assert api("GET", status, token=jwt).json() == {"state": "complete"}
    assert api("GET", f"{SEGMENTS}/{sid}", token=jwt).json()["segment"]["state"] == "complete"
    api("PUT", f"{SEGMENTS}/{sid}", token=jwt, json=dynamic(PRO))
    assert api("GET", status, token=jwt).json() == {"state": "build"}


def test_build_delay_fault_lengthens_the_build(make_app: Any) -> None:
    api = Api(make_app(faults=FaultSpec.parse("build_delay=3")))
    jwt = api.jwt()
    sid = api("POST", SEGMENTS, token=jwt, json=dynamic(PRO)).json()["segment"]["id"]
    states = [api("GET", f"{SEGMENTS}/{sid}/status", token=jwt).json()["state"]
              for _ in range(4)]
    assert states == ["build", "build", "build", "complete"]


def test_segment_delete_then_404(api: Api, jwt: str) -> None:
    sid = api("POST", SEGMENTS, token=jwt, json=dynamic(PRO)).json()["segment"]["id"]
    assert api("DELETE", f"{SEGMENTS}/{sid}", token=jwt).status_code == 204
    assert api("GET", f"{SEGMENTS}/{sid}", token=jwt).status_code == 404


# --- campaign concerns (§5) -----------------------------------------------------------------

def new_campaign(api: Api, jwt: str, name: str = "Flow") -> int:
    response = api("POST", CAMPAIGNS, token=jwt, json={"campaign": {"name": name,
                                                                    "type": "none"}})
    assert response.status_code == 200, response.text
    campaign = response.json()["campaign"]
    assert campaign["type"] == "none" and campaign["state"] == "draft"
    assert campaign["workflow_action_ids"] == []
    return int(campaign["id"])


def put(api: Api, jwt: str, cid: int, body: dict[str, Any]) -> httpx.Response:
    return api("PUT", f"{CAMPAIGNS}/{cid}", token=jwt, json=body)


def read(api: Api, jwt: str, cid: int) -> dict[str, Any]:
    body: dict[str, Any] = api("GET", f"{CAMPAIGNS}/{cid}", token=jwt).json()
    assert set(body) == {"campaign", "actions", "edges", "tags"}
    return body


def test_create_only_with_type_none(api: Api, jwt: str) -> None:
    for body in ({"name": "F", "type": "behavioral"}, {"name": "F"}):
        assert "type" in errors_map(api("POST", CAMPAIGNS, token=jwt, json={"campaign": body}))
    assert "name" in errors_map(api("POST", CAMPAIGNS, token=jwt,
                                    json={"campaign": {"type": "none"}}))
    new_campaign(api, jwt)


def test_recipients_is_a_full_replace(api: Api, jwt: str) -> None:
    cid = new_campaign(api, jwt)
    filters = b64([{"type": "attribute", "field": "email", "operator": "exists"}])
    response = put(api, jwt, cid, event_recipients(filters=filters, restart_mode="rematch"))
    assert response.status_code == 200, response.text
    campaign = read(api, jwt, cid)["campaign"]
    assert campaign["filters"] == filters and campaign["restart_mode"] == "rematch"
    body = event_recipients()
    del body["campaign"]["filters"], body["campaign"]["restart_mode"]
    assert put(api, jwt, cid, body).status_code == 200
    campaign = read(api, jwt, cid)["campaign"]
    assert campaign["filters"] == "JTVCJTVE" and campaign["restart_mode"] == "never"  # reset


def test_setting_the_trigger_creates_the_system_actions(api: Api, jwt: str) -> None:
    sid = api("POST", SEGMENTS, token=jwt, json=dynamic(PRO)).json()["segment"]["id"]
    seg_flow, event_flow = new_campaign(api, jwt), new_campaign(api, jwt, "E")
    assert put(api, jwt, seg_flow, segment_recipients(sid)).status_code == 200
    body = read(api, jwt, seg_flow)
    gate, exit_action = body["actions"]
    assert (gate["type"], exit_action["type"]) == ("filter_match_delay_action", "exit_action")
    assert body["edges"] == [{"from": gate["id"], "to": exit_action["id"], "type": "continue"}]
    assert body["campaign"]["workflow_action_ids"] == [gate["id"], exit_action["id"]]
    put(api, jwt, event_flow, event_recipients())
    assert [a["type"] for a in read(api, jwt, event_flow)["actions"]] == ["exit_action"]


def test_trigger_type_is_immutable_and_fields_are_checked(api: Api, jwt: str) -> None:
    sid = api("POST", SEGMENTS, token=jwt, json=dynamic(PRO)).json()["segment"]["id"]
    cid = new_campaign(api, jwt)
    assert put(api, jwt, cid, event_recipients()).status_code == 200
    assert "type" in errors_map(put(api, jwt, cid, segment_recipients(sid)))
    double = segment_recipients(sid, trigger=b64({"and": [{"segment": {"id": sid}}]}))
    assert "trigger" in errors_map(put(api, jwt, new_campaign(api, jwt, "D"), double))
    assert "attribute_filters" in errors_map(
        put(api, jwt, cid, event_recipients(attribute_filters=b64({}))))
    assert "restart_mode" in errors_map(put(api, jwt, cid, event_recipients(restart_mode="x")))
    assert "event" in errors_map(put(api, jwt, cid, event_recipients(event=None)))
    assert "update_type" in errors_map(put(api, jwt, cid, {"campaign": {"update_type": "x"}}))
    bad_operator = b64([{"type": "attribute", "field": "a", "operator": "like", "value": "x"}])
    assert "filters" in errors_map(put(api, jwt, cid, event_recipients(filters=bad_operator)))


def test_malformed_filters_string_is_stored_as_null(api: Api, jwt: str) -> None:
    cid = new_campaign(api, jwt)
    assert put(api, jwt, cid, event_recipients(filters="%%not base64%%")).status_code == 200
    assert read(api, jwt, cid)["campaign"]["filters"] is None  # silently (§2, S11)


def test_fields_under_the_wrong_update_type_are_dropped(api: Api, jwt: str) -> None:
    sid = api("POST", SEGMENTS, token=jwt, json=dynamic(PRO)).json()["segment"]["id"]
    cid = new_campaign(api, jwt)
    exits = [{"segment": {"id": sid}}]
    response = put(api, jwt, cid, event_recipients(global_exit_conditions=exits, name="New"))
    assert response.status_code == 200
    campaign = read(api, jwt, cid)["campaign"]
    assert campaign["global_exit_conditions"] == [] and campaign["name"] == "Flow"
    body = {"update_type": "exit_conditions", "global_exit_conditions": exits,
            "exit_on_trigger_or_filter_not_matched": True, "restart_mode": "rematch"}
    assert put(api, jwt, cid, {"campaign": body}).status_code == 200
    campaign = read(api, jwt, cid)["campaign"]
    assert campaign["global_exit_conditions"] == exits and campaign["restart_mode"] == "never"


def test_exit_and_conversion(api: Api, jwt: str) -> None:
    cid = new_campaign(api, jwt)
    goal = {"type": "event", "event_name": "purchased", "window": 14 * 86400}
    body = {"update_type": "exit_and_conversion", "conversion": goal, "exit_on_conversion": True}
    assert put(api, jwt, cid, {"campaign": body}).status_code == 200
    campaign = read(api, jwt, cid)["campaign"]
    assert campaign["conversion"] == goal and campaign["exit_on_conversion"] is True
    too_long = {**body, "conversion": {**goal, "window": 91 * 86400}}
    assert "conversion" in errors_map(put(api, jwt, cid, {"campaign": too_long}))


def test_state_changes(api: Api, jwt: str) -> None:
    def state(cid: int, value: str) -> httpx.Response:
        return put(api, jwt, cid, {"campaign": {"update_type": "state", "state": value}})

    bare = new_campaign(api, jwt, "Bare")
    assert "state" in errors_map(state(bare, "running"))  # no trigger yet
    cid, _ = email_flow(api, jwt)
    assert "state" in errors_map(state(cid, "stopped"))
    assert state(cid, "running").status_code == 200
    campaign = read(api, jwt, cid)["campaign"]
    assert campaign["state"] == "running" and campaign["first_started"] > 0
    assert "state" in errors_map(state(cid, "draft"))
    assert state(cid, "stopped").status_code == 200
    assert state(cid, "running").status_code == 200


def test_live_data_setting_refuses_live_edits_with_403(api: Api, jwt: str) -> None:
    sid = api("POST", SEGMENTS, token=jwt, json=dynamic(PRO)).json()["segment"]["id"]
    cid, (aid,) = build_flow(api, jwt, [("email_action", "m", {"subject": "s"})],
                             recipients=segment_recipients(sid))
    start = {"campaign": {"update_type": "state", "state": "running"}}
    assert put(api, jwt, cid, start).status_code == 200
    settings = {"settings": {"allow_agent_edit_live_data": False}}
    assert api("PUT", f"{J}/settings/workspace", token=jwt, json=settings).status_code == 200
    assert api("GET", f"{J}/settings/workspace", token=jwt).json() == settings
    (template_id,) = [a["template_id"] for a in read(api, jwt, cid)["actions"] if a["name"]]
    refused = [
        put(api, jwt, cid, {"campaign": {"update_type": "state", "state": "stopped"}}),
        put(api, jwt, cid, {"campaign": {"update_type": "details", "name": "x"}}),
        api("PUT", f"{J}/actions/{aid}", token=jwt,
            json={"action": {"type": "email_action", "sending_state": "draft"}}),
        api("PUT", f"{J}/templates/{template_id}", token=jwt, json={"template": {"body": "b"}}),
        api("PUT", f"{SEGMENTS}/{sid}", token=jwt, json=dynamic(PRO)),
        api("DELETE", f"{SEGMENTS}/{sid}", token=jwt),
        api("DELETE", f"{CAMPAIGNS}/{cid}", token=jwt),
    ]
    for response in refused:
        assert response.status_code == 403, response.text
        assert "Allow agent to edit live data" in response.json()["errors"][0]["detail"]
    draft = new_campaign(api, jwt, "Draft")  # drafts stay editable
    assert put(api, jwt, draft, event_recipients()).status_code == 200


def test_live_data_setting_as_an_app_option(make_app: Any) -> None:
    api = Api(make_app(allow_live_data_edits=False))
    jwt = api.jwt()
    cid, _ = email_flow(api, jwt)
    start = put(api, jwt, cid, {"campaign": {"update_type": "state", "state": "running"}})
    assert start.status_code == 403


def test_tags_on_campaigns_and_segments(api: Api, jwt: str) -> None:
    tag = api("POST", f"{J}/tags", token=jwt, json={"tag": {"name": "cioctl:welcome"}})
    tag_id = tag.json()["tag"]["id"]
    assert isinstance(tag_id, str)
    assert "name" in errors_map(api("POST", f"{J}/tags", token=jwt,
                                    json={"tag": {"name": "cioctl:welcome"}}))
    assert api("GET", f"{J}/tags", token=jwt).json()["tags"] == [tag.json()["tag"]]
    cid = new_campaign(api, jwt)
    added = api("POST", f"{CAMPAIGNS}/{cid}/tags", token=jwt, json={"tag_ids": [tag_id]})
    assert added.json() == {"tag_ids": [tag_id]}
    body = read(api, jwt, cid)
    assert body["tags"] == [{"id": tag_id, "name": "cioctl:welcome"}]
    assert body["campaign"]["tag_ids"] == [tag_id]
    assert api("GET", CAMPAIGNS, token=jwt).json()["campaigns"][0]["tag_ids"] == [tag_id]
    assert api("GET", f"/v1/campaigns/{cid}").json()["campaign"]["tags"] == ["cioctl:welcome"]
    assert api("DELETE", f"{CAMPAIGNS}/{cid}/tags/{tag_id}", token=jwt).status_code == 204
    assert read(api, jwt, cid)["tags"] == []
    assert "tag_ids" in errors_map(api("POST", f"{CAMPAIGNS}/{cid}/tags", token=jwt,
                                       json={"tag_ids": ["999"]}))
    assert "tag_ids" in errors_map(api("POST", SEGMENTS, token=jwt,
                                       json=dynamic(PRO, tag_ids=["999"])))
