"""The campaign codec on reads it cannot say (clear errors) and its update planning."""

from __future__ import annotations

import contextlib
import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cioctl.api.journeys.campaign_codec import (
    Context,
    canonical_flow,
    decode_flow,
    encode_flow,
)
from cioctl.api.journeys.campaign_diff import diff_writes
from cioctl.api.journeys.campaign_types import CampaignRead
from cioctl.api.journeys.errors import CampaignWireError
from cioctl.model.flows import Flow
from cioctl.state.flows import flow_fields
from tests.api.campaign_sim import Sim, apply_create, apply_diff
from tests.api.campaign_support import CONTEXT, DELAY, IF
from tests.api.campaign_support import example as _example
from tests.api.campaign_support import flow as _flow

JSON = dict[str, Any]


# -- reads cioctl cannot say: clear errors, never a traceback -----------------------------------

def _read(**changes: Any) -> CampaignRead:
    sim = Sim()
    apply_create(sim, encode_flow(_flow([DELAY]), CONTEXT))
    read = sim.read()
    return CampaignRead(**{"campaign": read.campaign, "actions": copy.deepcopy(read.actions),
                           "edges": read.edges, "tags": read.tags, "contents": read.contents}
                        | changes)


def test_an_unknown_action_type_names_the_action() -> None:
    read = _read()
    read.actions[-1]["type"] = "random_cohort_branch_action"
    ident = read.actions[-1]["id"]
    with pytest.raises(CampaignWireError, match=f"action {ident} \\(random_cohort_branch"):
        decode_flow(read, CONTEXT)


@pytest.mark.parametrize(("changes", "words"), [
    ({"edges": []}, "2 roots"),
    ({"actions": [{"id": "x", "type": "exit_action"}]}, "integer id"),
    ({"edges": [{"from": 1, "to": 2, "type": "jump"}]}, "neither continue"),
    ({"campaign": {"type": "api_triggered", "restart_mode": "never"}}, "trigger type"),
    ({"campaign": {"type": "transactional", "event": "e", "restart_mode": "sometimes"}},
     "restart_mode"),
    ({"campaign": {"type": "transactional", "event": "e", "restart_mode": "never",
                   "attribute_filters": {}, "filters": "%%%"}}, "not base64"),
    ({"campaign": {"type": "transactional", "event": "e", "restart_mode": "never",
                   "attribute_filters": None}}, "stored as null"),
])
def test_foreign_reads_are_clear_errors(changes: JSON, words: str) -> None:
    with pytest.raises(CampaignWireError, match=words):
        decode_flow(_read(**changes), CONTEXT)


JUNK = st.recursive(st.none() | st.booleans() | st.integers(-3, 200) | st.text(max_size=4),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                        st.sampled_from(["id", "type", "from", "to", "index", "name", "delay",
                                         "conditions", "event", "restart_mode"]), inner,
                        max_size=4), max_leaves=12)


@settings(max_examples=200)
@given(st.data())
def test_any_damaged_read_decodes_or_is_a_clear_error(data: st.DataObject) -> None:
    read = _read()
    actions = copy.deepcopy(read.actions)
    edges = copy.deepcopy(read.edges)
    target = data.draw(st.sampled_from(["action", "edge", "campaign"]))
    junk = data.draw(JUNK)
    if target == "action":
        actions[data.draw(st.integers(0, len(actions) - 1))] = junk
    elif target == "edge":
        edges.append(junk)
    campaign = {**read.campaign, "filters": junk} if target == "campaign" else read.campaign
    damaged = CampaignRead(campaign, actions, edges, read.tags, read.contents)
    with contextlib.suppress(CampaignWireError):  # any other exception fails the test
        decode_flow(damaged, CONTEXT)


# -- update planning ------------------------------------------------------------------------

def _live(flow: Flow | JSON, context: Context = CONTEXT) -> Sim:
    sim = Sim()
    apply_create(sim, encode_flow(flow, context))
    return sim


