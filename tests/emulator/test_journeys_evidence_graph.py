"""The workflow graph (evidence §5; docs/journeys-wire.md D6), message content (D11) and the
App API view of Journeys campaigns, over HTTP against the embedded workspace."""

from __future__ import annotations

import json
from itertools import pairwise
from typing import Any

import httpx
from emu_helpers import Api, J, b64, build_flow, email_flow, event_recipients

from cioctl.emulator import FaultSpec

CAMPAIGNS = f"{J}/campaigns"
EMAIL = {"type": "email_action", "name": "welcome"}
DELAY = {"type": "delay_seconds_action", "delay": 300}
EXIT = {"type": "exit_action"}


def event_flow(api: Api, jwt: str) -> tuple[int, int]:
    """A campaign with an event trigger: (campaign id, its system exit_action id)."""
    cid = api("POST", CAMPAIGNS, token=jwt,
              json={"campaign": {"name": "F", "type": "none"}}).json()["campaign"]["id"]
    assert api("PUT", f"{CAMPAIGNS}/{cid}", token=jwt, json=event_recipients()).status_code == 200
    (exit_action,) = api("GET", f"{CAMPAIGNS}/{cid}", token=jwt).json()["actions"]
    return cid, exit_action["id"]


def add(api: Api, jwt: str, cid: int, actions: list[Any], edges: list[Any]) -> httpx.Response:
    return api("PUT", f"{CAMPAIGNS}/{cid}", token=jwt,
               json={"campaign": {"update_type": "add_actions"}, "actions": actions,
                     "edges": edges})


def chain(*ids: int) -> list[dict[str, Any]]:
    return [{"from": a, "to": b, "type": "continue"} for a, b in pairwise(ids)]


def branch(source: int, matched: int, other: int) -> list[dict[str, Any]]:
    return [{"from": source, "to": matched, "type": "branch", "index": 0},
            {"from": source, "to": other, "type": "branch", "index": 1}]


def conditions(*entries: dict[str, Any]) -> str:
    return b64(list(entries))


VERIFIED = {"type": "attribute", "field": "email_verified", "operator": "eq", "value": "true"}


def test_add_actions_resolves_placeholders(api: Api, jwt: str) -> None:
    cid, system_exit = event_flow(api, jwt)
    response = add(api, jwt, cid, [DELAY, EMAIL], chain(-2, -1, system_exit))
    assert response.status_code == 200, response.text
    body = api("GET", f"{CAMPAIGNS}/{cid}", token=jwt).json()
    assert response.json() == body
    _, delay, email = body["actions"]
    assert delay == {"id": delay["id"], "type": "delay_seconds_action", "sub_type": None,
                     "name": None, "delay": 300}
    assert email["name"] == "welcome" and email["sending_state"] == "automatic"  # §5 default
    assert isinstance(email["template_id"], int)
    assert body["edges"] == chain(delay["id"], email["id"], system_exit)
    assert body["campaign"]["workflow_action_ids"] == sorted([system_exit, delay["id"],
                                                              email["id"]])


def test_branches_end_at_their_own_exits(api: Api, jwt: str) -> None:
    cid, system_exit = event_flow(api, jwt)
    actions = [{"type": "conditional_branch_action", "conditions": conditions(VERIFIED)},
               EMAIL, EXIT, {"type": "attribute_update_action", "attribute_name": "step",
                             "attribute_value": 2}]
    # -4 branch: matched → -3 email → -2 own exit; else → -1 update → system exit
    edges = [*branch(-4, -3, -1), *chain(-3, -2), *chain(-1, system_exit)]
    assert add(api, jwt, cid, actions, edges).status_code == 200
    cid2, exit2 = event_flow(api, jwt)
    shared = [*branch(-4, -3, -1), *chain(-3, exit2), *chain(-1, exit2)]
    response = add(api, jwt, cid2, [actions[0], EMAIL, EXIT, actions[3]], shared)
    assert response.status_code == 409  # two paths share one exit (§5)


