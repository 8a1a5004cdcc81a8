"""What apply keeps about live ids while it runs, and small helpers over canonical fields.

Bodies themselves are built by the codecs of :mod:`cioctl.api.journeys`; apply only resolves
keys to the ids live now or just created.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cioctl.errors import CioctlError
from cioctl.kinds.registry import owner_tag
from cioctl.state.canonical import JSON


class UnresolvedReferenceError(CioctlError):
    """A change refers to a segment that neither exists nor was created in this run."""


@dataclass
class IdBook:
    """Ids of live resources by key, updated as apply creates and deletes them."""

    segments: dict[str, int] = field(default_factory=dict)
    flows: dict[str, int] = field(default_factory=dict)
    collections: dict[str, int] = field(default_factory=dict)
    webhooks: dict[str, int] = field(default_factory=dict)
    action_ids: dict[str, dict[str, int]] = field(default_factory=dict)
    # A replace's old copy by address: still live until everything points at the new one.
    retired: dict[str, int] = field(default_factory=dict)
    # Segments written in this run and maybe still in ``build`` (evidence §4).
    building: set[int] = field(default_factory=set)

    def segment_id(self, key: str) -> int:
        """The live id of segment ``key``."""
        if key not in self.segments:
            raise UnresolvedReferenceError(
                f"segment '{key}' does not exist in the workspace",
                hint="apply the segment first (it may have failed), or check the definitions")
        return self.segments[key]



def tags_with_owner(fields: JSON, key: str) -> list[str]:
    """The user's tags plus cioctl's ownership tag."""
    return sorted({*fields.get("tags", []), owner_tag(key)})


def message_steps(steps: list[JSON]) -> dict[str, JSON]:
    """Step name → canonical message step, branches included."""
    found: dict[str, JSON] = {}
    for step in steps:
        if "content" in step:
            found[step["name"]] = step
        for branch in ("then", "else"):
            found.update(message_steps(step.get(branch, [])))
    return found
