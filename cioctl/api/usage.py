"""Every route cioctl's client calls, declared once (``cioctl doctor --openapi`` checks them). One
:class:`RouteUse` per method + path template the wire modules of :mod:`cioctl.api` send.
``request_fields`` are the JSON body fields the client may send, as dotted paths (``a.b``; a
list of objects is ``a[]``, its items' fields ``a[].b``; ``?name`` is a query parameter). A
field covers everything beneath it (``data`` covers the rows of a collection). ``documented`` is
False for the Journeys routes: their bodies are *evidence-based* (``docs/journeys-wire.md``,
from public accounts of the live service), so a vendor document lacking them is expected. A test
runs every client function against the embedded workspace and fails on any request not declared
here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cioctl.api.campaigns import WRITABLE_ACTION_FIELDS
from cioctl.api.endpoints import Surface


@dataclass(frozen=True, slots=True)
class RouteUse:
    """One route cioctl calls, what for, and which request fields it sends."""

    method: str
    path_template: str
    surface: Surface
    purpose: str
    request_fields: tuple[str, ...] = ()
    documented: bool = True

    @property
    def key(self) -> tuple[str, str]:
        """``(METHOD, template with unnamed parameters)`` for matching across documents."""
        return self.method, normalize(self.path_template)

    def __str__(self) -> str:
        return f"{self.method} {self.path_template}"


_PARAM = re.compile(r"\{[^/{}]+\}")


def normalize(template: str) -> str:
    """``/v1/segments/{segment_id}`` → ``/v1/segments/{}`` (parameter names differ by source)."""
    return _PARAM.sub("{}", template)


def matches(template: str, path: str) -> bool:
    """Whether a concrete request ``path`` fits ``template`` (one segment per parameter)."""
    want, got = template.split("/"), path.split("/")
    if len(want) != len(got):
        return False
    return all(
        w == g or (bool(g) and _PARAM.fullmatch(w) is not None)
        for w, g in zip(want, got, strict=True)
    )


def find_use(method: str, path: str) -> RouteUse | None:
    """The declared use a concrete request belongs to (literal routes win over templates)."""
    candidates = [u for u in ROUTES if u.method == method and matches(u.path_template, path)]
    candidates.sort(key=lambda u: u.path_template.count("{"))
    return candidates[0] if candidates else None


def _app(method: str, path: str, purpose: str, *fields: str) -> RouteUse:
    return RouteUse(method, path, Surface.APP, purpose, fields)


def _journeys(method: str, path: str, purpose: str, *fields: str) -> RouteUse:
    return RouteUse(method, path, Surface.JOURNEYS, purpose, fields, documented=False)


_SEG = "/v1/segments/{segment_id}"
_CAMP = "/v1/campaigns/{campaign_id}"
_ACTION = "/v1/campaigns/{campaign_id}/actions/{action_id}"
_ACTION_LANG = _ACTION + "/language/{language}"
_COLL = "/v1/collections/{collection_id}"
_HOOK = "/v1/reporting_webhooks/{webhook_id}"
_HOOK_FIELDS = ("name", "endpoint", "events", "disabled", "full_resolution", "with_content")
_ENV = "/v1/environments/{workspace_id}"
_ACTION_FIELDS = tuple(sorted(WRITABLE_ACTION_FIELDS))
_SEGMENT_FIELDS = tuple(f"segment.{f}" for f in
                        ("conditions", "description", "name", "tag_ids", "type"))
# One update_type per concern (evidence §5; docs/journeys-wire.md D4-D8): every field any of
# them sends, and the graph beside ``campaign`` (D6).
_CONCERN_FIELDS = (
    "update_type", "name", "description", "type", "event", "event_type", "attribute_filters",
    "filters", "anchors", "trigger", "restart_mode", "date_attribute", "frequency",
    "start_hour", "start_minutes", "timezone", "use_customer_timezone",
    "global_exit_conditions", "exit_on_trigger_or_filter_not_matched", "conversion",
    "exit_on_conversion", "state")
_CAMPAIGN_UPDATE_FIELDS = (*(f"campaign.{f}" for f in _CONCERN_FIELDS), "actions", "edges",
                           "action_ids")

APP_ROUTES: tuple[RouteUse, ...] = (
    _app("GET", "/v1/segments", "list segments"),
    _app("GET", _SEG, "read a segment"),
    _app("POST", "/v1/segments", "create a manual segment", "segment.name",
         "segment.description"),
    _app("DELETE", _SEG, "delete a segment"),
    _app("GET", _SEG + "/used_by", "what uses a segment (before deleting it)"),
    _app("GET", _SEG + "/customer_count", "a segment's member count"),
    _app("GET", "/v1/campaigns", "list campaigns"),
    _app("GET", _CAMP, "read a campaign"),
    _app("GET", _CAMP + "/actions", "list a campaign's actions (content)", "?start"),
    _app("GET", _ACTION, "read an action"),
    _app("GET", _ACTION_LANG, "read an action's translation"),
    _app("PUT", _ACTION, "update an action's content", *_ACTION_FIELDS),
    _app("PUT", _ACTION_LANG, "update an action's translation", *_ACTION_FIELDS),
    _app("GET", "/v1/snippets", "list snippets"),
    _app("POST", "/v1/snippets", "create a snippet", "name", "value"),
    _app("PUT", "/v1/snippets", "update a snippet", "name", "value"),
    _app("DELETE", "/v1/snippets/{snippet_name}", "delete a snippet"),
    _app("GET", "/v1/collections", "list collections"),
    _app("GET", _COLL, "read a collection"),
    _app("POST", "/v1/collections", "create a collection", "name", "data", "url"),
    _app("PUT", _COLL, "update a collection", "name", "data", "url"),
    _app("DELETE", _COLL, "delete a collection"),
    _app("GET", _COLL + "/content", "read a collection's data"),
    _app("PUT", _COLL + "/content", "replace a collection's data", "*"),
    _app("GET", "/v1/reporting_webhooks", "list reporting webhooks"),
    _app("GET", _HOOK, "read a reporting webhook"),
    _app("POST", "/v1/reporting_webhooks", "create a reporting webhook", *_HOOK_FIELDS),
    _app("PUT", _HOOK, "update a reporting webhook", *_HOOK_FIELDS),
    _app("DELETE", _HOOK, "delete a reporting webhook"),
    _app("POST", "/v1/data_index/attributes", "write attribute metadata", "attributes[].name",
         "attributes[].description", "attributes[].privacy_level"),
    _app("POST", "/v1/data_index/events", "write event metadata", "events[].name",
         "events[].description"),
    _app("GET", "/v1/workspaces", "check the key's workspace (doctor)"),
    _app("GET", "/v1/object_types", "list object types"),
    _app("GET", "/v1/subscription_topics", "list subscription topics"),
    _app("GET", "/v1/sender_identities", "list sender identities", "?limit", "?start"),
    _app("GET", "/v1/info/ip_addresses", "reachability without a key (doctor)"),
)

JOURNEYS_ROUTES: tuple[RouteUse, ...] = (
    _journeys("POST", "/v1/service_accounts/oauth/token", "exchange the service account for a "
              "JWT (form body)"),
    _journeys("GET", "/v1/accounts/current", "the account and its data center"),
    _journeys("GET", _ENV, "the workspace (doctor)"),
    _journeys("GET", _ENV + "/segments", "list segments with conditions", "?page", "?size"),
    _journeys("GET", _ENV + "/segments/{segment_id}", "read a segment with conditions"),
    _journeys("POST", _ENV + "/segments", "create a segment (CNF conditions)", *_SEGMENT_FIELDS),
    _journeys("PUT", _ENV + "/segments/{segment_id}", "replace a whole segment",
              *_SEGMENT_FIELDS),
    _journeys("DELETE", _ENV + "/segments/{segment_id}", "delete a segment"),
    _journeys("GET", _ENV + "/segments/{segment_id}/status",
              "wait until a written segment is built"),
    _journeys("GET", _ENV + "/tags", "tag names by id", "?page", "?size"),
    _journeys("POST", _ENV + "/tags", "create a tag", "tag.name"),
    _journeys("GET", _ENV + "/campaigns", "list flows", "?page", "?size"),
    _journeys("GET", _ENV + "/campaigns/{campaign_id}", "read a flow (campaign, actions, edges)"),
    _journeys("POST", _ENV + "/campaigns", "create a flow (type none)", "campaign.name",
              "campaign.type", "campaign.description"),
    _journeys("PUT", _ENV + "/campaigns/{campaign_id}", "update one concern of a flow",
              *_CAMPAIGN_UPDATE_FIELDS),
    _journeys("DELETE", _ENV + "/campaigns/{campaign_id}", "delete a flow"),
    _journeys("POST", _ENV + "/campaigns/{campaign_id}/tags", "tag a flow", "tag_ids"),
    _journeys("DELETE", _ENV + "/campaigns/{campaign_id}/tags/{tag_id}", "untag a flow"),
    _journeys("PUT", _ENV + "/actions/{action_id}", "update one action of a flow", "action"),
    _journeys("PUT", _ENV + "/templates/{template_id}", "write a message's content",
              "template"),
    _journeys("GET", _ENV + "/attributes", "read the attribute index", "?page", "?size"),
    _journeys("GET", _ENV + "/event_names", "read the event names", "?page", "?size"),
)

ROUTES: tuple[RouteUse, ...] = APP_ROUTES + JOURNEYS_ROUTES
"""Every route cioctl's client calls."""
