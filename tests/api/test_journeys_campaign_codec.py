"""The campaign (flow) codec against the evidence page §5 and the decisions in
docs/journeys-wire.md (D2-D11): encodings, golden bodies of the example workspace's flows,
the graph rules, refusals, decoding of foreign shapes, update planning, and a round trip
flow → writes → simulated server (tests/api/campaign_sim.py) → read → flow."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings

from cioctl.api.journeys.campaign_codec import (
    Context,
    FlowWrites,
    SystemActions,
    campaign_refusals,
    canonical_flow,
    decode_flow,
    encode_flow,
)
from cioctl.api.journeys.campaign_diff import diff_writes
from cioctl.api.journeys.campaign_encoding import (
    decode_field,
    encode_field,
    encode_uri_component,
)
from cioctl.api.journeys.errors import CampaignEncodeError, CampaignWireError
from cioctl.state.flows import flow_fields
from tests.api.campaign_sim import RejectedError, Sim, apply_create, apply_diff
from tests.api.campaign_strategies import flows
from tests.api.campaign_support import CONTEXT, DELAY, EXAMPLE_SENDERS, IF
from tests.api.campaign_support import example as _example
from tests.api.campaign_support import flow as _flow
from tests.api.segment_codec_support import TYPES

JSON = dict[str, Any]


# -- encodeURIComponent and base64 (evidence §5, D2) ----------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("[]", "%5B%5D"),
    ("A-Z_a.z!0~9*'()", "A-Z_a.z!0~9*'()"),  # JavaScript's unescaped set
    (" ", "%20"),
    ("#$&+,/:;=?@", "%23%24%26%2B%2C%2F%3A%3B%3D%3F%40"),
    ('{"a":"b"}', "%7B%22a%22%3A%22b%22%7D"),
    ("é", "%C3%A9"),
    ("€", "%E2%82%AC"),
    ("😀", "%F0%9F%98%80"),
    ("%", "%25"),
])
def test_encode_uri_component_matches_javascript(text: str, expected: str) -> None:
    assert encode_uri_component(text) == expected


def test_a_lone_surrogate_is_refused_as_in_javascript() -> None:
    with pytest.raises(ValueError, match="URIError"):
        encode_uri_component("\ud800")


def test_encoded_fields_match_the_evidence_vectors() -> None:
    assert encode_field([]) == "JTVCJTVE"  # evidence §5
    assert decode_field("JTVCJTVE", "filters") == []
    anchors = [{"negate": False, "segments": [12], "type": "segments_negatable"}]
    assert decode_field(encode_field(anchors), "anchors") == anchors
    assert encode_field({"a": "é"}) == "JTdCJTIyYSUyMiUzQSUyMiVDMyVBOSUyMiU3RA=="


@pytest.mark.parametrize("bad", ["not base64!", "JTVC", 17, None, "e30"])
def test_a_field_that_is_not_encoded_json_is_a_clear_error(bad: object) -> None:
    with pytest.raises(CampaignWireError, match=r"campaign from Customer\.io"):
        decode_field(bad, "filters")


# -- golden bodies of the example workspace (checked against D3, D5, D6, D7) ----------------

def _bodies(writes: FlowWrites, system: SystemActions) -> dict[str, JSON]:
    return {call.concern: call.body() for call in writes.updates(system)}


def test_onboarding_golden_bodies() -> None:
    examples, context = _example()
    writes = encode_flow(examples["Onboarding"], context)
    assert writes.create == {"campaign": {"name": "Onboarding", "type": "none",
                                          "description": "From sign-up to a first project."}}
    bodies = _bodies(writes, SystemActions(exit=100))
    recipients = bodies["recipients"]["campaign"]
    assert recipients["type"] == "transactional" and recipients["event"] == "signed_up"
    assert recipients["event_type"] == "event" and recipients["attribute_filters"] == {}
    assert decode_field(recipients["filters"], "filters") == [
        {"type": "attribute", "field": "email", "operator": "exists"}]  # D3 example
    assert recipients["anchors"] == "JTVCJTVE" and recipients["restart_mode"] == "never"
    actions = bodies["actions"]
    assert actions["campaign"] == {"update_type": "add_actions"}
    assert actions["actions"][:2] == [  # D6 example
        {"type": "delay_seconds_action", "delay": 300},
        {"type": "email_action", "name": "welcome", "sending_state": "automatic"}]
    branch = actions["actions"][3]
    assert decode_field(branch["conditions"], "conditions") == [
        {"type": "attribute", "field": "email_verified", "operator": "eq", "value": "true"}]
    wait = next(a for a in actions["actions"] if a["type"] == "conditional_wait_action")
    assert decode_field(wait["multi_conditions"], "multi_conditions") == [[
        {"type": "attribute", "field": "email_verified", "operator": "eq", "value": "true"}]]
    assert (wait["delay"], wait["exit_type"]) == (172800, "continue")
    update = next(a for a in actions["actions"] if a["type"] == "attribute_update_action")
    assert update == {"type": "attribute_update_action", "attribute_name": "onboarding_step",
                      "attribute_value": "done"}
    assert bodies["exit_conditions"] == {"campaign": {  # D7
        "update_type": "exit_conditions", "global_exit_conditions": [],
        "exit_on_trigger_or_filter_not_matched": True}}
    assert bodies["goal"] == {"campaign": {  # D7 example
        "update_type": "exit_and_conversion",
        "conversion": {"type": "event", "event_name": "first_project_created",
                       "window": 1209600}, "exit_on_conversion": True}}
    assert bodies["state"] == {"campaign": {"update_type": "state", "state": "running"}}


def test_trial_golden_recipients_match_the_d5_example() -> None:
    examples, context = _example()
    writes = encode_flow(examples["Trial conversion"], context)
    body = writes.recipients.body()["campaign"]
    trial, beta = context.segment_ids["trialing"], context.segment_ids["beta_testers"]
    assert body["type"] == "seg_attr"
    assert body["trigger"] == {"and": [{"segment": {"id": trial}}]}
    assert decode_field(body["anchors"], "anchors") == [
        {"negate": True, "segments": [beta], "type": "segments_negatable"}]
    assert body["filters"] == "JTVCJTVE"
    assert {k: body[k] for k in ("event", "event_type", "attribute_filters", "date_attribute",
                                 "frequency", "use_customer_timezone")} == {
        "event": None, "event_type": None, "attribute_filters": {}, "date_attribute": None,
        "frequency": None, "use_customer_timezone": None}
    # D6: the gate the trigger created is the root; the main path ends at the system exit.
    actions = writes.workflow(SystemActions(exit=100, root=99)).body()
    assert actions["edges"][0] == {"from": 99, "to": -5, "type": "continue"}
    assert actions["edges"][-1] == {"from": -1, "to": 100, "type": "continue"}


def test_winback_golden_branch_is_the_d3_event_entry_with_its_own_exits() -> None:
    examples, context = _example()
    writes = encode_flow(examples["Cancellation win-back"], context)
    recipients = writes.recipients.body()["campaign"]
    assert recipients["attribute_filters"] == {"or": [
        {"field": "plan", "operator": "eq", "value": "pro", "inverse": False},
        {"field": "plan", "operator": "eq", "value": "enterprise", "inverse": False}]}
    assert recipients["restart_mode"] == "rematch"
    body = writes.workflow(SystemActions(exit=100)).body()
    types = [a["type"] for a in body["actions"]]
    # `then: [exit]` with steps after the branch is the same graph as `then: []` with those
    # steps in `else` (canonical_steps): the webhook follows the SMS; each path its own exit.
    assert types == ["delay_seconds_action", "email_action", "delay_seconds_action",
                     "conditional_branch_action", "twilio_action", "webhook_action",
                     "exit_action"]
    branch = body["actions"][3]
    assert decode_field(branch["conditions"], "conditions") == [
        {"type": "event", "name": "logged_in", "times": 1, "within": 604800,
         "inverse": False, "filters": {}}]
    assert {"from": -4, "to": 100, "type": "branch", "index": 0} in body["edges"]  # then: exit
    assert {"from": -4, "to": -3, "type": "branch", "index": 1} in body["edges"]
    assert {"from": -2, "to": -1, "type": "continue"} in body["edges"]


def test_renewal_golden_date_trigger_and_anchors() -> None:
    examples, context = _example()
    body = encode_flow(examples["Renewal reminder"], context).recipients.body()["campaign"]
    assert {k: body[k] for k in ("type", "date_attribute", "frequency", "start_hour",
                                 "start_minutes", "timezone", "use_customer_timezone")} == {
        "type": "date", "date_attribute": "renewal_date", "frequency": "yearly",
        "start_hour": 10, "start_minutes": 0, "timezone": "UTC",
        "use_customer_timezone": True}
    assert decode_field(body["anchors"], "anchors") == [
        {"negate": False, "segments": [context.segment_ids["paying_customers"]],
         "type": "segments_negatable"}]
    assert decode_field(body["filters"], "filters") == [
        {"type": "attribute", "field": "marketing_opt_in", "operator": "eq", "value": "true"}]


@pytest.mark.parametrize("name", ["Onboarding", "Renewal reminder", "Trial conversion",
                                  "Cancellation win-back"])
def test_every_example_flow_round_trips_through_the_simulated_service(name: str) -> None:
    examples, context = _example()
    flow = examples[name]
    sim = Sim()
    apply_create(sim, encode_flow(flow, context))
    assert decode_flow(sim.read(), context) == canonical_flow(flow, context.types)
    assert diff_writes(flow, sim.read(), context).empty


def test_content_writes_follow_d11() -> None:
    examples, context = _example()
    writes = encode_flow(examples["Onboarding"], context)
    welcome = writes.contents[0]
    assert welcome.body()["template"]["from_identity_id"] == 7
    assert welcome.step == "welcome"
    assert set(welcome.body()["template"]) == {"subject", "body", "preheader_text",
                                               "from_identity_id", "reply_to", "recipient",
                                               "headers"}
    push = writes.contents[-1].body()["template"]
    assert set(push) == {"body_json"} and isinstance(push["body_json"], str)


def test_unknown_senders_and_segments_are_clear_errors() -> None:
    examples, context = _example()
    with pytest.raises(CampaignEncodeError, match="no sender identity") as raised:
        encode_flow(examples["Onboarding"], Context(context.segment_ids, context.types, {}))
    assert raised.value.hint
    with pytest.raises(CampaignEncodeError, match=r"'trialing' has no Customer\.io id"):
        encode_flow(examples["Trial conversion"], Context({}, context.types, EXAMPLE_SENDERS))


def test_recipients_carry_fields_the_flow_does_not_own_verbatim() -> None:
    examples, context = _example()
    live = {"timezone": "Europe/Paris", "trigger": {"x": [1]}, "filters": "ignored"}
    body = encode_flow(examples["Onboarding"], context, carry=live).recipients.fields
    assert body["timezone"] == "Europe/Paris" and body["trigger"] == {"x": [1]}
    assert body["filters"] != "ignored"  # owned: the flow's filter wins


@pytest.mark.parametrize(("written", "canonical"), [
    ({"not": {"attribute": {"field": "seats", "operator": "gt", "value": 3}}},
     {"attribute": {"field": "seats", "operator": "lte", "value": 3}}),
    ({"attribute": {"field": "plan", "operator": "in", "value": ["pro"]}},
     {"attribute": {"field": "plan", "operator": "eq", "value": "pro"}}),
    ({"attribute": {"field": "renews_at", "operator": "lt", "value": "2024-01-01T00:00:00"}},
     {"attribute": {"field": "renews_at", "operator": "lt", "value": 1704067200}}),
    ({"or": [{"and": [IF]}]}, IF),
    ({"not": {"event": {"name": "logged_in", "count_operator": "at_least", "count": 2,
                        "within_seconds": None, "filters": []}}},
     {"event": {"name": "logged_in", "count_operator": "at_most", "count": 1,
                "within_seconds": None, "filters": []}}),
])
def test_conditions_read_back_in_one_spelling(written: JSON, canonical: JSON) -> None:
    flow = _flow([{"type": "branch", "condition": written, "then": [], "else": []}])
    sim = Sim()
    apply_create(sim, encode_flow(flow, CONTEXT))
    assert decode_flow(sim.read(), CONTEXT)["steps"][0]["condition"] == canonical
    assert canonical_flow(flow, TYPES)["steps"][0]["condition"] == canonical


# -- round trip: flow → writes → simulated service → read → flow ------------------------------

@settings(max_examples=250)
@given(flows())
def test_flow_writes_read_back_as_the_canonical_flow(flow: JSON) -> None:
    assert campaign_refusals(flow, TYPES) == []
    sim = Sim()
    apply_create(sim, encode_flow(flow, CONTEXT))  # every write passes the graph rules (D6)
    read = sim.read()
    assert decode_flow(read, CONTEXT) == canonical_flow(flow, TYPES)
    assert diff_writes(flow, read, CONTEXT).empty


@settings(max_examples=200)
@given(flows(), flows())
def test_planned_updates_turn_any_live_flow_into_the_desired_one(old: JSON, new: JSON) -> None:
    new = {**new, "trigger": old["trigger"]}  # another trigger kind is a replace (§5)
    sim = Sim()
    apply_create(sim, encode_flow(old, CONTEXT))
    apply_diff(sim, diff_writes(new, sim.read(), CONTEXT))
    assert decode_flow(sim.read(), CONTEXT) == canonical_flow(new, TYPES)


def test_canonical_flow_of_a_model_is_its_canonical_dict() -> None:
    examples, context = _example()
    flow = examples["Onboarding"]
    assert canonical_flow(flow, context.types) == canonical_flow(flow_fields(flow),
                                                                 context.types)


def test_the_simulator_rejects_a_shared_exit() -> None:
    """The interpreter the round trip relies on does check the §5 rules."""
    sim = Sim()
    sim.create({"campaign": {"name": "x", "type": "none"}})
    sim.put(encode_flow(_flow([]), CONTEXT).recipients.body())
    with pytest.raises(RejectedError) as refused:
        sim.put({"campaign": {"update_type": "add_actions"},
                 "actions": [{"type": "conditional_branch_action", "conditions": "JTVCJTVE"}],
                 "edges": [{"from": -1, "to": 101, "type": "branch", "index": 0},
                           {"from": -1, "to": 101, "type": "branch", "index": 1}]})
    assert refused.value.status == 409


# -- graph rules (§5, D6) -----------------------------------------------------------------------


def _graph(steps: list[JSON], root: int | None = None) -> JSON:
    return encode_flow(_flow(steps), CONTEXT).workflow(SystemActions(100, root)).body()


def test_a_branch_at_the_end_gives_each_path_its_own_exit() -> None:
    body = _graph([{"type": "branch", "condition": IF, "then": [DELAY], "else": []}])
    assert [a["type"] for a in body["actions"]] == ["conditional_branch_action",
                                                    "delay_seconds_action", "exit_action"]
    assert body["edges"] == [
        {"from": -3, "to": -2, "type": "branch", "index": 0},
        {"from": -2, "to": 100, "type": "continue"},  # the first path: the system exit (D6)
        {"from": -3, "to": -1, "type": "branch", "index": 1}]  # the other: its own


def test_branch_paths_reconverge_at_the_next_step() -> None:
    body = _graph([{"type": "branch", "condition": IF, "then": [DELAY], "else": []}, DELAY])
    assert body["edges"] == [
        {"from": -3, "to": -2, "type": "branch", "index": 0},
        {"from": -2, "to": -1, "type": "continue"},
        {"from": -3, "to": -1, "type": "branch", "index": 1},
        {"from": -1, "to": 100, "type": "continue"}]


def test_an_exit_inside_a_reconverging_branch_is_its_own_exit_action() -> None:
    inner = {"type": "branch", "condition": IF, "then": [{"type": "exit"}], "else": [DELAY]}
    steps = [{"type": "branch", "condition": IF, "then": [inner], "else": []}, DELAY]
    body = _graph(steps)
    exits = [i - len(body["actions"]) for i, a in enumerate(body["actions"])
             if a["type"] == "exit_action"]
    assert len(exits) == 1
    assert sum(1 for e in body["edges"] if e["to"] == exits[0]) == 1
    sim = Sim()
    apply_create(sim, encode_flow(_flow(steps), CONTEXT))
    assert decode_flow(sim.read(), CONTEXT)["steps"] == steps


def test_a_trailing_exit_does_not_count_as_the_last_step() -> None:
    """Found by the round trip: the exit after the outer branch ends the flow, so the inner
    branch's ``else: [exit]`` is the end of the flow too and reads back as ``else: []``."""
    inner = {"type": "branch", "condition": IF, "then": [], "else": [{"type": "exit"}]}
    steps = [{"type": "branch", "condition": IF, "then": [], "else": [inner, DELAY]},
             {"type": "exit"}]
    sim = Sim()
    apply_create(sim, encode_flow(_flow(steps), CONTEXT))
    expected = [{"type": "branch", "condition": IF, "then": [], "else": [
        {**inner, "then": [DELAY], "else": []}]}]
    assert decode_flow(sim.read(), CONTEXT)["steps"] == expected
    assert canonical_flow(_flow(steps), TYPES)["steps"] == expected