def assert_refused(api: Api, jwt: str, actions: list[Any], edges: Any, status: int = 422,
                   ) -> None:
    cid, _ = event_flow(api, jwt)
    before = api("GET", f"{CAMPAIGNS}/{cid}", token=jwt).json()
    response = add(api, jwt, cid, actions, edges)
    assert response.status_code == status, response.text
    assert api("GET", f"{CAMPAIGNS}/{cid}", token=jwt).json() == before  # nothing written


def test_graph_rules_are_enforced(api: Api, jwt: str) -> None:
    assert_refused(api, jwt, [DELAY, EMAIL], chain(-2, -1))            # email lacks continue
    assert_refused(api, jwt, [DELAY, EMAIL], chain(-1, 9999))          # unknown id; 2 roots
    assert_refused(api, jwt, [DELAY, EMAIL], [])                       # several roots
    assert_refused(api, jwt, [{"type": "conditional_branch_action",
                               "conditions": conditions(VERIFIED)}, EXIT],
                   [{"from": -2, "to": -1, "type": "branch", "index": 0}])  # 1 of 2 branches
    assert_refused(api, jwt, [DELAY, EMAIL, EXIT],
                   [*chain(-3, -2, -3), {"from": -1, "to": -3, "type": "continue"}])  # cycle
    assert_refused(api, jwt, [{"type": "sms_action"}], [])              # unknown type
    assert_refused(api, jwt, [{"type": "filter_match_delay_action"}], [])  # system only
    assert_refused(api, jwt, [{"type": "conditional_wait_action", "delay": 60,
                               "multi_conditions": b64([[VERIFIED]]), "exit_type": "later"}],
                   [])


def test_segment_tree_in_branch_conditions_answers_500(api: Api, jwt: str) -> None:
    tree = {"and": [{"or": [{"segment": {"id": 1}}]}]}
    for value in (b64(tree), tree, "not-encoded"):
        action = {"type": "conditional_branch_action", "conditions": value}
        assert_refused(api, jwt, [action, EXIT, EXIT], branch(-3, -2, -1), status=500)


def test_add_actions_500_after_commit(make_app: Any) -> None:
    api = Api(make_app(faults=FaultSpec.parse("add_actions_500=1")))
    jwt = api.jwt()
    cid, system_exit = event_flow(api, jwt)
    response = add(api, jwt, cid, [DELAY], chain(-1, system_exit))
    assert response.status_code == 500
    body = api("GET", f"{CAMPAIGNS}/{cid}", token=jwt).json()  # …but it was stored (§5)
    assert [a["type"] for a in body["actions"]] == ["exit_action", "delay_seconds_action"]


def test_action_put_type_rules(api: Api, jwt: str) -> None:
    cid, system_exit = event_flow(api, jwt)
    added = add(api, jwt, cid, [DELAY, EMAIL], chain(-2, -1, system_exit)).json()
    delay, email = added["actions"][1:]
    url = f"{J}/actions/{delay['id']}"
    assert api("PUT", url, token=jwt, json={"action": {"delay": 5}}).status_code == 400
    wrong = {"action": {"type": "email_action"}}
    assert api("PUT", url, token=jwt, json=wrong).status_code == 500
    sub_type = {"action": {"type": "delay_seconds_action", "sub_type": "x"}}
    assert api("PUT", url, token=jwt, json=sub_type).status_code == 500
    ok = api("PUT", url, token=jwt, json={"action": {"type": "delay_seconds_action",
                                                     "delay": 600}})
    assert ok.status_code == 200 and ok.json()["action"]["delay"] == 600
    draft = {"action": {"type": "email_action", "sending_state": "draft", "name": "hello"}}
    assert api("PUT", f"{J}/actions/{email['id']}", token=jwt, json=draft).status_code == 200
    app = api("GET", f"/v1/campaigns/{cid}/actions/{email['id']}").json()["action"]
    assert (app["sending_state"], app["name"]) == ("draft", "hello")  # one action, 2 surfaces


