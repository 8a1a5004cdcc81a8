"""Helpers for the embedded workspace's tests (importable as ``emu_helpers``)."""

from __future__ import annotations

import asyncio
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


def email_campaign(name: str = "Onboarding", steps: int = 1, **extra: Any) -> dict[str, Any]:
    workflow: list[dict[str, Any]] = []
    for i in range(steps):
        workflow += [{"type": "delay", "seconds": 60},
                     {"type": "email", "name": f"step-{i}",
                      "content": {"subject": f"Hello {i}", "body": f"<p>{i}</p>"}}]
    return {"campaign": {"name": name, "trigger": {"type": "event", "event_name": "signed_up"},
                         "workflow": workflow, **extra}}
