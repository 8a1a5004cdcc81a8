"""Workspace-level reads: workspaces, the Journeys environment and account, object types,
subscription topics, sender identities, and Customer.io's outbound IP addresses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cioctl.api import journeys_modeled as jm
from cioctl.api._wire import JSON, opt_bool, opt_int, opt_str, req_int, req_str, unwrap_list
from cioctl.api.endpoints import Surface
from cioctl.api.http import ApiClient
from cioctl.api.pagination import collect_cursor

Environment = jm.Environment
Account = jm.Account


@dataclass(frozen=True, slots=True)
class Workspace:
    """An entry of ``GET /v1/workspaces`` (counts only)."""

    id: int
    name: str
    raw: JSON = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class ObjectType:
    """An object type (``id`` is an integer sent as a string)."""

    id: int
    name: str
    enabled: bool | None = None


@dataclass(frozen=True, slots=True)
class SubscriptionTopic:
    """A subscription-center topic."""

    id: int
    identifier: str
    name: str
    description: str | None = None
    subscribed_by_default: bool | None = None


@dataclass(frozen=True, slots=True)
class SenderIdentity:
    """A sender (``from``) identity."""

    id: int
    name: str
    email: str | None
    address: str | None


async def list_workspaces(client: ApiClient) -> list[Workspace]:
    """``GET /v1/workspaces``."""
    items = unwrap_list(await client.app.get("/v1/workspaces"), "workspaces")
    return [Workspace(req_int(i, "id"), req_str(i, "name"), raw=i) for i in items]


async def get_environment(client: ApiClient) -> Environment:
    """``GET /v1/environments/{ws}`` (modeled)."""
    return jm.parse_environment(await client.journeys.get(client.env_path()))


async def current_account(client: ApiClient) -> Account:
    """``GET /v1/accounts/current`` on the Journeys host (modeled)."""
    return jm.parse_account(await client.journeys.get(jm.ACCOUNT_PATH))


async def list_object_types(client: ApiClient) -> list[ObjectType]:
    """``GET /v1/object_types`` → ``{"types": [...]}``."""
    items = unwrap_list(await client.app.get("/v1/object_types"), "types")
    return [
        ObjectType(req_int(i, "id", "type"), req_str(i, "name", "type"), opt_bool(i, "enabled"))
        for i in items
    ]


async def list_subscription_topics(client: ApiClient) -> list[SubscriptionTopic]:
    """``GET /v1/subscription_topics`` → ``{"topics": [...]}``."""
    items = unwrap_list(await client.app.get("/v1/subscription_topics"), "topics")
    return [_topic(i) for i in items]


def _topic(obj: JSON) -> SubscriptionTopic:
    topic_id = req_int(obj, "id", "topic")
    return SubscriptionTopic(
        id=topic_id,
        identifier=opt_str(obj, "identifier", "topic") or f"topic_{topic_id}",
        name=req_str(obj, "name", "topic"),
        description=opt_str(obj, "description", "topic"),
        subscribed_by_default=opt_bool(obj, "subscribed_by_default", "topic"),
    )


async def list_sender_identities(client: ApiClient) -> list[SenderIdentity]:
    """``GET /v1/sender_identities``, following the ``start``/``next`` cursor."""

    async def fetch(start: str | None) -> Any:
        params: dict[str, str | int] = {"limit": 1000}
        if start is not None:
            params["start"] = start
        return await client.app.get("/v1/sender_identities", params=params)

    return [_sender(i) for i in await collect_cursor(fetch, "sender_identities")]


def _sender(obj: JSON) -> SenderIdentity:
    return SenderIdentity(
        id=req_int(obj, "id", "sender_identity"),
        name=opt_str(obj, "name", "sender_identity") or "",
        email=opt_str(obj, "email", "sender_identity"),
        address=opt_str(obj, "address", "sender_identity"),
    )


async def ip_addresses(client: ApiClient) -> Any:
    """``GET /v1/info/ip_addresses`` (no auth; returned as is)."""
    return await client.request(Surface.APP, "GET", "/v1/info/ip_addresses", auth=False)


def workspace_count(item: Workspace, key: str) -> int | None:
    """A count field (``people``, ``messages_sent``, ...) of a workspace entry."""
    return opt_int(item.raw, key, "workspace")
