"""The dry run derives exactly the requests a real apply sends.

The example workspace is planned against a fresh embedded workspace; the dry run's requests are
then compared with the writes a real apply of the same plan sends to the embedded workspace
(recorded on the way, through the real client and app). Only server-assigned ids may differ,
and they must map one to one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import anyio
import httpx

from cioctl.api.connect import EMBEDDED_ORIGIN, connect, credentials
from cioctl.apply.audit import AuditLog
from cioctl.apply.runner import BATCHED
from cioctl.contract.dryrun import LEDGER_ADDRESS, planned_requests
from cioctl.emulator import LOCAL_APP_API_KEY, LOCAL_SERVICE_ACCOUNT, create_app
from cioctl.engine import execute_plan, load_valid_workspace, make_plan
from cioctl.environments import embedded_db
from cioctl.model.workspace import Workspace
from cioctl.plan.build import wanted_addresses
from cioctl.state.desired import desired_resources
from cioctl.state.live import read_live

Write = tuple[str, str, Any]
FIRST_DRY_RUN_ID = 900_000_001


class Tee(httpx.AsyncBaseTransport):
    """Forwards to the embedded workspace and records every write."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.writes: list[Write] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "GET" and "oauth" not in request.url.path:
            content = await request.aread()
            self.writes.append((request.method, request.url.path,
                                json.loads(content) if content else None))
        return await self.inner.handle_async_request(request)


def embedded_client(ws: Workspace, transport: httpx.AsyncBaseTransport) -> Any:
    return connect(credentials(LOCAL_APP_API_KEY, LOCAL_SERVICE_ACCOUNT),
                   endpoint=EMBEDDED_ORIGIN, workspace_id=1, transport=transport,
                   throttle=False)


def same_modulo_ids(dry: Any, real: Any, ids: dict[int, int]) -> bool:
    """Equal, except that dry-run ids stand for the real ids consistently."""
    if isinstance(dry, dict) and isinstance(real, dict):
        return dry.keys() == real.keys() and all(same_modulo_ids(dry[k], real[k], ids)
                                                 for k in dry)
    if isinstance(dry, list) and isinstance(real, list):
        return len(dry) == len(real) and all(same_modulo_ids(d, r, ids)
                                             for d, r in zip(dry, real, strict=True))
    if isinstance(dry, int) and isinstance(real, int) and dry >= FIRST_DRY_RUN_ID:
        return ids.setdefault(dry, real) == real
    return bool(dry == real)


def split(path: str) -> list[Any]:
    return [int(p) if p.isdigit() else p for p in path.strip("/").split("/")]


def test_the_dry_run_sends_what_apply_sends(example_copy: Path) -> None:
    ws = load_valid_workspace(example_copy, "local", os.environ)
    app = create_app(embedded_db(example_copy), workspace_id=1,
                     app_api_keys=frozenset({LOCAL_APP_API_KEY}),
                     service_account_tokens=frozenset({LOCAL_SERVICE_ACCOUNT}),
                     rate_limit=False)
    tee = Tee(httpx.ASGITransport(app=app))

    async def run() -> list[Write]:
        async with embedded_client(ws, tee) as client:
            plan = await make_plan(ws, client)
            live = await read_live(client, wanted_addresses(desired_resources(ws)))
            dry = await planned_requests(plan, ws, live)
            assert dry.unknown == []
            assert tee.writes == []  # the dry run sent nothing
            outcome = await execute_plan(plan, ws, client, concurrency=1,
                                         audit=AuditLog(example_copy / "audit.jsonl", "local", 1))
            assert outcome.result.ok
        assert dry.requests[-1].address == LEDGER_ADDRESS
        # data-index writes are batched: a batch's request carries its first change's address
        assert {r.address for r in dry.requests} >= {c.address for c in plan.changes
                                                      if c.kind not in BATCHED}
        return [(r.method, r.path, r.body) for r in dry.requests]

    dry = anyio.run(run)
    assert len(dry) == len(tee.writes) > 10
    ids: dict[int, int] = {}
    for (method, path, body), real in zip(dry, tee.writes, strict=True):
        assert same_modulo_ids([method, split(path), body],
                               [real[0], split(real[1]), real[2]], ids), json.dumps([body, real[2]])
