"""MODELED, NOT PUBLISHED: every Journeys-route body cioctl sends or reads.

Customer.io does not publish the request/response bodies of the Journeys management routes
(``/v1/environments/{workspace_id}/...`` on ``us|eu.fly.customer.io``) nor of the
service-account token exchange. The bodies below follow the modeled contract in
``docs/journeys-modeled.md`` (shaped on the App API's documented objects) and must be checked
against the real service (``cioctl doctor``). Nothing else in :mod:`cioctl.api` builds or parses
a Journeys body; the wire modules (``segments``, ``campaigns``, ``data_index``, ``workspace``)
call into this one, so a correction lands in one place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from cioctl.api._wire import (
    JSON,
    as_object,
    opt_bool,
    opt_int,
    opt_object,
    opt_str,
    req_int,
    req_str,
    str_tuple,
    unwrap,
)
from cioctl.api.secret import Secret

TOKEN_PATH = "/v1/service_accounts/oauth/token"
ACCOUNT_PATH = "/v1/accounts/current"

Condition = dict[str, Any]
"""One node of the modeled condition grammar (an object with exactly one key)."""

AttrOp = Literal[
    "eq", "neq", "exists", "not_exists", "gt", "gte", "lt", "lte", "contains",
    "not_contains", "starts_with", "in", "not_in",
]
CountOp = Literal["at_least", "at_most", "exactly"]
StepType = Literal["email", "sms", "push", "webhook", "in_app", "slack"]


_NO_VALUE: Any = object()
SEGMENT_UPDATE_FIELDS = frozenset({"name", "description", "conditions", "tags"})
CAMPAIGN_UPDATE_FIELDS = frozenset({
    "name", "description", "tags", "trigger", "filter", "goal", "frequency", "workflow", "state",
})


def env_path(workspace_id: int, *parts: str | int) -> str:
    """``/v1/environments/{workspace_id}/<parts...>``."""
    tail = "".join(f"/{part}" for part in parts)
    return f"/v1/environments/{workspace_id}{tail}"


def _partial(fields: Mapping[str, Any], allowed: frozenset[str]) -> JSON:
    """A partial-update object: given fields only (None = explicit null), lists copied."""
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    return {k: list(v) if isinstance(v, tuple | list) else v for k, v in fields.items()}


# -- auth ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TokenGrant:
    """A JWT from the token exchange and its lifetime in seconds."""

    access_token: Secret
    expires_in: int

    @property
    def cache_seconds(self) -> float:
        """How long to reuse the token: its lifetime less a margin (10 %, at most 60 s)."""
        return max(0.0, self.expires_in - min(60.0, self.expires_in * 0.1))


def token_request_form(service_account: Secret, scope: str | None = None) -> dict[str, str]:
    """Form fields of ``POST /v1/service_accounts/oauth/token``."""
    form = {"grant_type": "client_credentials", "client_secret": service_account.reveal()}
    if scope:
        form["scope"] = scope
    return form


def parse_token(body: Any) -> TokenGrant:
    """``{"access_token", "token_type", "expires_in"}`` → :class:`TokenGrant`."""
    obj = as_object(body, "token")
    expires = opt_int(obj, "expires_in", "token")
    return TokenGrant(Secret(req_str(obj, "access_token", "token")), expires or 3600)


@dataclass(frozen=True, slots=True)
class Account:
    """``GET /v1/accounts/current``."""

    id: int
    data_center: str


def parse_account(body: Any) -> Account:
    """``{"account": {"id", "data_center"}}`` → :class:`Account`."""
    obj = unwrap(body, "account")
    return Account(req_int(obj, "id", "account"), req_str(obj, "data_center", "account"))


# -- conditions ------------------------------------------------------------------------------


def all_of(*nodes: Condition) -> Condition:
    """``{"and": [...]}``."""
    return {"and": list(nodes)}


def any_of(*nodes: Condition) -> Condition:
    """``{"or": [...]}``."""
    return {"or": list(nodes)}


def negate(node: Condition) -> Condition:
    """``{"not": node}``."""
    return {"not": node}


def segment_ref(segment_id: int) -> Condition:
    """Membership of another segment: ``{"segment": {"id": ...}}``."""
    return {"segment": {"id": segment_id}}


def _comparison(field_name: str, operator: AttrOp, value: Any) -> JSON:
    node: JSON = {"field": field_name, "operator": operator}
    if value is not _NO_VALUE:
        node["value"] = value
    return node


def attribute(field_name: str, operator: AttrOp, value: Any = _NO_VALUE) -> Condition:
    """A person-attribute comparison (no ``value`` for exists / not_exists)."""
    return {"attribute": _comparison(field_name, operator, value)}


def event_filter(field_name: str, operator: AttrOp, value: Any = _NO_VALUE) -> JSON:
    """A filter on an event's property, for :func:`event` and event triggers."""
    return _comparison(field_name, operator, value)


