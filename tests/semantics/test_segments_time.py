"""Membership that changes as time passes (next_time_change), explain, and the example
workspace's segments through SegmentWorld.from_model."""

from __future__ import annotations

from pathlib import Path

from cioctl.pipeline import validate_workspace
from cioctl.semantics.people import AttributeChange, TimedEvent, Truth
from cioctl.semantics.segments import (
    SegmentWorld,
    condition_truth,
    explain,
    is_member,
    next_time_change,
)
from tests.semantics.helpers import cond, person, t, world

EXAMPLE = Path(__file__).resolve().parents[2] / "workspaces" / "example"
WINDOWED = {"event": "login", "at_least": 2, "within": "7d"}


def test_a_window_expires_when_its_oldest_counted_event_leaves() -> None:
    who = person({}, [("login", t(0)), ("login", t(2))], added_at=t(-30))
    leaf = cond(WINDOWED)
    assert condition_truth(leaf, who, t(3), world()) is Truth.TRUE
    assert next_time_change(leaf, who, t(3), world()) == t(7)
    assert condition_truth(leaf, who, t(7), world()) is Truth.FALSE
    assert next_time_change(leaf, who, t(7), world()) is None


def test_the_profile_age_rule_starts_to_apply() -> None:
    leaf = cond({"not": {"event": "login", "within": "7d"}})
    who = person({}, added_at=t(0))
    assert condition_truth(leaf, who, t(1), world()) is Truth.UNKNOWN
    assert next_time_change(leaf, who, t(1), world()) == t(7)
    assert condition_truth(leaf, who, t(7), world()) is Truth.TRUE


def test_no_window_means_no_change_without_new_data() -> None:
    who = person({"plan": "pro"}, [("login", t(0))])
    assert next_time_change(cond({"event": "login"}), who, t(0), world()) is None
    assert next_time_change(cond({"attribute": "plan", "operator": "eq", "value": "pro"}),
                            who, t(0), world()) is None


def test_data_already_in_the_history_counts_as_a_change() -> None:
    # A complete history (estimate's warehouse) holds future arrivals and attribute changes.
    who = person({}, [TimedEvent("login", {}, t(1), arrived=t(4))], added_at=t(-30)) \
        .with_change(AttributeChange(t(6), "plan", "pro"))
    assert next_time_change(cond({"event": "login"}), who, t(0), world()) == t(4)
    leaf = cond({"attribute": "plan", "operator": "exists"})
    assert next_time_change(leaf, who, t(0), world()) == t(6)


def test_next_time_change_through_a_segment_reference() -> None:
    w = world({"active": WINDOWED, "wrapper": {"segment": "active"}})
    who = person({}, [("login", t(0)), ("login", t(1))], added_at=t(-30))
    assert is_member("wrapper", who, t(2), w)
    assert next_time_change("wrapper", who, t(2), w) == t(7)
    assert not is_member("wrapper", who, t(7), w)


def test_a_candidate_that_does_not_change_the_truth_is_skipped() -> None:
    # Three logins, at_least 2: the first leaving the window changes nothing, the second does.
    who = person({}, [("login", t(0)), ("login", t(1)), ("login", t(2))], added_at=t(-30))
    assert next_time_change(cond(WINDOWED), who, t(3), world()) == t(8)


def test_explain_names_the_deciding_values() -> None:
    who = person({"plan": "pro", "age": "n/a"}, [("purchase", t(0), {"sku": "A1"})],
                 added_at=t(0))
    condition = cond({"all": [
        {"attribute": "plan", "operator": "eq", "value": "pro"},
        {"not": {"attribute": "age", "operator": "gt", "value": 3}},
        {"event": "purchase", "within": "7d", "where": [
            {"property": "sku", "operator": "eq", "value": "A1"}]},
        {"event": "login", "at_most": 0, "within": "7d"},
        {"segment": "beta"},
    ]})
    lines = explain(condition, who, t(1), world({"beta": None}))
    assert lines == [
        "all → FALSE",
        "  plan eq 'pro' — plan is 'pro' → TRUE",
        "  not → UNKNOWN",
        "    age gt 3 — age is 'n/a', not a number, so absent → UNKNOWN",
        "  purchase at_least 1 within 7d where [sku eq 'A1'] — 1 counted in "
        "(2025-12-30T09:00:00Z, 2026-01-06T09:00:00Z] → TRUE",
        "  login at_most 0 within 7d — 0 counted in (2025-12-30T09:00:00Z, "
        "2026-01-06T09:00:00Z]; data starts 2026-01-05T09:00:00Z, inside the window → UNKNOWN",
        "  segment beta — not a member → FALSE",
        "condition → FALSE",
    ]


def test_the_example_workspace_segments() -> None:
    report = validate_workspace(EXAMPLE, "local", {})
    assert report.ok, report.problems
    w = SegmentWorld.from_model(report.workspace)
    assert w.attribute_types["email_verified"] == "boolean"
    assert w.property_types["feature_used"]["feature"] == "string"
    signed_up = TimedEvent("signed_up", {"method": "email"}, t(0))
    ada = person({"email_verified": False, "plan": "pro"}, [signed_up], added_at=t(0))
    assert is_member("unverified", ada, t(1), w)
    assert next_time_change("unverified", ada, t(1), w) == t(7)  # expires with time
    assert is_member("paying_customers", ada, t(1), w)
    assert not is_member("beta_testers", ada, t(1), w)
    # Dormant: no login for 14 days and not cancelled; a new person is not dormant yet
    assert not is_member("dormant", ada, t(13), w)
    assert is_member("dormant", ada, t(14), w)
    assert next_time_change("dormant", ada, t(1), w) == t(14)
