"""The two ways the route tests reach the embedded workspace with the real client.

* ``asgi``: in process, ``httpx.ASGITransport`` over an app on a fresh temp database;
* ``loopback``: over TCP against a served emulator (``running_emulator``, one per test module
  and xdist worker, on a free port); its database is put back to the freshly seeded state
  before each test (see :class:`Served`), so ids start at 1 in both modes.

Every client's transport is wrapped in a :class:`WireLog`, so tests can assert what went over
the wire (status codes of bodiless answers, the exact PUT body) without reaching into the client.
"""

from __future__ import annotations

import json
import random
import sqlite3
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import httpx

from cioctl.api import endpoints
from cioctl.api.campaigns import message_action_ids
from cioctl.api.http import ApiClient, Credentials
from cioctl.api.journeys import campaign_client
from cioctl.api.journeys.campaign_types import CampaignRead
from cioctl.api.journeys.wire_values import ValueTypes
from cioctl.api.ratelimit import RateLimiter
from cioctl.api.retry import RetryPolicy
from cioctl.api.secret import Secret
from cioctl.model.base import slugify
from cioctl.model.flows import Flow
from cioctl.state.flows import flow_fields

WS = 424242
EMBEDDED_BASE = "http://127.0.0.1:8765"

Sleep = Callable[[float], Awaitable[None]]
Rows = dict[str, tuple[list[str], list[tuple[Any, ...]]]]


class Clock:
    """One fake clock for the emulator (wall time) and the client (sleep advances it)."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


@dataclass(frozen=True)
class Exchange:
    """One request/response pair as it crossed the transport."""

    method: str
    path: str
    query: str
    request_body: bytes
    status: int
    response_body: bytes

    def request_json(self) -> Any:
        return json.loads(self.request_body)


class WireLog(httpx.AsyncBaseTransport):
    """A transport that forwards to ``inner`` and keeps every exchange."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.exchanges: list[Exchange] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        content = await response.aread()
        self.exchanges.append(Exchange(
            request.method, request.url.path, request.url.query.decode(), request.content,
            response.status_code, content,
        ))
        return httpx.Response(response.status_code, headers=response.headers, content=content,
                              extensions=response.extensions)

    async def aclose(self) -> None:
        await self.inner.aclose()

    def last(self, method: str, path: str) -> Exchange:
        """The latest exchange of ``method`` on exactly ``path``."""
        found = [e for e in self.exchanges if e.method == method and e.path == path]
        assert found, f"no {method} {path} in {[(e.method, e.path) for e in self.exchanges]}"
        return found[-1]


def snapshot(db_path: Path) -> Rows:
    """Every row of every table of a freshly seeded database."""
    conn = sqlite3.connect(db_path, timeout=30.0)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        rows: Rows = {}
        for table in tables:
            cursor = conn.execute(f"SELECT * FROM {table}")
            rows[table] = ([d[0] for d in cursor.description], cursor.fetchall())
        return rows
    finally:
        conn.close()


def restore(db_path: Path, rows: Rows) -> None:
    """Put ``rows`` back in one transaction (the served app reads the file on each request)."""
    conn = sqlite3.connect(db_path, timeout=30.0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        for table, (columns, values) in rows.items():
            conn.execute(f"DELETE FROM {table}")
            marks = ", ".join("?" for _ in columns)
            conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                             values)
        conn.execute("COMMIT")
    finally:
        conn.close()


@dataclass(frozen=True)
class Served:
    """A served emulator of one test module: its URL, database and seeded state."""

    url: str
    db_path: Path
    seeded: Rows

    def reset(self) -> None:
        restore(self.db_path, self.seeded)


@dataclass
class Backend:
    """Where one test's clients go: a transport factory, base URL, database and clock."""

    kind: str
    base_url: str
    db_path: Path
    transport: Callable[[], httpx.AsyncBaseTransport]
    clock: Callable[[], float] = time.monotonic
    sleep: Sleep = anyio.sleep


@dataclass
class Target:
    """The test's main client on a backend, and a way to make more (other credentials)."""

    backend: Backend
    app_key: str
    service_account: str
    clients: list[ApiClient] = field(default_factory=list)
    wires: list[WireLog] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.backend.kind

    def make(
        self, *, key: str | None = None, service_account: str | None = None,
        workspace_id: int = WS, token_scope: str | None = None, attempts: int = 5,
    ) -> ApiClient:
        """A new client on this backend (closed at teardown); its wire is ``self.wires[-1]``."""
        wire = WireLog(self.backend.transport())
        client = ApiClient(
            endpoints.for_override(self.backend.base_url),
            Credentials(app_api_key=Secret(key or self.app_key),
                        service_account=Secret(service_account or self.service_account)),
            workspace_id=workspace_id,
            transport=wire,
            retry=RetryPolicy(max_attempts=attempts, sleep=self.backend.sleep,
                              clock=self.backend.clock, random=random.Random(3)),
            limiter=RateLimiter(enabled=False),
            clock=self.backend.clock,
            token_scope=token_scope,
        )
        self.clients.append(client)
        self.wires.append(wire)
        return client

    async def aclose(self) -> None:
        for client in self.clients:
            await client.aclose()


def error_item(body: bytes) -> dict[str, Any]:
    """The single shape-A error item of a raw response body."""
    parsed = json.loads(body)
    assert list(parsed) == ["errors"] and len(parsed["errors"]) == 1, parsed
    item: dict[str, Any] = parsed["errors"][0]
    assert isinstance(item["detail"], str)
    return item


def flow_json(name: str, steps: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """A flow definition (YAML form) as the canonical flow the campaign codec takes."""
    definition = {"key": slugify(name) or "flow", "name": name,
                  "trigger": extra.pop("trigger", {"event": "signed_up"}), "steps": steps,
                  **extra}
    return flow_fields(Flow.model_validate(definition))


def email_flow(name: str, *steps: str, **extra: Any) -> dict[str, Any]:
    """A flow of emails ``steps`` (ids), each with subject ``S.title()`` and body."""
    return flow_json(name, [{"email": {"id": s, "subject": s.title(), "body": f"<p>{s}</p>"}}
                            for s in steps], **extra)


@dataclass(frozen=True)
class MadeFlow:
    """A campaign created through the real client, as its final re-read shows it."""

    id: int
    read: CampaignRead

    def action_ids(self) -> dict[str, int]:
        return message_action_ids(self.read)


async def create_flow(client: ApiClient, flow: dict[str, Any], tags: tuple[str, ...] = (),
                      segment_ids: dict[str, int] | None = None,
                      senders: dict[str, int] | None = None) -> MadeFlow:
    """Create ``flow``'s campaign with every write of the evidence (campaign_client)."""
    ctx = campaign_client.context(segment_ids or {}, ValueTypes(), senders or {})
    read = await campaign_client.create_flow(client, flow, list(tags), ctx)
    return MadeFlow(int(read.campaign["id"]), read)


def attribute_cnf(field: str, value: str) -> dict[str, Any]:
    """Wire conditions (evidence §4) of one ``field eq value`` attribute comparison."""
    return {"and": [{"or": [{"event": {"type": "attribute_change", "name": field, "filters": {
        "and": [{"field": "to", "operator": "eq", "value": value, "inverse": False}]}},
        "times": 1, "within": 0, "inverse": False}]}]}
