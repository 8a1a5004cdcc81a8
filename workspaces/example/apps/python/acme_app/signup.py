"""Sign-up and upgrade in the example app: what they tell Customer.io.

The tracker is passed in, so production hands it the official client and unit tests a
RecordingTracker.
"""

from __future__ import annotations

from typing import Literal

from acme_app.tracking import Tracker


def sign_up(tracker: Tracker, user_id: str, email: str,
            method: Literal["google", "email", "github"]) -> None:
    """A new account: its attributes, then the signed_up event."""
    tracker.identify(user_id, email=email, plan="free", onboarding_step="started")
    tracker.signed_up(user_id, method=method, plan="free")


def upgrade(tracker: Tracker, user_id: str, amount: float) -> None:
    """A move from the free plan to pro, billed monthly."""
    tracker.plan_upgraded(user_id, from_plan="free", to_plan="pro")
    tracker.subscription_started(user_id, plan="pro", amount=amount, interval="month")
    tracker.identify(user_id, plan="pro", mrr=amount)
