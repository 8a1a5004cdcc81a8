"""The exact request bodies a plan's apply will send, without sending them.

How: the dry run runs **the apply code itself** — :func:`cioctl.apply.runner.run_changes` with
the same executable changes :func:`cioctl.engine.execute_plan` runs (``after`` from the
definitions, ignored paths at their live value), the same id book from the live state, then the
ownership-ledger write — through a real :class:`~cioctl.api.http.ApiClient` whose transport
records every write instead of sending it. The bodies are therefore the ones the wire modules
build, byte for byte; nothing re-derives them from the plan (a second body builder would be a
second place to get them wrong, and could not be trusted to agree with the first).

What the recording transport answers: a write succeeds with the object it was sent, plus what
the server would add that later steps read — an ``id`` (the one in the path for an update, a
fresh one for a create), ``action_id`` on named workflow steps, a placeholder ``type`` and
``name`` where a parser needs one — both wrapped under the resource's name and unwrapped, so
each wire module's parser finds it where it looks. Later bodies only take *ids* from responses
(a flow referencing a segment created in the same run), so placeholder ids change no shape.
A read of something written in the run answers what the write answered (a write that re-reads
what it wrote sees it); any other read goes to the live workspace when the caller gives a
``reader`` (reads only: a flow update's read of its campaign and actions, the sender
identities an email's ``from`` names, the tags — so a tag is created only where apply creates
it), else answers 404 (and no tags). Changes run one at a time in plan order
(``concurrency=1``), so each request is attributed to the plan address that sent it (ledger
writes to the ledger). A change
that fails in the dry run (for example a reference nothing resolves) is reported with its
reason: its requests cannot be known.

Flows run the campaign client's own write sequence too (create ``type: none``, tags,
``recipients``, ``add_actions`` with the complete edge list, ``exit_conditions``,
``exit_and_conversion``, template writes, ``state``; or an update's fewest writes). Its reads of
what it has just written — system action ids, template ids, the state, the final read-back
check — are answered by :class:`~cioctl.contract.dry_campaigns.DryRereads` with placeholder
ids, so the bodies are the codec's, byte for byte, up to those ids.

Exactness is a test, not a claim: ``tests/contract/test_dryrun.py`` applies plans (creates of
every kind, flow updates — a new shape, audience, goal, an action's fields, template writes —,
updates on both surfaces, an App content edit, a delete) to the embedded workspace and checks
that the dry run's requests equal the writes sent, up to server-assigned ids (also inside the
encoded campaign fields). A codec change that needs more from a response than this transport
and :class:`~cioctl.contract.dry_campaigns.DryRereads` answer shows up there first.
"""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import httpx

from cioctl.api import journeys_modeled as jm
from cioctl.api.endpoints import Endpoints, Surface
from cioctl.api.http import ApiClient, Credentials
from cioctl.api.journeys.campaign_client import REREADS
from cioctl.api.ratelimit import RateLimiter
from cioctl.api.retry import RetryPolicy
from cioctl.api.secret import Secret
from cioctl.apply.runner import ChangeResult, Status
from cioctl.contract.dry_campaigns import DryRereads
from cioctl.contract.request import PlannedRequest
from cioctl.errors import ApiError
from cioctl.model.workspace import Workspace
from cioctl.plan.value import Plan
from cioctl.state.desired import desired_resources
from cioctl.state.live import LiveState

_APP = "https://app.dry-run.invalid"
_JOURNEYS = "https://journeys.dry-run.invalid"
LEDGER_ADDRESS = "cioctl ownership ledger"
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(slots=True)
class DryRun:
    """The requests apply would send, and the changes whose requests could not be derived."""

    requests: list[PlannedRequest] = field(default_factory=list)
    unknown: list[ChangeResult] = field(default_factory=list)


