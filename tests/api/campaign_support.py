"""Shared pieces of the campaign-codec tests: contexts, the example flows, a flow builder."""

from __future__ import annotations

from typing import Any

from cioctl.api.journeys.campaign_codec import Context
from cioctl.checks.expressible import value_types
from cioctl.checks.symbols import Symbols
from cioctl.engine import load_valid_workspace
from cioctl.model.flows import Flow
from tests.api.campaign_strategies import SENDERS
from tests.api.segment_codec_support import SEGMENT_IDS, TYPES
from tests.conftest import EXAMPLE

JSON = dict[str, Any]
CONTEXT = Context(SEGMENT_IDS, TYPES, SENDERS)
EXAMPLE_SENDERS = {"Acme (local) <hello@local.acme.test>": 7}
DELAY = {"type": "delay", "seconds": 60}
IF = {"attribute": {"field": "verified", "operator": "eq", "value": True}}


def example() -> tuple[dict[str, Flow], Context]:
    workspace = load_valid_workspace(EXAMPLE, "local", {})
    segments = {s.key: number for number, s in enumerate(workspace.segments, start=10)}
    context = Context(segments, value_types(Symbols.of(workspace)), EXAMPLE_SENDERS)
    return {f.name: f for f in workspace.flows}, context


def flow(steps: list[JSON], **extra: Any) -> JSON:
    return {"name": "F", "description": "", "state": "draft",
            "trigger": {"type": "event", "event_name": "logged_in", "filters": []},
            "filter": None, "goal": None, "frequency": "once", "tags": [], "steps": steps,
            **extra}
