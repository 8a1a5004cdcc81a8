"""A create whose outcome is unknown is re-read, never blindly repeated.

Its answer was lost (the connection dropped after the server committed it) or it answered 5xx
(which may or may not have been processed): apply re-reads the workspace and creates again only
when the resource is not there — the same for the ownership ledger's own collection. Each case
runs the example's first apply against the embedded workspace in process, with one chosen
request answered by the fault after (or instead of) the app handling it.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import anyio
import httpx
import pytest

from cioctl.api import collections as api_collections
from cioctl.api import segments, snippets
from cioctl.api.connect import EMBEDDED_ORIGIN, connect, credentials
from cioctl.apply.audit import AuditLog
from cioctl.emulator import LOCAL_APP_API_KEY, LOCAL_SERVICE_ACCOUNT, create_app
from cioctl.engine import execute_plan, load_valid_workspace, make_plan
from cioctl.kinds.registry import LEDGER_COLLECTION
from tests.conftest import EXAMPLE
from tests.served import KEYS, add_environments, served_environment

Match = Callable[[httpx.Request], bool]


def _post(path: str, name: str) -> Match:
    def match(request: httpx.Request) -> bool:
        if request.method != "POST" or request.url.path != path:
            return False
        return f'"name":"{name}"' in request.content.decode().replace(" ", "")
    return match


@dataclass
class FaultOnce(httpx.AsyncBaseTransport):
    """Answers the first request that ``match``es with ``fault`` — after the app handled it
    when ``landed`` — and counts every request that matches."""

    inner: httpx.AsyncBaseTransport
    match: Match
    fault: str  # "503" or "drop"
    landed: bool
    seen: int = 0
    log: list[str] = field(default_factory=list)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not self.match(request):
            return await self.inner.handle_async_request(request)
        self.seen += 1
        if self.seen > 1:
            return await self.inner.handle_async_request(request)
        if self.landed:
            await self.inner.handle_async_request(request)
        if self.fault == "drop":
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
        body = {"errors": [{"detail": "injected", "status": "503"}]}
        return httpx.Response(503, content=json.dumps(body).encode(),
                              headers={"content-type": "application/json"})


CASES = {
    "snippet create answered 503 after it landed":
        (_post("/v1/snippets", "email_footer"), "503", True, 1),
    "segment create answered 503 without landing":
        (_post("/v1/environments/1/segments", "Trialing"), "503", False, 2),
    "segment create whose answer was lost":
        (_post("/v1/environments/1/segments", "Trialing"), "drop", True, 1),
    "ledger create whose answer was lost":
        (_post("/v1/collections", LEDGER_COLLECTION), "drop", True, 1),
    "ledger create answered 503 without landing":
        (_post("/v1/collections", LEDGER_COLLECTION), "503", False, 2),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_an_uncertain_create_is_reread_then_made_once(tmp_path: Path, case: str) -> None:
    match, fault, landed, creates = CASES[case]
    root = tmp_path / "example"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".cioctl"))
    add_environments(root, served_environment("served", EMBEDDED_ORIGIN))
    ws = load_valid_workspace(root, "served", KEYS)
    app = create_app(tmp_path / "embedded.sqlite3", workspace_id=1, rate_limit=False,
                     app_api_keys=frozenset({LOCAL_APP_API_KEY}),
                     service_account_tokens=frozenset({LOCAL_SERVICE_ACCOUNT}))
    transport = FaultOnce(httpx.ASGITransport(app=app), match, fault, landed)

    async def scenario() -> None:
        async with connect(credentials(LOCAL_APP_API_KEY, LOCAL_SERVICE_ACCOUNT),
                           endpoint=EMBEDDED_ORIGIN, workspace_id=1, transport=transport,
                           throttle=False) as client:
            plan = await make_plan(ws, client)
            outcome = await execute_plan(plan, ws, client,
                                         audit=AuditLog(tmp_path / "audit.jsonl", "served", 1))
            assert [r.detail for r in outcome.result.results if r.detail] == []
            assert outcome.result.ok and outcome.ledger_error is None
            assert transport.seen == creates  # re-read first; created again only if missing
            names = [s.name for s in await snippets.list_snippets(client)]
            names += [s.name for s in await segments.list_journeys_segments(client)]
            names += [c.name for c in await api_collections.list_collections(client)]
            assert sorted(set(names)) == sorted(names)  # nothing exists twice
            assert not (await make_plan(ws, client)).changes

    anyio.run(scenario)