def test_a_segment_trigger_hangs_the_steps_under_the_system_gate() -> None:
    body = _graph([DELAY], root=99)
    assert body["edges"] == [{"from": 99, "to": -1, "type": "continue"},
                             {"from": -1, "to": 100, "type": "continue"}]
    assert _graph([{"type": "exit"}], root=99)["edges"] == [
        {"from": 99, "to": 100, "type": "continue"}]


# -- refusals (exact or refused) ----------------------------------------------------------------

@pytest.mark.parametrize(("condition", "path", "words"), [
    ({"or": [IF, {"segment": {"key": "a"}}]}, "steps[0].condition", "'any' of several"),
    ({"not": {"and": [IF, IF]}}, "steps[0].condition", "'not' over a group"),
    ({"attribute": {"field": "plan", "operator": "in", "value": ["a", "b"]}},
     "steps[0].condition", "'in' with 2 values"),
    ({"attribute": {"field": "renews_at", "operator": "gte", "value": 5}},
     "steps[0].condition", "operator 'gte'"),
    ({"attribute": {"field": "plan", "operator": "starts_with", "value": "p"}},
     "steps[0].condition", "operator 'starts_with'"),
    ({"and": [IF, {"not": {"event": {"name": "logged_in", "count_operator": "exactly",
                                     "count": 2, "within_seconds": None, "filters": []}}}]},
     "steps[0].condition.all[1].not", "'not' over 'exactly'"),
    ({"attribute": {"field": "seats", "operator": "eq", "value": "many"}},
     "steps[0].condition", "not an integer|integer"),
])
def test_branch_conditions_the_flat_array_cannot_hold_are_refused_with_their_path(
        condition: JSON, path: str, words: str) -> None:
    flow = _flow([{"type": "branch", "condition": condition, "then": [], "else": []}])
    problems = campaign_refusals(flow, TYPES)
    assert len(problems) == 1 and problems[0].path == path, problems
    assert re.search(words, problems[0].message), problems[0].message
    assert problems[0].hint
    with pytest.raises(CampaignEncodeError, match=re.escape(path)) as raised:
        encode_flow(flow, CONTEXT)
    assert raised.value.hint == problems[0].hint


def test_filters_and_waits_are_checked_too() -> None:
    bad = {"or": [IF, IF]}
    flow = _flow([{"type": "wait_until", "condition": bad, "max_seconds": None}], filter=bad)
    assert [p.path for p in campaign_refusals(flow, TYPES)] == ["filter",
                                                                "steps[0].condition"]


def test_steps_that_can_never_run_are_refused() -> None:
    both = {"type": "branch", "condition": IF, "then": [{"type": "exit"}],
            "else": [{"type": "exit"}]}
    assert [p.path for p in campaign_refusals(_flow([both, DELAY]), TYPES)] == ["steps[1]"]
    assert [p.path for p in campaign_refusals(_flow([{"type": "exit"}, DELAY]),
                                              TYPES)] == ["steps[1]"]
