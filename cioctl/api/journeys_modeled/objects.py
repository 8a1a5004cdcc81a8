"""Modeled Journeys objects: segments, campaigns, data-index entries, the environment."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from cioctl.api._wire import (
    JSON,
    as_object,
    opt_bool,
    opt_object,
    opt_str,
    req_int,
    req_str,
    str_tuple,
    unwrap,
)
from cioctl.api.journeys_modeled.builders import (
    SegmentIds,
    resolve_condition,
    trigger_from,
    workflow_from,
)
from cioctl.api.journeys_modeled.common import (
    CAMPAIGN_UPDATE_FIELDS,
    SEGMENT_UPDATE_FIELDS,
    Condition,
    _partial,
)

# -- segments --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class JourneysSegment:
    """A segment as the Journeys routes return it (the App API segment plus conditions)."""

    id: int
    name: str
    description: str
    type: str
    conditions: Condition | None
    tags: tuple[str, ...] = ()
    state: str | None = None
    raw: JSON = field(default_factory=dict, compare=False, repr=False)


def parse_segment(obj: JSON) -> JourneysSegment:
    """One segment object (already unwrapped)."""
    return JourneysSegment(
        id=req_int(obj, "id", "segment"),
        name=req_str(obj, "name", "segment"),
        description=opt_str(obj, "description", "segment") or "",
        type=opt_str(obj, "type", "segment") or "dynamic",
        conditions=opt_object(obj, "conditions", "segment"),
        tags=str_tuple(obj, "tags", "segment"),
        state=opt_str(obj, "state", "segment"),
        raw=obj,
    )


def parse_segment_body(body: Any) -> JourneysSegment:
    """``{"segment": {...}}`` → :class:`JourneysSegment`."""
    return parse_segment(unwrap(body, "segment"))


def segment_create_body(
    name: str,
    *,
    conditions: Condition | None,
    description: str | None = None,
    tags: Sequence[str] | None = None,
    manual: bool = False,
) -> JSON:
    """Body of ``POST /segments``: dynamic with ``conditions``, or manual without."""
    segment: JSON = {"name": name, "type": "manual" if manual else "dynamic"}
    if not manual:
        segment["conditions"] = conditions
    if description is not None:
        segment["description"] = description
    if tags is not None:
        segment["tags"] = list(tags)
    return {"segment": segment}


def segment_update_body(**fields: Any) -> JSON:
    """Body of ``PUT /segments/{id}``: only the given name/description/conditions/tags."""
    return {"segment": _partial(fields, SEGMENT_UPDATE_FIELDS)}


@dataclass(frozen=True, slots=True)
class JourneysCampaign:
    """A campaign (flow) as the Journeys routes return it."""

    id: int
    name: str
    description: str
    state: str | None
    active: bool | None
    tags: tuple[str, ...]
    trigger: JSON
    filter: Condition | None
    goal: JSON | None
    frequency: str | None
    workflow: tuple[JSON, ...]
    raw: JSON = field(default_factory=dict, compare=False, repr=False)

    def action_ids(self) -> dict[str, int]:
        """``step name → App API action id`` for every message step (branches included)."""
        return dict(_message_steps(self.workflow))


def _message_steps(steps: Sequence[JSON]) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    for step in steps:
        if isinstance(step.get("name"), str) and isinstance(step.get("action_id"), int):
            found.append((step["name"], step["action_id"]))
        for key in ("then", "else"):
            found.extend(_message_steps(step.get(key) or []))
    return found


def parse_campaign(obj: JSON) -> JourneysCampaign:
    """One campaign object (already unwrapped)."""
    workflow = obj.get("workflow") or []
    return JourneysCampaign(
        id=req_int(obj, "id", "campaign"),
        name=req_str(obj, "name", "campaign"),
        description=opt_str(obj, "description", "campaign") or "",
        state=opt_str(obj, "state", "campaign"),
        active=opt_bool(obj, "active", "campaign"),
        tags=str_tuple(obj, "tags", "campaign"),
        trigger=opt_object(obj, "trigger", "campaign") or {},
        filter=opt_object(obj, "filter", "campaign"),
        goal=opt_object(obj, "goal", "campaign"),
        frequency=opt_str(obj, "frequency", "campaign"),
        workflow=tuple(as_object(s, "campaign.workflow[]") for s in workflow),
        raw=obj,
    )


def parse_campaign_body(body: Any) -> JourneysCampaign:
    """``{"campaign": {...}}`` → :class:`JourneysCampaign`."""
    return parse_campaign(unwrap(body, "campaign"))


@dataclass(frozen=True, slots=True)
class CampaignSpec:
    """What ``POST /campaigns`` creates."""

    name: str
    trigger: JSON
    description: str | None = None
    tags: Sequence[str] | None = None
    filter: Condition | None = None
    goal: JSON | None = None
    frequency: Literal["once", "multiple"] | None = None
    workflow: Sequence[JSON] = ()
    state: Literal["draft", "running"] | None = None


def campaign_create_body(spec: CampaignSpec) -> JSON:
    """Body of ``POST /campaigns``."""
    campaign: JSON = {"name": spec.name, "trigger": spec.trigger, "workflow": list(spec.workflow)}
    optional = {
        "description": spec.description, "filter": spec.filter, "goal": spec.goal,
        "frequency": spec.frequency, "state": spec.state,
        "tags": None if spec.tags is None else list(spec.tags),
    }
    campaign.update({k: v for k, v in optional.items() if v is not None})
    return {"campaign": campaign}


def campaign_update_body(**fields: Any) -> JSON:
    """Body of ``PUT /campaigns/{id}``: only the given fields; a workflow replaces the tree."""
    return {"campaign": _partial(fields, CAMPAIGN_UPDATE_FIELDS)}


# -- environment -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Environment:
    """``GET /v1/environments/{id}``."""

    id: int
    name: str
    region: str | None


def parse_environment(body: Any) -> Environment:
    """``{"environment": {"id", "name", "region"}}``."""
    obj = unwrap(body, "environment")
    return Environment(
        req_int(obj, "id", "environment"), req_str(obj, "name", "environment"),
        opt_str(obj, "region", "environment"),
    )



def campaign_from(fields: JSON, tags: Sequence[str], segment_id: SegmentIds) -> CampaignSpec:
    """A canonical flow (cioctl's form, segments by key) as the modeled campaign."""
    return CampaignSpec(
        name=fields["name"], description=fields.get("description") or "", tags=list(tags),
        trigger=trigger_from(fields["trigger"], segment_id),
        filter=resolve_condition(fields["filter"], segment_id) if fields.get("filter") else None,
        goal=fields.get("goal"), frequency=fields.get("frequency", "once"),
        workflow=workflow_from(fields.get("steps", []), segment_id),
        state=fields.get("state", "running"),
    )
