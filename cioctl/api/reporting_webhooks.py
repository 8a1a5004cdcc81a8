"""Reporting webhooks through the App API — returned **unwrapped**; DELETE answers 200 empty."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from cioctl.api._wire import (
    JSON,
    as_object,
    opt_bool,
    opt_str,
    req_int,
    req_str,
    str_tuple,
    unwrap_list,
)
from cioctl.api.http import ApiClient


@dataclass(frozen=True, slots=True)
class ReportingWebhook:
    """A reporting webhook; ``events`` keeps the API's order."""

    id: int
    name: str
    endpoint: str
    events: tuple[str, ...]
    disabled: bool = False
    full_resolution: bool = False
    with_content: bool = False
    type: str | None = None
    raw: JSON = field(default_factory=dict, compare=False, repr=False)


def _parse(body: object) -> ReportingWebhook:
    obj = as_object(body, "reporting_webhook")
    return ReportingWebhook(
        id=req_int(obj, "id", "reporting_webhook"),
        name=req_str(obj, "name", "reporting_webhook"),
        endpoint=req_str(obj, "endpoint", "reporting_webhook"),
        events=str_tuple(obj, "events", "reporting_webhook"),
        disabled=bool(opt_bool(obj, "disabled", "reporting_webhook")),
        full_resolution=bool(opt_bool(obj, "full_resolution", "reporting_webhook")),
        with_content=bool(opt_bool(obj, "with_content", "reporting_webhook")),
        type=opt_str(obj, "type", "reporting_webhook"),
        raw=obj,
    )


def webhook_body(
    name: str,
    endpoint: str,
    events: Sequence[str],
    *,
    disabled: bool = False,
    full_resolution: bool = False,
    with_content: bool = False,
) -> JSON:
    """The create/update body (name, endpoint and events are required by both)."""
    return {
        "name": name, "endpoint": endpoint, "events": list(events), "disabled": disabled,
        "full_resolution": full_resolution, "with_content": with_content,
    }


async def list_webhooks(client: ApiClient) -> list[ReportingWebhook]:
    """``GET /v1/reporting_webhooks`` → ``{"reporting_webhooks": [...]}``."""
    body = await client.app.get("/v1/reporting_webhooks")
    return [_parse(obj) for obj in unwrap_list(body, "reporting_webhooks")]


async def get_webhook(client: ApiClient, webhook_id: int) -> ReportingWebhook:
    """``GET /v1/reporting_webhooks/{id}`` (unwrapped)."""
    return _parse(await client.app.get(f"/v1/reporting_webhooks/{webhook_id}"))


async def create_webhook(client: ApiClient, body: JSON) -> ReportingWebhook:
    """``POST /v1/reporting_webhooks`` with a :func:`webhook_body`."""
    return _parse(await client.app.post("/v1/reporting_webhooks", body))


async def update_webhook(client: ApiClient, webhook_id: int, body: JSON) -> ReportingWebhook:
    """``PUT /v1/reporting_webhooks/{id}`` with a full :func:`webhook_body`."""
    return _parse(await client.app.put(f"/v1/reporting_webhooks/{webhook_id}", body))


async def delete_webhook(client: ApiClient, webhook_id: int) -> None:
    """``DELETE /v1/reporting_webhooks/{id}`` (200, no body)."""
    await client.app.delete(f"/v1/reporting_webhooks/{webhook_id}")
