"""The campaign write sequence's re-reads, answered for the contract dry run.

A flow's writes depend on what the service answers between them (evidence §5; D5, D6, D11 in
docs/journeys-wire.md): the ids of the system actions the trigger created, the template id of
each message action after ``add_actions``, the state before a state change, and a final re-read
that checks the campaign reads back as written. The dry run sends nothing, so no service keeps
its writes; :class:`DryRereads` answers those reads instead, and the dry run runs
:mod:`cioctl.api.journeys.campaign_client`'s own sequence — the same body builders, the same
order — with them:

- system actions: a placeholder exit, and a placeholder gate when the campaign's type gets one
  (:data:`~cioctl.api.journeys.campaign_actions.GATED_TYPES`, D5);
- template ids: a kept message's template from the live read, a new message's a placeholder;
- the state: the live read's (nothing before the state write changes it);
- the final check: skipped (it reads, never writes; whether the service keeps what it is sent
  is what the real apply checks).

Placeholders are ids the recording transport also hands out, so they read as server-assigned
ids (the exactness test maps them one to one to the ids a real apply sees).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from cioctl.api.http import ApiClient
from cioctl.api.journeys.campaign_actions import GATED_TYPES
from cioctl.api.journeys.campaign_client import JSON, Rereads
from cioctl.api.journeys.campaign_codec import Context, SystemActions
from cioctl.api.journeys.campaign_types import CampaignRead, ContentWrite, UpdateCall


class DryRereads(Rereads):
    """Re-reads answered from what the run wrote and the live read, with placeholder ids."""

    def __init__(self, ids: Iterator[int]) -> None:
        self._ids = ids

    async def system(self, client: ApiClient, campaign_id: int,
                     recipients: UpdateCall) -> tuple[SystemActions, int]:
        gate = next(self._ids) if recipients.fields.get("type") in GATED_TYPES else None
        return SystemActions(next(self._ids), gate), 1 if gate is None else 2

    async def templates(self, client: ApiClient, campaign_id: int, live: CampaignRead | None,
                        writes: Sequence[ContentWrite]) -> Mapping[str, int]:
        kept = {a.get("id"): a.get("template_id") for a in (live.actions if live else [])
                if isinstance(a, dict)}
        out: dict[str, int] = {}
        for write in writes:
            template = kept.get(write.action_id)
            out[write.step] = template if isinstance(template, int) else next(self._ids)
        return out

    async def state(self, client: ApiClient, campaign_id: int, live: CampaignRead) -> Any:
        return live.campaign.get("state")

    async def verify(self, client: ApiClient, campaign_id: int, flow: JSON,
                     ctx: Context) -> CampaignRead:
        return CampaignRead(campaign={"id": campaign_id}, actions=[], edges=[])
