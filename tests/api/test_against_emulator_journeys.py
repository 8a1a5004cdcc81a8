"""The real client against the embedded workspace on the evidence-based Journeys wire
(docs/journeys-wire.md; evidence §N), and what each API surface sees of the other's writes — in
process and over loopback (see ``test_against_emulator.py``); fault-injected cases in process.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cioctl.api import campaigns, data_index, segments, workspace
from cioctl.api.errors import ApiNotFound, ApiValidationError
from cioctl.api.http import ApiClient
from cioctl.api.journeys import campaign_client
from cioctl.api.journeys.segment_json import desired_conditions, live_conditions, wire_conditions
from cioctl.api.journeys.wire_values import ValueTypes
from cioctl.model.conditions import Condition
from cioctl.model.types import ValueType

from .emulator_target import WS, Clock, Target, attribute_cnf, create_flow, email_flow

pytestmark = pytest.mark.anyio
TYPES = ValueTypes(attributes={"email_verified": ValueType.BOOLEAN, "plan": ValueType.STRING})


def condition(tree: dict[str, Any]) -> Condition:
    from pydantic import TypeAdapter

    adapter: TypeAdapter[Condition] = TypeAdapter(Condition)
    return adapter.validate_python(tree)


def to_wire(tree: dict[str, Any], ids: dict[str, int] | None = None) -> dict[str, Any]:
    """A definitions condition as the client writes it (canonicalized, then encoded)."""
    known = ids or {}
    return dict(wire_conditions(desired_conditions(condition(tree), TYPES), known.__getitem__,
                                TYPES))


async def test_environment_and_account(client: ApiClient) -> None:
    env = await workspace.get_environment(client)
    assert (env.id, env.region) == (WS, "us")
    account = await workspace.current_account(client)
    assert (account.id, account.data_center) == (WS, "us")


# -- segments (evidence §4, D13) ------------------------------------------------------------


async def test_segment_is_written_as_cnf_with_tag_ids_and_whole_puts(
    client: ApiClient, target: Target,
) -> None:
    tree = {"not": {"attribute": "email_verified", "operator": "eq", "value": True}}
    made = await segments.create_journeys_segment(client, "Unverified", conditions=to_wire(tree),
                                                  tags=["cioctl:unverified", "growth"])
    sent = target.wires[0].last("POST", f"/v1/environments/{WS}/segments").request_json()
    leaf = sent["segment"]["conditions"]["and"][0]["or"][0]
    # §4: person attributes are attribute_change leaves on `to`, string values, negation only
    # through `inverse`; tag ids are strings (D12)
    assert leaf == {"event": {"type": "attribute_change", "name": "email_verified", "filters": {
        "and": [{"field": "to", "operator": "eq", "value": "true", "inverse": False}]}},
        "times": 1, "within": 0, "inverse": True}
    assert sent["segment"]["type"] == "dynamic" and sent["segment"]["tag_ids"] == ["1", "2"]
    assert made.tags == ("cioctl:unverified", "growth") and made.state == "build"
    [read] = await segments.list_journeys_segments(client)
    assert live_conditions(read.conditions, {}, TYPES) == desired_conditions(condition(tree),
                                                                             TYPES)
    await segments.update_journeys_segment(client, made.id, name="Unverified people",
                                           conditions=to_wire(tree), tags=["growth"])
    put = target.wires[0].last("PUT", f"/v1/environments/{WS}/segments/{made.id}")
    assert set(put.request_json()["segment"]) == {"type", "name", "description", "tag_ids",
                                                   "conditions"}  # §4: the whole segment
    [again] = await segments.list_journeys_segments(client)
    assert (again.name, again.tags) == ("Unverified people", ("growth",))


async def test_manual_segment_is_static_without_conditions(
    client: ApiClient, target: Target,
) -> None:
    made = await segments.create_journeys_segment(client, "Beta", conditions=None, manual=True)
    sent = target.wires[0].last("POST", f"/v1/environments/{WS}/segments").request_json()
    assert sent["segment"]["type"] == "static" and "conditions" not in sent["segment"]
    assert (made.type, made.conditions) == ("manual", None)


async def test_a_written_segment_is_waited_for_until_complete(
    client: ApiClient, target: Target,
) -> None:
    made = await segments.create_journeys_segment(client, "Pro",
                                                  conditions=attribute_cnf("plan", "pro"))
    with pytest.raises(segments.SegmentBuildTimeoutError) as info:
        await segments.wait_until_built(client, made.id, timeout=0)  # bounded (D13)
    assert "still 'build'" in info.value.message
    await segments.wait_until_built(client, made.id)
    status = f"/v1/environments/{WS}/segments/{made.id}/status"
    assert [e.path for e in target.wires[0].exchanges].count(status) == 2


async def test_a_bare_attribute_leaf_is_never_sent(client: ApiClient) -> None:
    # The emulator answers 500 to it (§4); the codec always writes attribute_change leaves.
    bare = {"and": [{"or": [{"attribute": {"field": "plan", "operator": "eq", "value": "x"}}]}]}
    with pytest.raises(Exception) as info:
        await segments.create_journeys_segment(client, "Bad", conditions=bare)
    assert getattr(info.value, "status", None) == 500
    written = to_wire({"attribute": "plan", "operator": "eq", "value": "pro"})
    assert set(written["and"][0]["or"][0]) == {"event", "times", "within", "inverse"}


async def test_journeys_lists_are_paged_0_based(client: ApiClient) -> None:
    for i in range(3):
        await segments.create_journeys_segment(client, f"s{i}", conditions=None, manual=True)
    path = client.env_path("segments")
    first = await client.journeys.get(path, params={"page": 0, "size": 2})  # 0-based (§3)
    second = await client.journeys.get(path, params={"page": 1, "size": 2})
    assert first["meta"] == {"page": 0, "size": 2}  # no count to trust
    assert [s["name"] for s in first["segments"] + second["segments"]] == ["s0", "s1", "s2"]
    with pytest.raises(ApiValidationError):
        await client.journeys.get(path, params={"page": -1})
    assert len(await segments.list_journeys_segments(client)) == 3


# -- campaigns (evidence §5, D4-D11) --------------------------------------------------------


async def test_flows_are_visible_through_the_app_api(client: ApiClient) -> None:
    trigger_seg = await segments.create_journeys_segment(client, "Signed up", conditions=None,
                                                         manual=True)
    filter_seg = await segments.create_journeys_segment(
        client, "Pro", conditions=attribute_cnf("plan", "pro"))
    ids = {"signed_up": trigger_seg.id, "pro": filter_seg.id}
    flow = email_flow("Nurture", "welcome", trigger={"segment": "signed_up"},
                      filter={"not": {"segment": "pro"}},
                      goal={"event": "purchased", "within": "1d"})
    made = await create_flow(client, flow, segment_ids=ids)
    [app_view] = await campaigns.list_campaigns(client)
    assert app_view.type == "segment"
    assert app_view.trigger_segment_ids == (trigger_seg.id,)
    assert app_view.filter_segment_ids == (filter_seg.id,)
    [listed] = await campaigns.list_journeys_campaigns(client)
    assert set(listed.segment_ids) == set(ids.values())
    read = await campaign_client.read_campaign(client, made.id)
    assert read.campaign["conversion"] == {"type": "event", "event_name": "purchased",
                                           "window": 86400}
    dated = await create_flow(client, email_flow(
        "Birthday", "card", trigger={"date_attribute": "birthday", "at": "09:00"}))
    date_view = await campaigns.get_campaign(client, dated.id)
    assert (date_view.type, date_view.raw["date_attribute"], date_view.raw["start_hour"]) == (
        "date", "birthday", 9)


async def test_add_actions_500_is_read_back_before_any_retry(tmp_path: Path) -> None:
    from .test_against_emulator import build

    async with build(tmp_path, Clock(), faults="add_actions_500=1.0") as client:
        made = await create_flow(client, email_flow("Hi", "a", "b"))  # verified by re-read
        read = await campaign_client.read_campaign(client, made.id)
    # §5: the 500 came after the commit; re-reading showed the actions, so none were added
    # twice (one system exit, two messages, one exit per end of path at most)
    names = [a.get("name") for a in read.actions if a.get("name")]
    assert sorted(names) == ["a", "b"]


async def test_a_dropped_field_is_a_clear_error(client: ApiClient) -> None:
    flow = email_flow("Hi", "a")
    made = await create_flow(client, flow)
    ctx = campaign_client.context({}, ValueTypes(), {})
    # What the service keeps differs from what was meant (as when a field is sent under the
    # wrong update_type, §2): the re-read comparison names it.
    with pytest.raises(campaign_client.CampaignWriteError) as info:
        await campaign_client.verify(client, made.id, {**flow, "frequency": "multiple"}, ctx)
    assert "frequency" in info.value.message


async def test_live_data_403_names_the_workspace_setting(client: ApiClient) -> None:
    flow = email_flow("Hi", "a")
    made = await create_flow(client, flow)
    await client.journeys.put(client.env_path("settings", "workspace"),
                              {"settings": {"allow_agent_edit_live_data": False}})
    ctx = campaign_client.context({}, ValueTypes(), {})
    with pytest.raises(campaign_client.CampaignWriteError) as info:
        await campaign_client.update_flow(client, made.id, {**flow, "name": "Renamed"}, [],
                                          ctx, {})
    assert "Allow agent to edit live data" in info.value.message
    assert "Settings" in (info.value.hint or "")


async def test_deleted_campaign_is_gone(client: ApiClient) -> None:
    made = await create_flow(client, email_flow("Hi", "a"))
    await campaigns.delete_journeys_campaign(client, made.id)
    with pytest.raises(ApiNotFound):
        await campaign_client.read_campaign(client, made.id)


async def test_data_index_writes_are_read_through_journeys(client: ApiClient) -> None:
    await data_index.update_events(client, [data_index.EventMeta("b_event"),
                                            data_index.EventMeta("a_event", "first")])
    await data_index.update_events(client, [data_index.EventMeta("b_event", "second")])
    events = await data_index.list_events(client)  # names only (evidence §6)
    assert [(e.name, e.description) for e in events] == [("b_event", None), ("a_event", None)]
    raw = await client.journeys.get(client.env_path("attributes"))
    assert raw["attributes"] == [] and raw["meta"]["pagination"]["total"] == 0
