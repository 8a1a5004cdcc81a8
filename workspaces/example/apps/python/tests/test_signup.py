"""The example app's own unit tests: a RecordingTracker, no network, validation raises."""

from __future__ import annotations

import pytest

from acme_app.signup import sign_up, upgrade
from acme_app.tracking import RecordingTracker, TrackingValidationError


def test_sign_up_sends_the_declared_event() -> None:
    tracker = RecordingTracker()
    sign_up(tracker, "42", "ada@example.com", "github")
    [event] = tracker.events("signed_up")
    assert event.person_id == "42"
    assert event.data == {"method": "github", "plan": "free"}
    assert tracker.identified()[0].data["email"] == "ada@example.com"


def test_upgrade_sends_plan_and_subscription() -> None:
    tracker = RecordingTracker()
    upgrade(tracker, "42", 29.0)
    assert [c.name for c in tracker.events()] == ["plan_upgraded", "subscription_started"]


def test_a_bad_value_is_refused_under_tests() -> None:
    tracker = RecordingTracker()
    with pytest.raises(TrackingValidationError, match="not one of"):
        tracker.track("42", "signed_up", {"method": "fax"})
    assert tracker.calls == []