def event(
    name: str,
    *,
    count_operator: CountOp = "at_least",
    count: int = 1,
    within_seconds: int | None = None,
    filters: Sequence[JSON] = (),
) -> Condition:
    """Performed event ``name`` ``count_operator`` ``count`` times (within a window)."""
    return {
        "event": {
            "name": name, "count_operator": count_operator, "count": count,
            "within_seconds": within_seconds, "filters": list(filters),
        }
    }


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


# -- campaigns -------------------------------------------------------------------------------


def event_trigger(event_name: str, filters: Sequence[JSON] = ()) -> JSON:
    """Trigger: a person performs ``event_name`` (matching ``filters``)."""
    return {"type": "event", "event_name": event_name, "filters": list(filters)}


def segment_trigger(segment_ids: Sequence[int]) -> JSON:
    """Trigger: a person enters any of ``segment_ids``."""
    return {"type": "segment", "segment_ids": list(segment_ids)}


def date_trigger(
    date_attribute: str,
    *,
    frequency: Literal["once", "monthly", "yearly"] = "once",
    start_hour: int = 0,
    start_minutes: int = 0,
    timezone: str = "UTC",
    use_customer_timezone: bool = False,
) -> JSON:
    """Trigger: a date held in a person attribute."""
    return {
        "type": "date", "date_attribute": date_attribute, "frequency": frequency,
        "start_hour": start_hour, "start_minutes": start_minutes, "timezone": timezone,
        "use_customer_timezone": use_customer_timezone,
    }


def event_goal(event_name: str, within_seconds: int) -> JSON:
    """Conversion goal: ``event_name`` within ``within_seconds`` of entry."""
    return {"type": "event", "event_name": event_name, "within_seconds": within_seconds}


def delay_step(seconds: int) -> JSON:
    """Workflow step: wait a fixed time."""
    return {"type": "delay", "seconds": seconds}


def wait_until_step(condition: Condition, max_seconds: int | None = None) -> JSON:
    """Workflow step: wait until ``condition`` holds (or ``max_seconds`` pass)."""
    return {"type": "wait_until", "condition": condition, "max_seconds": max_seconds}


def message_step(kind: StepType, name: str, content: Mapping[str, Any] | None = None) -> JSON:
    """Workflow step: send a message; ``name`` is cioctl's stable step id."""
    step: JSON = {"type": kind, "name": name}
    if content is not None:
        step["content"] = dict(content)
    return step


def branch_step(condition: Condition, then: Sequence[JSON], otherwise: Sequence[JSON]) -> JSON:
    """Workflow step: if/else on ``condition``."""
    return {"type": "branch", "condition": condition, "then": list(then), "else": list(otherwise)}


def attribute_update_step(field_name: str, value: Any) -> JSON:
    """Workflow step: set a person attribute."""
    return {"type": "attribute_update", "field": field_name, "value": value}


def exit_step() -> JSON:
    """Workflow step: leave the flow."""
    return {"type": "exit"}


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


# -- data index, environment -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AttributeInfo:
    """One attribute of the data index."""

    name: str
    description: str | None
    privacy_level: int


@dataclass(frozen=True, slots=True)
class EventInfo:
    """One event of the data index."""

    name: str
    description: str | None


def parse_attributes(items: Sequence[JSON]) -> list[AttributeInfo]:
    """Items of ``{"attributes": [...]}``."""
    return [
        AttributeInfo(
            req_str(i, "name", "attribute"), opt_str(i, "description", "attribute"),
            opt_int(i, "privacy_level", "attribute") or 0,
        )
        for i in items
    ]


def parse_events(items: Sequence[JSON]) -> list[EventInfo]:
    """Items of ``{"events": [...]}``."""
    return [
        EventInfo(req_str(i, "name", "event"), opt_str(i, "description", "event")) for i in items
    ]


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

