"""The real client against the embedded workspace: the modeled Journeys routes and what each API
surface sees of the other's writes — in process and over loopback (see
``test_against_emulator.py``)."""

from __future__ import annotations

import pytest

from cioctl.api import campaigns, data_index, segments, workspace
from cioctl.api import journeys_modeled as jm
from cioctl.api.errors import ApiNotFound, ApiValidationError
from cioctl.api.http import ApiClient

from .emulator_target import WS, email_flow

pytestmark = pytest.mark.anyio


async def test_environment_and_account(client: ApiClient) -> None:
    env = await workspace.get_environment(client)
    assert (env.id, env.region) == (WS, "us")
    account = await workspace.current_account(client)
    assert (account.id, account.data_center) == (WS, "us")


# -- segments --------------------------------------------------------------------------------


async def test_journeys_dynamic_segment_lifecycle(client: ApiClient) -> None:
    cond = jm.all_of(
        jm.attribute("plan", "eq", "pro"),
        jm.event("feature_used", count=3, within_seconds=30 * 86400,
                 filters=[jm.event_filter("feature", "eq", "export")]),
    )
    made = await segments.create_journeys_segment(client, "Pro", conditions=cond, tags=["t"])
    assert made.conditions == cond and made.type == "dynamic" and made.tags == ("t",)
    changed = await segments.update_journeys_segment(client, made.id, name="Pro plan")
    assert changed.name == "Pro plan" and changed.conditions == cond
    assert await segments.get_journeys_segment(client, made.id) == changed
    assert [s.id for s in await segments.list_journeys_segments(client)] == [made.id]
    await segments.delete_journeys_segment(client, made.id)
    assert await segments.list_journeys_segments(client) == []
    with pytest.raises(ApiNotFound):
        await segments.get_journeys_segment(client, made.id)
    with pytest.raises(ApiNotFound):
        await segments.delete_journeys_segment(client, made.id)


async def test_journeys_bad_conditions_carry_the_pointer(client: ApiClient) -> None:
    bad = jm.all_of(jm.attribute("plan", "eq", "pro"), {"attribute": {"field": "x"}})
    with pytest.raises(ApiValidationError) as info:
        await segments.create_journeys_segment(client, "Bad", conditions=bad)
    assert info.value.status == 400
    assert any(p.pointer and p.pointer.startswith("/segment/conditions/and/1")
               for p in info.value.problems)


async def test_journeys_segment_rules(client: ApiClient) -> None:
    manual = await segments.create_journeys_segment(client, "VIP", conditions=None, manual=True)
    assert (manual.type, manual.conditions) == ("manual", None)
    path = client.env_path("segments", manual.id)
    with pytest.raises(ApiValidationError) as type_change:
        await client.journeys.put(path, {"segment": {"type": "dynamic"}})
    assert type_change.value.problems[0].pointer == "/segment/type"
    with pytest.raises(ApiValidationError) as manual_conditions:
        await segments.update_journeys_segment(client, manual.id,
                                               conditions=jm.attribute("a", "exists"))
    assert manual_conditions.value.problems[0].pointer == "/segment/conditions"
    dynamic = await segments.create_journeys_segment(
        client, "In VIP", conditions=jm.segment_ref(manual.id))
    with pytest.raises(ApiValidationError) as cycle:
        await segments.update_journeys_segment(client, dynamic.id,
                                               conditions=jm.segment_ref(dynamic.id))
    assert cycle.value.problems[0].pointer == "/segment/conditions/segment/id"
    with pytest.raises(ApiValidationError) as missing:
        await segments.create_journeys_segment(client, "x", conditions=jm.segment_ref(99))
    assert missing.value.status == 400


async def test_journeys_lists_are_paged_0_based(client: ApiClient) -> None:
    for i in range(3):
        await segments.create_journeys_segment(client, f"s{i}", conditions=None, manual=True)
    path = client.env_path("segments")
    first = await client.journeys.get(path, params={"page": 0, "size": 2})  # 0-based (§3)
    second = await client.journeys.get(path, params={"page": 1, "size": 2})
    assert first["meta"] == {"page": 0, "size": 2}  # no count to trust
    assert [s["name"] for s in first["segments"] + second["segments"]] == ["s0", "s1", "s2"]
    empty = await client.journeys.get(client.env_path("campaigns"))
    assert empty["campaigns"] == []
    with pytest.raises(ApiValidationError):
        await client.journeys.get(path, params={"page": -1})
    assert len(await segments.list_journeys_segments(client)) == 3


# -- campaigns -------------------------------------------------------------------------------


