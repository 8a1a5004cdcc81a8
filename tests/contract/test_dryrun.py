"""The dry run derives exactly the requests a real apply sends.

The example workspace is planned against a fresh embedded workspace; the dry run's requests are
then compared with the writes a real apply of the same plan sends to the embedded workspace
(recorded on the way, through the real client and app). Only server-assigned ids may differ,
and they must map one to one (tag ids, strings on the wire, too). Flows are included: their
campaign write sequence runs in the dry run with its re-reads of its own writes answered by
placeholders (system action and template ids); its other reads (a flow update's live campaign,
sender identities, tags) go to the workspace through the reader, as apply's do.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import anyio
import httpx

from cioctl.api.connect import EMBEDDED_ORIGIN, connect, credentials
from cioctl.api.journeys.campaign_encoding import decode_field
from cioctl.apply.audit import AuditLog
from cioctl.apply.runner import BATCHED
from cioctl.contract.dryrun import LEDGER_ADDRESS, planned_requests
from cioctl.emulator import LOCAL_APP_API_KEY, LOCAL_SERVICE_ACCOUNT, create_app
from cioctl.engine import execute_plan, load_valid_workspace, make_plan
from cioctl.environments import embedded_db
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


def embedded_client(transport: httpx.AsyncBaseTransport) -> Any:
    return connect(credentials(LOCAL_APP_API_KEY, LOCAL_SERVICE_ACCOUNT),
                   endpoint=EMBEDDED_ORIGIN, workspace_id=1, transport=transport,
                   throttle=False)


# Campaign fields sent as base64(encodeURIComponent(JSON)) (evidence §5): segment ids inside
# them are compared decoded.
ENCODED = frozenset({"anchors", "filters", "conditions", "multi_conditions", "preconditions"})


def same_modulo_ids(dry: Any, real: Any, ids: dict[int, int]) -> bool:
    """Equal, except that dry-run ids stand for the real ids consistently."""
    if isinstance(dry, dict) and isinstance(real, dict):
        return dry.keys() == real.keys() and all(same_modulo_ids(*_decoded(k, dry[k], real[k]),
                                                                 ids) for k in dry)
    if isinstance(dry, list) and isinstance(real, list):
        return len(dry) == len(real) and all(same_modulo_ids(d, r, ids)
                                             for d, r in zip(dry, real, strict=True))
    if isinstance(dry, int) and isinstance(real, int) and dry >= FIRST_DRY_RUN_ID:
        return ids.setdefault(dry, real) == real
    if isinstance(dry, str) and isinstance(real, str) and dry.isdigit() and real.isdigit():
        return same_modulo_ids(int(dry), int(real), ids)  # tag ids are strings (D12)
    return bool(dry == real)


def _decoded(key: str, dry: Any, real: Any) -> tuple[Any, Any]:
    if key in ENCODED and isinstance(dry, str) and isinstance(real, str):
        return decode_field(dry, key), decode_field(real, key)
    return dry, real


def split(path: str) -> list[Any]:
    return [int(p) if p.isdigit() else p for p in path.strip("/").split("/")]


EDITS = {  # a second plan: updates on both surfaces, an App content edit, a delete
    "segments/engagement.yaml": [("Signed up but not seen for two weeks.", "Not seen lately."),
                                 ("  - name: Promoters\n    conditions: {attribute: nps_score, "
                                  "operator: gte, value: 9}\n", "")],
    "content/snippets.yaml": [('value: "Acme:"', 'value: "Acme Inc:"')],
    # content only: the App API action PUT
    "flows/onboarding.yaml": [("subject: Three tips for your first week",
                               "subject: Four tips for your first week")],
    # Journeys: a new shape (a message added: delete_actions/add_actions, a new template),
    # a changed audience (recipients, a segment trigger's gate kept) and goal
    "flows/trial.yaml": [("      - wait: 2d\n", "      - wait: 1d\n      - email:\n"
                          "          id: trial_reminder\n          from: ${var.sender}\n"
                          "          subject: One day left\n          body: <p>Hi</p>\n"
                          "      - wait: 1d\n"),
                         ("not: {segment: beta_testers}", "{attribute: email, operator: exists}"),
                         ("within: 14d", "within: 10d")],
    # Journeys: an action's own fields (a wait: the action PUT)
    "flows/winback.yaml": [("      - wait: 1h\n", "      - wait: 2h\n")],
    # Journeys: a reply_to (not writable through the App API: the template write), a stop
    # (the state, read again before it is written) and a tag (the campaign's tags route)
    "flows/renewal.yaml": [("reply_to: ${var.support_email}", "reply_to: help@acme.test"),
                           ("    steps:\n", "    state: draft\n    tags: [renewals]\n"
                            "    steps:\n")],
}


def edit(root: Path) -> None:
    for name, replacements in EDITS.items():
        path = root / name
        text = path.read_text()
        for old, new in replacements:
            assert old in text, (name, old)
            text = text.replace(old, new)
        path.write_text(text)


def compare(root: Path, tee: Tee, client: Any, *, ledger: bool) -> tuple[list[Write],
                                                                         list[Write]]:
    """The dry run's requests and the real apply's writes, for a fresh plan of ``root``
    (``ledger``: the plan changes the ownership ledger, recorded before the first change)."""
    ws = load_valid_workspace(root, "local", os.environ)
    tee.writes.clear()

    async def run() -> list[Write]:
        plan = await make_plan(ws, client)
        live = await read_live(client, wanted_addresses(desired_resources(ws)))
        # reader: a flow update reads its live campaign and actions, emails their senders
        dry = await planned_requests(plan, ws, live, reader=client)
        assert dry.unknown == []  # flows included (their re-reads answered by placeholders)
        assert tee.writes == []  # the dry run sent nothing (its reads went to the workspace)
        outcome = await execute_plan(plan, ws, client, concurrency=1,
                                     audit=AuditLog(root / "audit.jsonl", "local", 1))
        assert outcome.result.ok
        assert (dry.requests[0].address == LEDGER_ADDRESS) is ledger
        # data-index writes are batched: a batch's request carries its first change's address
        assert {r.address for r in dry.requests} >= {c.address for c in plan.changes
                                                      if c.kind not in BATCHED}
        return [(r.method, r.path, r.body) for r in dry.requests]

    dry = anyio.run(run)
    return dry, list(tee.writes)


def update_types(writes: list[Write]) -> set[str]:
    """The ``update_type`` of every campaign update among ``writes`` (evidence §5)."""
    return {body["campaign"]["update_type"] for _, path, body in writes
            if "/campaigns/" in path and isinstance(body, dict)
            and "update_type" in body.get("campaign", {})}


def assert_same(dry: list[Write], real: list[Write]) -> None:
    assert len(dry) == len(real), json.dumps([[m, p] for m, p, _ in dry] + ["|"]
                                             + [[m, p] for m, p, _ in real])
    ids: dict[int, int] = {}
    for (method, path, body), (real_method, real_path, real_body) in zip(dry, real, strict=True):
        assert same_modulo_ids([method, split(path), body],
                               [real_method, split(real_path), real_body], ids), \
            json.dumps([method, path, body, real_path, real_body])


def test_the_dry_run_sends_what_apply_sends(example_copy: Path) -> None:
    app = create_app(embedded_db(example_copy), workspace_id=1,
                     app_api_keys=frozenset({LOCAL_APP_API_KEY}),
                     service_account_tokens=frozenset({LOCAL_SERVICE_ACCOUNT}),
                     rate_limit=False)
    tee = Tee(httpx.ASGITransport(app=app))
    client = embedded_client(tee)
    dry, real = compare(example_copy, tee, client, ledger=True)  # the ledger, then creates
    assert len(real) > 10 and dry[0][1] == "/v1/collections"
    assert {"recipients", "add_actions", "exit_conditions", "exit_and_conversion",
            "state"} <= update_types(real)  # every flow create's sequence
    assert any("/templates/" in path for _, path, _ in real)
    assert_same(dry, real)

    edit(example_copy)
    dry, real = compare(example_copy, tee, client, ledger=False)
    methods = {(method, path.split("/")[-2]) for method, path, _ in real}
    assert {("PUT", "segments"), ("DELETE", "segments")} <= methods
    assert ("PUT", "/v1/snippets") in {(m, p) for m, p, _ in real}
    assert {"recipients", "delete_actions", "add_actions", "exit_and_conversion",
            "state"} <= update_types(real)  # flow updates through Journeys
    assert {"actions", "templates"} <= {path.split("/")[-2] for _, path, _ in real
                                        if "/environments/" in path}
    assert any(path.startswith("/v1/campaigns/") for _, path, _ in real)  # App content edit
    assert_same(dry, real)
    anyio.run(client.aclose)


def test_the_recording_transport_answers_writes_and_their_re_reads() -> None:
    from cioctl.api.endpoints import Surface
    from cioctl.contract.dryrun import RecordingTransport

    transport = RecordingTransport()
    base = "https://journeys.dry-run.invalid/v1/environments/1/segments"

    async def run() -> list[int]:
        async with httpx.AsyncClient(transport=transport) as client:
            created = (await client.post(base, json={"segment": {"name": "A"}})).json()
            new_id = created["segment"]["id"]
            assert created["segment"]["name"] == "A"  # wrapped and unwrapped: each parser
            assert created["name"] == "A"  # finds the object where it looks
            reread = await client.get(f"{base}/{new_id}")
            await client.put(f"{base}/{new_id}", json={"segment": {"name": "B"}})
            after_update = (await client.get(f"{base}/{new_id}")).json()
            deleted = await client.delete(f"{base}/{new_id}")
            gone = await client.get(f"{base}/{new_id}")
            return [new_id, reread.status_code, after_update["segment"]["name"] == "B",
                    deleted.status_code, gone.status_code]

    new_id, reread, renamed, deleted, gone = anyio.run(run)
    assert (reread, renamed, deleted, gone) == (200, True, 204, 404)
    transport.claim("segment:a")
    assert [(r.method, r.surface, r.address) for r in transport.recorded] == [
        ("POST", Surface.JOURNEYS, "segment:a"), ("PUT", Surface.JOURNEYS, "segment:a"),
        ("DELETE", Surface.JOURNEYS, "segment:a")]
    assert transport.recorded[1].path.endswith(f"/segments/{new_id}")
