"""The kinds cioctl manages: their order, identity and which API surface writes them.

Everything that used to be a hand-copied kind list (plan order, credentials per kind, ledger
kinds, reading surfaces) is derived from :data:`KINDS` here. What each kind *does* (its
create/update/delete/recover over the client) lives in its own module of :mod:`cioctl.kinds`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """A kind of resource, in dependency order (earlier kinds never depend on later ones)."""

    ATTRIBUTE = "attribute"
    EVENT = "event"
    SNIPPET = "snippet"
    COLLECTION = "collection"
    REPORTING_WEBHOOK = "reporting_webhook"
    SEGMENT = "segment"
    FLOW = "flow"


class Surface(StrEnum):
    """The API surface a change goes through, and the credential it needs."""

    APP = "app"
    JOURNEYS = "journeys"
    NONE = "none"


CREDENTIAL_OF = {
    Surface.APP: "app_api_key",
    Surface.JOURNEYS: "service_account",
    Surface.NONE: "",
}


@dataclass(frozen=True)
class KindInfo:
    """How a kind is identified and which surface reads and writes it."""

    kind: Kind
    plural: str
    write_surface: Surface
    read_surface: Surface
    tagged: bool
    deletable: bool


KINDS: dict[Kind, KindInfo] = {
    k.kind: k for k in (
        KindInfo(Kind.ATTRIBUTE, "attributes", Surface.APP, Surface.JOURNEYS, False, False),
        KindInfo(Kind.EVENT, "events", Surface.APP, Surface.JOURNEYS, False, False),
        KindInfo(Kind.SNIPPET, "snippets", Surface.APP, Surface.APP, False, True),
        KindInfo(Kind.COLLECTION, "collections", Surface.APP, Surface.APP, False, True),
        KindInfo(Kind.REPORTING_WEBHOOK, "reporting_webhooks", Surface.APP, Surface.APP, False,
                 True),
        KindInfo(Kind.SEGMENT, "segments", Surface.JOURNEYS, Surface.JOURNEYS, True, True),
        KindInfo(Kind.FLOW, "flows", Surface.JOURNEYS, Surface.JOURNEYS, True, True),
    )
}
KIND_ORDER = {kind: index for index, kind in enumerate(Kind)}
# Kinds with no tag to carry ownership are recorded in the ``cioctl_managed`` ledger
# collection instead (see :mod:`cioctl.apply.ledger`): derived, so a new kind cannot be missed.
LEDGER_KINDS = frozenset(k for k, info in KINDS.items() if not info.tagged)


def kinds_on(surface: Surface) -> tuple[Kind, ...]:
    """The kinds written through ``surface``, in plan order."""
    return tuple(k for k in Kind if KINDS[k].write_surface is surface)


def credential_of(kind: Kind) -> str:
    """The credential field (``app_api_key`` / ``service_account``) that writes ``kind``."""
    return CREDENTIAL_OF[KINDS[kind].write_surface]
OWNER_TAG_PREFIX = "cioctl:"
LEDGER_COLLECTION = "cioctl_managed"
DESCRIPTIONS_COLLECTION = "cioctl_descriptions"
"""Data-index descriptions cioctl wrote: no Journeys read returns them (evidence §6)."""


def owner_tag(key: str) -> str:
    """The tag that marks a live segment or flow as managed by cioctl under ``key``."""
    return f"{OWNER_TAG_PREFIX}{key}"


def key_from_tags(tags: tuple[str, ...] | list[str]) -> str | None:
    """The cioctl key recorded in a resource's tags, if any."""
    for tag in tags:
        if tag.startswith(OWNER_TAG_PREFIX):
            return tag[len(OWNER_TAG_PREFIX):]
    return None