async def test_journeys_campaign_workflow_replacement(client: ApiClient) -> None:
    flow = await campaigns.create_journeys_campaign(client, email_flow("Hi", "a", "b"))
    ids = flow.action_ids()
    workflow = [
        jm.message_step("email", "a", {"subject": "A2"}),
        jm.message_step("sms", "c", {"body": "Hello"}),
    ]
    updated = await campaigns.update_journeys_campaign(client, flow.id, workflow=workflow,
                                                       state="running")
    new_ids = updated.action_ids()
    assert new_ids["a"] == ids["a"] and "b" not in new_ids
    assert updated.state == "running" and updated.active
    with pytest.raises(ApiNotFound):  # the dropped step's action went with it
        await campaigns.get_action(client, flow.id, ids["b"])
    app_view = await campaigns.get_campaign(client, flow.id)
    assert [(a.id, a.type) for a in app_view.actions] == [(ids["a"], "email"),
                                                          (new_ids["c"], "twilio")]
    assert app_view.state == "running" and app_view.raw["first_started"] > 0
    assert (await campaigns.get_action(client, flow.id, ids["a"])).subject == "A2"
    with pytest.raises(ApiValidationError) as info:
        await campaigns.update_journeys_campaign(client, flow.id,
                                                 trigger=jm.date_trigger("birthday"))
    assert info.value.problems[0].pointer == "/campaign/trigger/type"
    with pytest.raises(ApiNotFound):
        await campaigns.get_journeys_campaign(client, flow.id + 1)


async def test_journeys_campaign_validation_pointer(client: ApiClient) -> None:
    bad = jm.message_step("email", "a", {"subject": 3})
    with pytest.raises(ApiValidationError) as info:
        await campaigns.create_journeys_campaign(
            client, jm.CampaignSpec("Bad", jm.event_trigger("x"), workflow=[bad]))
    assert info.value.problems[0].pointer == "/campaign/workflow/0/content/subject"
    assert await campaigns.list_journeys_campaigns(client) == []


# -- cross-surface visibility ----------------------------------------------------------------


async def test_segments_are_visible_on_both_surfaces(client: ApiClient) -> None:
    manual = await segments.create_manual_segment(client, "Beta", "hand-picked")
    [seen] = await segments.list_journeys_segments(client)
    assert (seen.id, seen.type, seen.conditions) == (manual.id, "manual", None)
    dynamic = await segments.create_journeys_segment(
        client, "Pro", conditions=jm.attribute("plan", "eq", "pro"))
    app_view = await segments.get_segment(client, dynamic.id)
    assert (app_view.type, app_view.state, app_view.progress) == ("dynamic", "finished", None)
    assert "conditions" not in app_view.raw
    await segments.delete_segment(client, dynamic.id)  # App API delete of a dynamic segment
    assert [s.id for s in await segments.list_journeys_segments(client)] == [manual.id]


async def test_flows_are_visible_through_the_app_api(client: ApiClient) -> None:
    trigger_seg = await segments.create_manual_segment(client, "Signed up")
    filter_seg = await segments.create_journeys_segment(
        client, "Pro", conditions=jm.attribute("plan", "eq", "pro"))
    spec = email_flow("Nurture", "welcome", trigger=jm.segment_trigger([trigger_seg.id]),
                      filter=jm.negate(jm.segment_ref(filter_seg.id)),
                      goal=jm.event_goal("purchased", 86400))
    flow = await campaigns.create_journeys_campaign(client, spec)
    [app_view] = await campaigns.list_campaigns(client)
    assert app_view.type == "segment"
    assert app_view.trigger_segment_ids == (trigger_seg.id,)
    assert app_view.filter_segment_ids == (filter_seg.id,)
    for seg_id in (trigger_seg.id, filter_seg.id):
        assert (await segments.segment_used_by(client, seg_id)).campaigns == (flow.id,)

    dated = await campaigns.create_journeys_campaign(
        client, email_flow("Birthday", "card", trigger=jm.date_trigger("birthday",
                                                                       start_hour=9)))
    date_view = await campaigns.get_campaign(client, dated.id)
    assert (date_view.type, date_view.raw["date_attribute"], date_view.raw["start_hour"]) == (
        "date", "birthday", 9)

    action_id = flow.action_ids()["welcome"]
    await campaigns.update_action(client, flow.id, action_id, {"subject": "Edited in App API"})
    journeys_view = await campaigns.get_journeys_campaign(client, flow.id)
    [step] = journeys_view.workflow
    assert step["action_id"] == action_id and "content" not in step


async def test_data_index_writes_are_read_through_journeys(client: ApiClient) -> None:
    await data_index.update_events(client, [data_index.EventMeta("b_event"),
                                            data_index.EventMeta("a_event", "first")])
    await data_index.update_events(client, [data_index.EventMeta("b_event", "second")])
    events = await data_index.list_events(client)  # names only (evidence §6)
    assert [(e.name, e.description) for e in events] == [("b_event", None), ("a_event", None)]
    raw = await client.journeys.get(client.env_path("attributes"))
    assert raw["attributes"] == [] and raw["meta"]["pagination"]["total"] == 0
