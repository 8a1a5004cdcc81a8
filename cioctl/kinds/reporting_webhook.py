"""Kind ``reporting_webhook``: a reporting webhook, read back by its name (App API)."""

from __future__ import annotations

from typing import TypedDict

from cioctl.api import reporting_webhooks
from cioctl.api.http import ApiClient
from cioctl.apply.wire import IdBook
from cioctl.kinds.address import Address
from cioctl.kinds.ops import KindOps, after, live_id, recovered
from cioctl.kinds.registry import Kind
from cioctl.model.base import slugify
from cioctl.model.resources import ReportingWebhook as WebhookSpec
from cioctl.plan.change import Change
from cioctl.state.canonical import JSON
from cioctl.state.references import definition_resource
from cioctl.state.resource import Resource


class WebhookFields(TypedDict):
    """A reporting webhook's canonical fields (events sorted: a set)."""

    name: str
    endpoint: str
    events: list[str]
    disabled: bool
    full_resolution: bool
    with_content: bool


def body(change: Change) -> JSON:
    """The webhook's request body from its canonical fields."""
    f = after(change)
    return reporting_webhooks.webhook_body(
        f["name"], f["endpoint"], f["events"], disabled=f["disabled"],
        full_resolution=f["full_resolution"], with_content=f["with_content"])


async def create(client: ApiClient, change: Change, ids: IdBook) -> int | None:
    """Create the webhook."""
    created = await reporting_webhooks.create_webhook(client, body(change))
    ids.webhooks[change.key] = created.id
    return created.id


async def update(client: ApiClient, change: Change, _ids: IdBook) -> int | None:
    """Write the whole webhook."""
    await reporting_webhooks.update_webhook(client, live_id(change), body(change))
    return change.live_id


async def delete(client: ApiClient, change: Change) -> None:
    """Delete the webhook by id."""
    await reporting_webhooks.delete_webhook(client, live_id(change))


async def recover(client: ApiClient, change: Change, ids: IdBook) -> int | None:
    """A lost create landed if a webhook of that name exists."""
    return recovered(ids.webhooks, change.key,
                     [w.id for w in await reporting_webhooks.list_webhooks(client)
                      if w.name == change.name])


def from_live(hook: reporting_webhooks.ReportingWebhook, ledger: frozenset[str]) -> Resource:
    """A reporting webhook, keyed by a slug of its name."""
    key = slugify(hook.name)
    fields = WebhookFields(
        name=hook.name, endpoint=hook.endpoint, events=sorted(hook.events),
        disabled=hook.disabled, full_resolution=hook.full_resolution,
        with_content=hook.with_content)
    return Resource(Kind.REPORTING_WEBHOOK, key, hook.name, dict(fields), live_id=hook.id,
        managed=str(Address(Kind.REPORTING_WEBHOOK, key)) in ledger)


def from_definition(w: WebhookSpec) -> Resource:
    """A reporting webhook definition as a canonical resource."""
    fields = WebhookFields(
        name=w.name, endpoint=w.endpoint, events=sorted(str(e) for e in w.events),
        disabled=w.disabled, full_resolution=w.full_resolution, with_content=w.with_content)
    return definition_resource(Kind.REPORTING_WEBHOOK, w, w.key, w.name, dict(fields))


def to_definition(resource: Resource) -> JSON:
    """What the importer writes for a live reporting webhook (its flags only when set)."""
    fields = resource.fields
    data: JSON = {"name": fields["name"]}
    if resource.key != slugify(fields["name"]):
        data["key"] = resource.key
    data |= {"endpoint": fields["endpoint"], "events": list(fields["events"])}
    for flag in ("disabled", "full_resolution", "with_content"):
        if fields.get(flag):
            data[flag] = True
    return data


OPS = KindOps(create=create, update=update, delete=delete, recover=recover)
