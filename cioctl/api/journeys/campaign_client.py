"""Campaign (flow) writes and reads over HTTP, in the order the evidence page demands (§5;
docs/journeys-wire.md D4-D11). The bodies come from the campaign codec
(:mod:`cioctl.api.journeys.campaign_codec`, :mod:`~cioctl.api.journeys.campaign_diff`); this
module only sends them and checks what the service kept:

- create ``{"name", "type": "none"}``, then the ownership tags (so a lost response can be
  recovered by tag), ``recipients``, a re-read for the system actions' ids, ``add_actions``
  with placeholder ids and every edge, ``exit_conditions``, ``exit_and_conversion``, the
  message templates, and ``state`` last (a running campaign is live data, §2);
- an ``add_actions`` answering 500 may have committed (§5): the campaign is re-read before
  anything is retried, and retried only when the actions are not there — never duplicated;
- every write ends with a re-read compared with what was meant: a field the service dropped
  silently (sent under the wrong ``update_type``, a malformed encoded string stored as
  ``null``, §2/§5) is a clear error, not a plan that never converges;
- 403 "Allow agent to edit live data" names the workspace setting (§2, D9).

The reads of what the sequence has itself just written (system action ids, template ids, the
state, the final check) go through :class:`Rereads`; the contract dry run
(:mod:`cioctl.contract.dry_campaigns`) substitutes answers for them, so that it runs this very
sequence — and so sends these very bodies — without a service that keeps its writes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from typing import Any

import anyio

from cioctl.api.errors import ApiConnectionError, ApiForbiddenError, ApiServerError
from cioctl.api.http import ApiClient
from cioctl.api.journeys import tags as api_tags
from cioctl.api.journeys.campaign_codec import (
    Context,
    FlowWrites,
    SystemActions,
    canonical_flow,
    decode_flow,
    encode_flow,
    template_ids,
)
from cioctl.api.journeys.campaign_diff import DiffWrites, diff_writes, system_actions
from cioctl.api.journeys.campaign_encoding import decode_field
from cioctl.api.journeys.campaign_types import CampaignRead, ContentWrite, UpdateCall
from cioctl.api.journeys.wire_values import ValueTypes
from cioctl.errors import ApiError, CioctlError
from cioctl.state.canonical import segment_keys

JSON = dict[str, Any]
LIVE_DATA_HINT = ("switch on \"Allow agent to edit live data\" in the workspace's settings "
                  "(Settings › Privacy), or stop the campaign in Customer.io first")


class CampaignWriteError(CioctlError):
    """A campaign write the service did not keep as sent."""


class _Ids(Mapping[str, int]):
    """Segment ids by key, resolved on demand (apply's IdBook raises a clear error); the
    keys resolved so far are its contents, so decoding the read-back knows them too."""

    def __init__(self, resolve: Callable[[str], int], known: Mapping[str, int]) -> None:
        self._resolve = resolve
        self._known = known
        self._seen: dict[str, int] = {}

    def __getitem__(self, key: str) -> int:
        if key not in self._seen:
            self._seen[key] = self._resolve(key)
        return self._seen[key]

    def items(self) -> Any:  # what decoding inverts: the known ids, then the resolved ones
        return {**self._known, **self._seen}.items()

    def learn(self, ids: Iterable[int]) -> None:
        """Ids a live read names that no key resolves to (a replaced segment's old copy, one
        cioctl does not own) decode as ``#id``: the flow then differs from its definition."""
        have = set({**self._known, **self._seen}.values())
        self._seen |= {f"#{i}": i for i in ids if i not in have}


    def __contains__(self, key: object) -> bool:
        return isinstance(key, str)

    def __iter__(self) -> Iterator[str]:
        return iter({**self._known, **self._seen})

    def __len__(self) -> int:
        return len({**self._known, **self._seen})


def segment_ids_in(read: CampaignRead) -> list[int]:
    """Every segment id a campaign read names: trigger, anchors, flat conditions (§5)."""
    found: list[int] = []
    encoded = [read.campaign.get("anchors"), read.campaign.get("filters")] + [
        a.get(k) for a in read.actions if isinstance(a, dict)
        for k in ("conditions", "multi_conditions")]
    trees: list[Any] = [read.campaign.get("trigger")]
    for text in encoded:
        if isinstance(text, str):
            try:
                trees.append(decode_field(text, "conditions"))
            except CioctlError:
                continue
    for tree in trees:
        found += _ids(tree)
    return found


def _ids(node: Any) -> list[int]:
    if isinstance(node, list):
        return [i for item in node for i in _ids(item)]
    if not isinstance(node, dict):
        return []
    found = [i for i in node.get("segments") or [] if isinstance(i, int)] \
        if isinstance(node.get("segments"), list) else []
    ref = node.get("segment")
    if isinstance(ref, dict) and isinstance(ref.get("id"), int):
        found.append(ref["id"])
    return found + [i for key, value in node.items() if key not in ("segments", "segment")
                    for i in _ids(value)]


def context(segment_id: Callable[[str], int] | Mapping[str, int], types: ValueTypes,
            senders: Mapping[str, int], known: Mapping[str, int] | None = None) -> Context:
    """The codec's context: segments by key (``known``: every live segment, so a read that
    names one the definitions no longer use still decodes), declared types, senders."""
    ids = segment_id if isinstance(segment_id, Mapping) else _Ids(segment_id, known or {})
    return Context(ids, types, senders)


async def read_campaign(client: ApiClient, campaign_id: int,
                        contents: Mapping[int, JSON] | None = None) -> CampaignRead:
    """``GET /campaigns/{id}``: ``{campaign, actions, edges, tags}`` (§5, D10)."""
    body = await client.journeys.get(client.env_path("campaigns", campaign_id))
    body = body if isinstance(body, dict) else {}
    return CampaignRead(campaign=body.get("campaign") or {},
                        actions=list(body.get("actions") or []),
                        edges=list(body.get("edges") or []),
                        tags=list(body.get("tags") or []), contents=dict(contents or {}))


class Rereads:
    """The sequence's reads of its own writes, answered by the service (this class) or, in the
    contract dry run, by placeholders that change no body's shape."""

    async def system(self, client: ApiClient, campaign_id: int,
                     recipients: UpdateCall) -> tuple[SystemActions, int]:
        """The actions the trigger created (D5), and how many actions the campaign has."""
        read = await read_campaign(client, campaign_id)
        gate, exit_id = system_actions(read)
        return SystemActions(exit_id, gate), len(read.actions)

    async def templates(self, client: ApiClient, campaign_id: int, live: CampaignRead | None,
                        writes: Sequence[ContentWrite]) -> Mapping[str, int]:
        """Template ids by message step after the workflow write (D6, D11)."""
        return template_ids(await read_campaign(client, campaign_id))

    async def state(self, client: ApiClient, campaign_id: int, live: CampaignRead) -> Any:
        """The campaign's state now (D8: a transition to the current state is refused)."""
        return (await read_campaign(client, campaign_id)).campaign.get("state")

    async def verify(self, client: ApiClient, campaign_id: int, flow: JSON,
                     ctx: Context) -> CampaignRead:
        """The final re-read, compared with what was meant (:func:`verify`)."""
        return await verify(client, campaign_id, flow, ctx)


REREADS: ContextVar[Rereads | None] = ContextVar("campaign_rereads", default=None)
"""Set by the contract dry run around the apply it runs; unset, the service answers."""


def _rereads() -> Rereads:
    return REREADS.get() or Rereads()


async def _put(client: ApiClient, campaign_id: int, call: UpdateCall) -> None:
    if call.concern == "state":
        await _state(client, campaign_id, call)
        return
    try:
        await client.journeys.put(client.env_path("campaigns", campaign_id), call.body())
    except ApiForbiddenError as error:
        raise _live_data(error, f"campaign {campaign_id}") from None


async def _state(client: ApiClient, campaign_id: int, call: UpdateCall) -> None:
    """A state change is not idempotent (D8 refuses a transition to the current state): sent
    once, and an unknown outcome (5xx, lost answer) is settled by reading the state back."""
    await _settled_put(client, campaign_id, call,
                       lambda read: read.campaign.get("state") == call.fields.get("state"))


async def _settled_put(client: ApiClient, campaign_id: int, call: UpdateCall,
                       landed: Callable[[CampaignRead], bool]) -> None:
    """Send ``call`` once, never retried by the client's policy (a 5xx may have committed,
    §5); on an unknown outcome the campaign is re-read and the call is sent a second time only
    when ``landed`` says it is not there."""
    path = client.env_path("campaigns", campaign_id)
    for attempt in (1, 2):
        try:
            await client.journeys.put(path, call.body(), idempotent=False)
            return
        except (ApiServerError, ApiConnectionError):
            if landed(await read_campaign(client, campaign_id)):
                return
            if attempt == 2:
                raise
        except ApiForbiddenError as error:
            raise _live_data(error, f"campaign {campaign_id}") from None


def _live_data(error: ApiError, what: str) -> CioctlError:
    # The 403 body names the setting (§2, S8/S13; D1 gives its wording [decided]).
    if "live data" in str(error).lower():
        return CampaignWriteError(f"{what} is live (running) and the workspace setting "
                                  "\"Allow agent to edit live data\" is off (HTTP 403)",
                                  hint=LIVE_DATA_HINT)
    return error


async def _workflow(client: ApiClient, campaign_id: int, call: UpdateCall,
                    before: int) -> None:
    """``add_actions``/``edges``/``delete_actions``; a 500 is re-read before any retry (§5)."""
    await _settled_put(client, campaign_id, call, lambda read: _landed(read, call, before))


def _landed(read: CampaignRead, call: UpdateCall, before: int) -> bool:
    """Whether the workflow call is visible in ``read`` (its actions were added/deleted and
    the edge list is the one sent, up to the placeholders)."""
    added = len(call.extra.get("actions", []))
    deleted = len(call.extra.get("action_ids", []))
    return len(read.actions) == before + added - deleted and \
        len(read.edges) == len(call.extra.get("edges", []))


async def _contents(client: ApiClient, writes: Sequence[ContentWrite],
                    templates: Mapping[str, int], campaign_id: int) -> None:
    """One ``PUT /templates/{id}`` per message whose content is written (D11)."""
    for write in writes:
        template = templates.get(write.step)
        if template is None:
            raise CampaignWriteError(f"campaign {campaign_id}: message '{write.step}' has no "
                                     "template after the workflow write")
        try:
            await client.journeys.put(client.env_path("templates", template), write.body())
        except ApiForbiddenError as error:
            raise _live_data(error, f"campaign {campaign_id}") from None


async def _tags(client: ApiClient, campaign_id: int, wanted: Sequence[str],
                current: Sequence[Any]) -> None:
    """Add the missing tags and remove the others (D12: ``/campaigns/{id}/tags``)."""
    have = {str(t.get("name")): str(t.get("id")) for t in current if isinstance(t, dict)}
    missing = [name for name in wanted if name not in have]
    if missing:
        ids = await api_tags.tag_ids(client, missing)
        await client.journeys.post(client.env_path("campaigns", campaign_id, "tags"),
                                   {"tag_ids": ids}, idempotent=True)
    for name, tag_id in have.items():
        if name not in wanted:
            await client.journeys.delete(client.env_path("campaigns", campaign_id, "tags",
                                                         tag_id))


async def create_flow(client: ApiClient, flow: JSON, tag_names: Sequence[str],
                      ctx: Context) -> CampaignRead:
    """Create ``flow``'s campaign (every write of D4-D11, in order); the final re-read."""
    writes = encode_flow(flow, ctx)
    body = await client.journeys.post(client.env_path("campaigns"), dict(writes.create))
    # 200 {"campaign": {"id", …}} (§2 creates answer 200; §5 S1; D4).
    campaign = body.get("campaign") if isinstance(body, dict) else None
    campaign_id = campaign.get("id") if isinstance(campaign, dict) else None
    if not isinstance(campaign_id, int):
        raise CampaignWriteError(f"POST campaigns answered no campaign id: {body!r}")
    try:
        return await _complete(client, campaign_id, writes, tag_names, flow, ctx)
    except BaseException:
        # A half-written campaign is worth nothing and would be a second copy on the next
        # try: remove it (best effort; a tagged leftover is found and removed by recovery).
        with anyio.CancelScope(shield=True):
            with contextlib.suppress(CioctlError):
                await delete_campaign(client, campaign_id)
        raise


async def _complete(client: ApiClient, campaign_id: int, writes: FlowWrites,
                    tag_names: Sequence[str], flow: JSON, ctx: Context) -> CampaignRead:
    await _tags(client, campaign_id, tag_names, [])
    await _put(client, campaign_id, writes.recipients)
    rereads = _rereads()
    system, count = await rereads.system(client, campaign_id, writes.recipients)
    await _workflow(client, campaign_id, writes.workflow(system), count)
    for call in (writes.exit_conditions, writes.goal):
        await _put(client, campaign_id, call)
    templates = await rereads.templates(client, campaign_id, None, writes.contents)
    await _contents(client, writes.contents, templates, campaign_id)
    if writes.state is not None:
        await _put(client, campaign_id, writes.state)
    return await rereads.verify(client, campaign_id, flow, ctx)


async def update_flow(client: ApiClient, campaign_id: int, flow: JSON,
                      tag_names: Sequence[str], ctx: Context,
                      contents: Mapping[int, JSON]) -> CampaignRead:
    """Make campaign ``campaign_id`` say ``flow`` with the fewest writes (campaign_diff)."""
    live = await read_campaign(client, campaign_id, contents)
    if isinstance(ctx.segment_ids, _Ids):
        ctx.segment_ids.learn(segment_ids_in(live))
    writes: DiffWrites = diff_writes(flow, live, ctx)
    if writes.replace:
        raise CampaignWriteError(f"campaign {campaign_id} cannot be updated: {writes.replace}",
                                 hint="plan again: the flow must be replaced")
    await _tags(client, campaign_id, tag_names, live.tags)
    state = [c for c in writes.updates if c.concern == "state"]
    count = len(live.actions)
    for call in writes.updates:
        if call.concern == "state":
            continue
        if call.concern in ("actions", "edges", "delete_actions"):
            await _workflow(client, campaign_id, call, count)
            count += len(call.extra.get("actions", [])) - len(call.extra.get("action_ids", []))
        else:
            await _put(client, campaign_id, call)
    # PUT /actions/{id} {"action": {type, …}} (route: App API reference §10; body D6).
    for put in writes.action_puts:
        try:
            await client.journeys.put(client.env_path("actions", put.action_id), put.body())
        except ApiForbiddenError as error:
            raise _live_data(error, f"campaign {campaign_id}") from None
    rereads = _rereads()
    if writes.contents:
        templates = await rereads.templates(client, campaign_id, live, writes.contents)
        await _contents(client, writes.contents, templates, campaign_id)
    for call in state:
        # D8 refuses a transition to the state a campaign is in: the writes above may have
        # taken longer than a concurrent start, so the state is read again first.
        if await rereads.state(client, campaign_id, live) != call.fields.get("state"):
            await _put(client, campaign_id, call)
    return await rereads.verify(client, campaign_id, flow, ctx)


def _structure(flow: JSON) -> JSON:
    """A canonical flow without message content (verified by its own reads)."""
    def steps(items: list[JSON]) -> list[JSON]:
        out = []
        for step in items:
            step = {k: v for k, v in step.items() if k != "content"}
            for branch in ("then", "else"):
                if branch in step:
                    step[branch] = steps(step[branch])
            out.append(step)
        return out
    return {**flow, "steps": steps(list(flow.get("steps", [])))}


async def verify(client: ApiClient, campaign_id: int, flow: JSON, ctx: Context) -> CampaignRead:
    """Re-read and compare: the service drops fields silently (§2, §5), so a write is only
    done when the campaign reads back as meant."""
    for key in sorted(segment_keys(flow) | set(flow["trigger"].get("segment_keys", []))):
        ctx.segment_ids[key]  # resolved now, so decoding knows every id the flow names
    read = await read_campaign(client, campaign_id)
    got, want = _structure(decode_flow(read, ctx)), _structure(canonical_flow(flow, ctx.types))
    diff = sorted(k for k in set(got) | set(want) if got.get(k) != want.get(k))
    if diff:
        raise CampaignWriteError(
            f"campaign {campaign_id} does not read back as written ({', '.join(diff)} differ): "
            "the service dropped or changed what was sent",
            hint="run plan to see the difference; report it with -v output (the request "
                 "bodies) if it persists")
    return read


async def delete_campaign(client: ApiClient, campaign_id: int) -> None:
    """``DELETE /campaigns/{id}`` (D14: its actions, edges and templates go with it)."""
    try:
        await client.journeys.delete(client.env_path("campaigns", campaign_id))
    except ApiForbiddenError as error:
        raise _live_data(error, f"campaign {campaign_id}") from None