def test_delete_actions_and_edges(api: Api, jwt: str) -> None:
    cid, system_exit = event_flow(api, jwt)
    added = add(api, jwt, cid, [DELAY, EMAIL], chain(-2, -1, system_exit)).json()
    delay, email = added["actions"][1:]
    body = {"campaign": {"update_type": "delete_actions"}, "action_ids": [email["id"]],
            "edges": chain(delay["id"], system_exit)}
    assert api("PUT", f"{CAMPAIGNS}/{cid}", token=jwt, json=body).status_code == 200
    assert api("GET", f"{J}/templates/{email['template_id']}", token=jwt).status_code == 404
    assert api("GET", f"/v1/campaigns/{cid}/actions").json()["actions"] == []
    system = {**body, "action_ids": [system_exit], "edges": []}
    assert api("PUT", f"{CAMPAIGNS}/{cid}", token=jwt, json=system).status_code == 422
    edges = {"campaign": {"update_type": "edges"}, "edges": []}
    assert api("PUT", f"{CAMPAIGNS}/{cid}", token=jwt, json=edges).status_code == 422


def test_templates_hold_the_content_the_app_api_reads(api: Api, jwt: str) -> None:
    sender = api("GET", "/v1/sender_identities").json()["sender_identities"][0]
    headers = [{"name": "X-A", "value": "1"}]
    push = json.dumps({"title": "Hi", "body": "b", "link": "https://x.test"})
    cid, (email_id, push_id) = build_flow(api, jwt, [
        ("email_action", "e", {"subject": "S", "body": "<p>B</p>", "preheader_text": "P",
                               "from_identity_id": sender["id"], "headers": headers}),
        ("push_action", "p", {"body_json": push})])
    email = api("GET", f"/v1/campaigns/{cid}/actions/{email_id}").json()["action"]
    assert (email["subject"], email["preheader_text"], email["from_id"]) == \
        ("S", "P", sender["id"])
    assert json.loads(email["headers"]) == headers and email["type"] == "email"
    assert api("GET", f"/v1/campaigns/{cid}/actions/{push_id}").json()["action"][
        "body_json"] == push
    template_id = next(a["template_id"] for a in
                       api("GET", f"{CAMPAIGNS}/{cid}", token=jwt).json()["actions"]
                       if a["id"] == email_id)
    template = api("GET", f"{J}/templates/{template_id}", token=jwt).json()["template"]
    assert template["subject"] == "S" and template["headers"] == headers
    bad = api("PUT", f"{J}/templates/{template_id}", token=jwt,
              json={"template": {"from_identity_id": 999}})
    assert bad.status_code == 422


def test_app_api_view_of_a_journeys_campaign(api: Api, jwt: str) -> None:
    segment = {"segment": {"name": "S", "type": "static"}}
    sid = api("POST", f"{J}/segments", token=jwt, json=segment).json()["segment"]["id"]
    anchors = b64([{"negate": True, "segments": [sid], "type": "segments_negatable"}])
    cid, system_exit = event_flow(api, jwt)
    api("PUT", f"{CAMPAIGNS}/{cid}", token=jwt, json=event_recipients(anchors=anchors))
    actions = [{"type": "conditional_branch_action", "conditions": conditions(VERIFIED)},
               {"type": "email_action", "name": "then"}, EXIT,
               {"type": "twilio_action", "name": "else"}]
    edges = [*branch(-4, -3, -1), *chain(-3, -2), *chain(-1, system_exit)]
    added = add(api, jwt, cid, actions, edges).json()["actions"]
    view = api("GET", f"/v1/campaigns/{cid}").json()["campaign"]
    assert view["type"] == "event" and view["event_name"] == "signed_up"
    assert view["filter_segment_ids"] == [sid]
    by_name = {a["name"]: a["id"] for a in added if a["name"]}
    assert view["actions"] == [{"id": by_name["then"], "type": "email"},
                               {"id": by_name["else"], "type": "twilio"}]


def test_delete_campaign_takes_its_actions(api: Api, jwt: str) -> None:
    cid, (aid,) = email_flow(api, jwt)
    assert api("DELETE", f"{CAMPAIGNS}/{cid}", token=jwt).status_code == 204
    assert api("GET", f"{CAMPAIGNS}/{cid}", token=jwt).status_code == 404
    assert api("GET", f"/v1/campaigns/{cid}/actions/{aid}").status_code == 404
