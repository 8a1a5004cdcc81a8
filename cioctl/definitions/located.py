"""Plain YAML data that remembers where it was written.

Mappings and sequences built by the loader are ``dict`` / ``list`` subclasses carrying the
:class:`~cioctl.errors.Location` of the node and of each key or item, so every later stage can
point an error at the user's line. Strings interpolated from ``${env:...}`` are marked so that no
error message ever echoes their value.
"""

from __future__ import annotations

from typing import Any

from cioctl.errors import Location


class LocatedDict(dict[str, Any]):
    """A mapping with the location of itself and of each of its keys."""

    __slots__ = ("key_locs", "loc", "value_locs")

    def __init__(self, loc: Location) -> None:
        super().__init__()
        self.loc = loc
        self.key_locs: dict[str, Location] = {}
        self.value_locs: dict[str, Location] = {}


class LocatedList(list[Any]):
    """A sequence with the location of itself and of each item."""

    __slots__ = ("item_locs", "loc")

    def __init__(self, loc: Location) -> None:
        super().__init__()
        self.loc = loc
        self.item_locs: list[Location] = []


class EnvStr(str):
    """A string whose value came (at least partly) from the process environment."""

    __slots__ = ()


def location_of(node: object) -> Location | None:
    """The location a loaded node carries, if any."""
    loc = getattr(node, "loc", None)
    return loc if isinstance(loc, Location) else None


def child_location(node: object, step: str | int) -> Location | None:
    """The location of key or index ``step`` inside ``node``."""
    if isinstance(node, LocatedDict) and isinstance(step, str):
        return node.key_locs.get(step)
    if isinstance(node, LocatedList) and isinstance(step, int) and 0 <= step < len(node):
        return node.item_locs[step]
    return None


def locate_path(root: object, path: tuple[str | int, ...]) -> tuple[Location | None, object]:
    """Follow ``path`` (as pydantic reports it) as far as the data goes.

    Steps that are not in the data (pydantic adds union tags and model names to paths) are
    skipped. Returns the most precise location found and the value reached.
    """
    best = location_of(root)
    node: object = root
    for step in path:
        here = child_location(node, step)
        if here is None:
            continue
        best = here
        node = node[step]  # type: ignore[index]
    return best, node
