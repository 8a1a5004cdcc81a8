"""Data-index reads on the Journeys routes (evidence §6), decoded defensively.

* Event names: ``GET /event_names``; its body is not public (§6, §8). Accepted: a list of
  strings or of objects with a ``name`` (and maybe a ``description``), bare or under one of
  :data:`EVENT_NAME_KEYS`. Anything else is an :class:`ApiProtocolError` naming the route.
* Attributes: ``GET /attributes?page&size`` → ``{"attributes": [...]}``, privacy under
  ``metadata.privacy_level`` (§6, S14). The list carries no ``description`` (only
  ``GET /attributes/{id}`` does), so a description absent from an item is *unknown* (None),
  not empty.

``GET /data_index/events`` is never called: on the real service it queues an export (§6).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cioctl.api._wire import JSON, as_object, opt_int, opt_str, req_str
from cioctl.api.errors import ApiProtocolError

EVENT_NAME_KEYS = ("event_names", "events", "data")


@dataclass(frozen=True, slots=True)
class AttributeInfo:
    """One attribute of the data index (``description`` None: the list did not say)."""

    name: str
    description: str | None
    privacy_level: int


@dataclass(frozen=True, slots=True)
class EventInfo:
    """One event name (``description`` None: ``/event_names`` did not say, the usual case)."""

    name: str
    description: str | None = None


def _shape_error(route: str, what: str) -> ApiProtocolError:
    return ApiProtocolError(
        f"unexpected API response from {route}: {what}; expected a list of event names "
        f"(strings or objects with a \"name\"), bare or under one of {list(EVENT_NAME_KEYS)}")


def event_name_items(body: Any, route: str) -> list[JSON]:
    """One page of ``/event_names`` as ``{"name"[, "description"]}`` objects."""
    items = body
    if isinstance(body, dict):
        found = [key for key in EVENT_NAME_KEYS if isinstance(body.get(key), list)]
        if not found:
            raise _shape_error(route, f"an object with keys {sorted(body)[:5]}")
        items = body[found[0]]
    if not isinstance(items, list):
        raise _shape_error(route, f"a {type(body).__name__}")
    return [_event_item(item, route) for item in items]


def _event_item(item: Any, route: str) -> JSON:
    if isinstance(item, str) and item:
        return {"name": item}
    if isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"]:
        description = item.get("description")
        return {"name": item["name"], **({"description": description}
                                          if isinstance(description, str) else {})}
    raise _shape_error(route, f"an item {str(item)[:60]!r}")


def parse_events(items: Sequence[JSON]) -> list[EventInfo]:
    """Items from :func:`event_name_items`."""
    return [EventInfo(i["name"], i.get("description")) for i in items]


def parse_attributes(items: Sequence[JSON]) -> list[AttributeInfo]:
    """Items of ``{"attributes": [...]}`` (privacy under ``metadata``; top level tolerated)."""
    result = []
    for item in items:
        metadata = as_object(item.get("metadata") or {}, "attribute.metadata")
        level = opt_int(metadata, "privacy_level", "attribute.metadata")
        if level is None:
            level = opt_int(item, "privacy_level", "attribute")
        result.append(AttributeInfo(req_str(item, "name", "attribute"),
                                    opt_str(item, "description", "attribute"), level or 0))
    return result
