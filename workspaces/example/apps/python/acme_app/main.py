"""Production wiring: the generated tracker over the official ``customerio`` client."""

from __future__ import annotations

import os

import customerio  # type: ignore[import-untyped]  # the package ships no type information

from acme_app.signup import sign_up
from acme_app.tracking import Tracker


def make_tracker() -> Tracker:
    """A tracker sending through Customer.io's Track API (validation: warn, never raise)."""
    client = customerio.CustomerIO(site_id=os.environ["CIO_SITE_ID"],
                                   api_key=os.environ["CIO_TRACK_API_KEY"])
    return Tracker(client, validation="warn")


if __name__ == "__main__":
    sign_up(make_tracker(), "42", "ada@example.com", "github")
