"""Identity of the tagged kinds (segment, flow): the ``cioctl:<key>`` ownership tag or a slug
of the name, and the user's own tags without cioctl's."""

from __future__ import annotations

from cioctl.api.campaigns import JourneysCampaign
from cioctl.api.segments import JourneysSegment
from cioctl.kinds.registry import key_from_tags, owner_tag
from cioctl.model.base import slugify


def segment_key(segment: JourneysSegment | JourneysCampaign) -> tuple[str, bool]:
    """The cioctl key of a live segment or campaign and whether cioctl owns it (tagged)."""
    key = key_from_tags(segment.tags)
    return (key, True) if key else (slugify(segment.name), False)


def user_tags(tags: tuple[str, ...], key: str) -> list[str]:
    """The tags a user gave the resource (cioctl's ownership tag left out)."""
    return sorted({t for t in tags if t != owner_tag(key)})
