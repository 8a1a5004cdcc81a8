"""Helpers for the embedded workspace's tests (importable as ``emu_helpers``)."""

from __future__ import annotations

import asyncio
import base64
import json
import urllib.parse
from typing import Any

import httpx
from starlette.applications import Starlette

from cioctl.emulator import LOCAL_APP_API_KEY, LOCAL_SERVICE_ACCOUNT

WS = 1


class FakeClock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Api:
    """Calls an app in-process through ``httpx.ASGITransport``, one request at a time."""

    def __init__(self, app: Starlette, key: str | None = LOCAL_APP_API_KEY) -> None:
        self.app = app
        self.key = key

    def __call__(self, method: str, path: str, *, token: str | None = None,
                 **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        credential = token or self.key
        if credential:
            headers["Authorization"] = f"Bearer {credential}"

        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://emu") as client:
                return await client.request(method, path, headers=headers, **kwargs)

        return asyncio.run(go())

    def jwt(self, scope: str | None = None) -> str:
        data = {"grant_type": "client_credentials", "client_secret": LOCAL_SERVICE_ACCOUNT}
        if scope:
            data["scope"] = scope
        response = self("POST", "/v1/service_accounts/oauth/token", data=data)
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token


def error(response: httpx.Response) -> dict[str, Any]:
    """The single shape-A error item of a response."""
    body = response.json()
    assert list(body) == ["errors"] and len(body["errors"]) == 1, body
    item: dict[str, Any] = body["errors"][0]
    assert isinstance(item["detail"], str)
    return item


J = f"/v1/environments/{WS}"
"""The Journeys routes' prefix."""


def b64(value: Any) -> str:
    """``base64(encodeURIComponent(JSON))`` (evidence §5), written here independently."""
    text = json.dumps(value, separators=(",", ":"))
    return base64.b64encode(urllib.parse.quote(text, safe="-_.!~*'()").encode()).decode()


def event_recipients(event: str = "signed_up", **extra: Any) -> dict[str, Any]:
    """A complete ``recipients`` body for an event trigger (docs/journeys-wire.md D5)."""
    fields: dict[str, Any] = {
        "update_type": "recipients", "type": "transactional", "event": event,
        "event_type": "event", "attribute_filters": {}, "filters": b64([]), "anchors": b64([]),
        "trigger": None, "restart_mode": "never",
    }
    return {"campaign": {**fields, **extra}}


def segment_recipients(segment_id: int, **extra: Any) -> dict[str, Any]:
    return event_recipients(**{"type": "seg_attr", "event": None, "event_type": None,
                               "trigger": {"and": [{"segment": {"id": segment_id}}]}, **extra})


def build_flow(api: Api, token: str, messages: list[tuple[str, str, dict[str, Any]]],
               name: str = "Onboarding", recipients: dict[str, Any] | None = None,
               ) -> tuple[int, list[int]]:
    """Create a campaign, set its trigger, chain a 60 s delay before each message
    ``(action type, name, template fields)`` and write each template. Returns the campaign id
    and the message action ids, in order."""
    created = api("POST", f"{J}/campaigns", token=token,
                  json={"campaign": {"name": name, "type": "none"}})
    assert created.status_code == 200, created.text
    cid: int = created.json()["campaign"]["id"]
    response = api("PUT", f"{J}/campaigns/{cid}", token=token,
                   json=recipients or event_recipients())
    assert response.status_code == 200, response.text
    read = api("GET", f"{J}/campaigns/{cid}", token=token).json()
    (exit_id,) = [a["id"] for a in read["actions"] if a["type"] == "exit_action"]
    if not messages:
        return cid, []
    actions: list[dict[str, Any]] = []
    for action_type, action_name, _ in messages:
        actions += [{"type": "delay_seconds_action", "delay": 60},
                    {"type": action_type, "name": action_name}]
    count = len(actions)
    edges = [{"from": -count + i, "to": -count + i + 1, "type": "continue"}
             for i in range(count - 1)]
    root = [a["id"] for a in read["actions"] if a["type"] == "filter_match_delay_action"]
    if root:
        edges.insert(0, {"from": root[0], "to": -count, "type": "continue"})
    edges.append({"from": -1, "to": exit_id, "type": "continue"})
    added = api("PUT", f"{J}/campaigns/{cid}", token=token,
                json={"campaign": {"update_type": "add_actions"}, "actions": actions,
                      "edges": edges})
    assert added.status_code == 200, added.text
    ids = []
    by_name = {a["name"]: a for a in added.json()["actions"] if a["name"]}
    for _, action_name, content in messages:
        action = by_name[action_name]
        ids.append(action["id"])
        put = api("PUT", f"{J}/templates/{action['template_id']}", token=token,
                  json={"template": content})
        assert put.status_code == 200, put.text
    return cid, ids


def email_flow(api: Api, token: str, steps: int = 1) -> tuple[int, list[int]]:
    """An event-triggered flow of ``steps`` emails named ``step-<i>``."""
    return build_flow(api, token, [("email_action", f"step-{i}",
                                    {"subject": f"Hello {i}", "body": f"<p>{i}</p>"})
                                   for i in range(steps)])