def test_a_subject_edit_is_one_content_write() -> None:
    examples, context = _example()
    flow = flow_fields(examples["Onboarding"])
    sim = _live(flow, context)
    edited = copy.deepcopy(flow)
    edited["steps"][3]["then"][1]["content"]["subject"] = "Four tips"
    plan = diff_writes(edited, sim.read(), context)
    assert plan.updates == [] and plan.action_puts == []
    assert [(w.step, w.template["subject"]) for w in plan.contents] == [("tips", "Four tips")]
    tips = next(a for a in sim.actions.values() if a.get("name") == "tips")
    assert plan.contents[0].action_id == tips["id"]


def test_a_changed_delay_keeps_every_action_id() -> None:
    examples, context = _example()
    flow = flow_fields(examples["Onboarding"])
    sim = _live(flow, context)
    before = set(sim.actions)
    edited = copy.deepcopy(flow)
    edited["steps"][0]["seconds"] = 600
    plan = diff_writes(edited, sim.read(), context)
    assert plan.updates == [] and plan.contents == []
    assert [p.body() for p in plan.action_puts] == [
        {"action": {"type": "delay_seconds_action", "delay": 600}}]
    apply_diff(sim, plan)
    assert set(sim.actions) == before
    assert decode_flow(sim.read(), context) == canonical_flow(edited, context.types)


def test_concerns_are_written_one_call_each() -> None:
    sim = _live(_flow([DELAY]))
    edited = _flow([DELAY], name="G", filter=IF, frequency="multiple", state="running",
                   goal={"type": "event", "event_name": "logged_in", "within_seconds": 3600})
    plan = diff_writes(edited, sim.read(), CONTEXT)
    assert [c.body()["campaign"]["update_type"] for c in plan.updates] == [
        "details", "recipients", "exit_and_conversion", "state"]


def test_a_new_step_rebuilds_the_workflow_in_valid_steps() -> None:
    sim = _live(_flow([DELAY]))
    edited = _flow([DELAY, {"type": "branch", "condition": IF, "then": [DELAY], "else": []}])
    plan = diff_writes(edited, sim.read(), CONTEXT)
    assert [c.body()["campaign"]["update_type"] for c in plan.updates] == [
        "delete_actions", "add_actions"]
    apply_diff(sim, plan)  # the simulator checks the graph rules after each call
    assert decode_flow(sim.read(), CONTEXT)["steps"] == edited["steps"]


def test_another_trigger_kind_is_a_replace() -> None:
    sim = _live(_flow([DELAY]))
    edited = _flow([DELAY], trigger={"type": "segment", "segment_keys": ["a"]})
    plan = diff_writes(edited, sim.read(), CONTEXT)
    assert plan.replace and "immutable" in plan.replace and not plan.updates


def test_a_new_shape_keeps_the_message_actions_and_their_templates() -> None:
    examples, context = _example()
    flow = flow_fields(examples["Trial conversion"])
    sim = _live(flow, context)
    ids = {a["name"]: a["id"] for a in sim.actions.values() if a.get("name")}
    edited = copy.deepcopy(flow)
    edited["steps"].insert(1, {"type": "branch", "condition": {"segment": {"key": "trialing"}},
                               "then": [], "else": [{"type": "exit"}]})
    plan = diff_writes(edited, sim.read(), context)
    assert [c.body()["campaign"]["update_type"] for c in plan.updates] == [
        "delete_actions", "add_actions"]
    assert plan.contents == [] and plan.action_puts == []  # no message content changed
    apply_diff(sim, plan)  # each call leaves a graph the simulator accepts (D6)
    assert {a["name"]: a["id"] for a in sim.actions.values() if a.get("name")} == ids
    assert decode_flow(sim.read(), context) == canonical_flow(edited, context.types)


def test_an_action_whose_type_is_not_a_string_is_a_clear_error() -> None:
    """Found by the fuzz test above: ``{"id": False, "type": []}`` raised a TypeError."""
    read = _read()
    for index in range(len(read.actions)):
        actions = copy.deepcopy(read.actions)
        actions[index] = {"id": False, "type": []}
        damaged = CampaignRead(read.campaign, actions, read.edges, read.tags, read.contents)
        with contextlib.suppress(CampaignWireError):
            decode_flow(damaged, CONTEXT)