class RecordingTransport(httpx.AsyncBaseTransport):
    """Records every write and answers it as a server that accepted it would."""

    def __init__(self, reader: ApiClient | None = None) -> None:
        self.recorded: list[PlannedRequest] = []
        self._pending: list[PlannedRequest] = []
        self.ids: Iterator[int] = itertools.count(900_000_001)
        """Server-assigned ids: the transport's and :class:`DryRereads`' placeholders."""
        self._written: dict[str, Any] = {}
        self._reader = reader

    def claim(self, address: str) -> None:
        """The requests since the last claim were sent by the change at ``address``."""
        self.recorded += [replace(r, address=address) for r in self._pending]
        self._pending = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == jm.TOKEN_PATH:
            return httpx.Response(200, json={"access_token": "dry-run", "token_type": "Bearer",
                                             "expires_in": 3600})
        if request.method not in _WRITES:
            if path in self._written:  # a write re-read: what the dry run answered to it
                return httpx.Response(200, json=self._written[path])
            # {"tags": [...]} (D12) and {"state": ...} (D13): decided bodies, not in the references.
            if path.endswith("/tags") and self._reader is None:  # none known: each is created
                return httpx.Response(200, json={"tags": []})
            if path.endswith("/status"):  # a written segment: built (evidence §4)
                return httpx.Response(200, json={"state": "complete"})
            return await self._read_live(request)
        content = await request.aread()
        body = json.loads(content) if content else None
        surface = _surface(request)
        self._pending.append(PlannedRequest(request.method, path, body, surface))
        if request.method == "DELETE":
            self._written.pop(path, None)
            return httpx.Response(204)
        answer = self._echo(path, body)
        created = answer.get("id") if isinstance(answer, dict) else None
        target = path if _path_id(path) or not isinstance(created, int) else f"{path}/{created}"
        self._written[target] = answer
        return httpx.Response(200, json=answer)

    async def _read_live(self, request: httpx.Request) -> httpx.Response:
        """A read of nothing written in the run: the live workspace's answer (the reader
        client reads only), or 404 without one."""
        if self._reader is None:  # list error shape (evidence §2; App API reference §1.3 A)
            return httpx.Response(404, json={"errors": [{
                "detail": "dry run: no live workspace to read from"}]})
        try:
            body = await self._reader.request(_surface(request), "GET", request.url.path,
                                              params=dict(request.url.params))
        except ApiError as error:
            return httpx.Response(error.status or 502, json={"errors": [{"detail": str(error)}]})
        return httpx.Response(200, json=body)

    def _echo(self, path: str, body: Any) -> Any:
        name = _resource_name(path)
        inner = body.get(name) if isinstance(body, dict) and name in body else body
        if not isinstance(inner, dict):
            return {}
        obj = copy.deepcopy(inner)
        obj.setdefault("id", _path_id(path) or next(self.ids))
        obj.setdefault("type", "dry_run")
        obj.setdefault("name", "dry run")
        self._number_steps(obj.get("workflow"))
        return {**obj, name: obj}

    def _number_steps(self, steps: Any) -> None:
        for step in steps if isinstance(steps, list) else []:
            if isinstance(step, dict):
                if "name" in step:
                    step.setdefault("action_id", next(self.ids))
                self._number_steps(step.get("then"))
                self._number_steps(step.get("else"))


def _surface(request: httpx.Request) -> Surface:
    return Surface.JOURNEYS if request.url.host in _JOURNEYS else Surface.APP


def _parts(path: str) -> list[str]:
    """Path segments without ``v1`` and the ``environments/{id}`` workspace scope."""
    parts = [p for p in path.strip("/").split("/") if p and p != "v1"]
    return parts[2:] if parts[:1] == ["environments"] else parts


def _resource_name(path: str) -> str:
    """``/v1/campaigns/5/actions/7/language/fr`` → ``action``: the last collection followed by
    an id, else the last segment; singular."""
    parts = _parts(path)
    named = [parts[i] for i in range(len(parts) - 1) if parts[i + 1].isdigit()]
    chosen = named[-1] if named else (parts[-1] if parts else "object")
    return chosen.removesuffix("s")


def _path_id(path: str) -> int | None:
    """The id of the object a path names (an update's target), if any."""
    ids = [int(p) for p in _parts(path) if p.isdigit()]
    return ids[-1] if ids else None


def _client(transport: RecordingTransport, workspace_id: int | None) -> ApiClient:
    secret = Secret("dry-run")  # never leaves the process: the transport sends nothing
    return ApiClient(Endpoints(_APP, _JOURNEYS), Credentials(secret, secret),
                     workspace_id=workspace_id, transport=transport,
                     retry=RetryPolicy(max_attempts=1), limiter=RateLimiter(enabled=False))


async def planned_requests(plan: Plan, workspace: Workspace, live: LiveState,
                           reader: ApiClient | None = None) -> DryRun:
    """Every request apply would send for ``plan`` against ``live`` (read just before);
    ``reader``: a client of the live workspace, for the reads a flow update makes (without
    one, flow updates and emails naming a sender are reported as not derived)."""
    from cioctl.engine import carry_out
    from cioctl.environments import workspace_id_of
    from cioctl.plan.build import declare_types

    transport = RecordingTransport(reader)
    out = DryRun()

    def seen(result: ChangeResult) -> None:
        transport.claim(result.address)
        if result.status is not Status.APPLIED:
            out.unknown.append(result)

    rereads = REREADS.set(DryRereads(transport.ids))
    try:
        async with _client(transport, workspace_id_of(workspace.environment)) as client:
            declare_types(client, workspace)
            await carry_out(plan, desired_resources(workspace), live, client, on_result=seen,
                            on_ledger=lambda: transport.claim(LEDGER_ADDRESS), concurrency=1)
    finally:
        REREADS.reset(rereads)
    out.requests = transport.recorded
    return out
