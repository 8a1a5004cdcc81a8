"""Desired vs live → changes. Identity is kind + key; renames, adoption and ownership here."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from cioctl.kinds.address import Address
from cioctl.kinds.flow import APP_WRITABLE_WORDS
from cioctl.kinds.registry import CREDENTIAL_OF, KINDS, Kind, Surface, owner_tag
from cioctl.model.base import slugify
from cioctl.plan.change import Action, Change, FieldChange, Flag
from cioctl.plan.fields import field_changes, keep_ignored
from cioctl.state.canonical import segment_keys
from cioctl.state.duplicates import prefer_finished_replace
from cioctl.state.live import LiveState
from cioctl.state.resource import Resource

# Fields whose change makes Customer.io a new resource. A flow's trigger kind is the one key
# of its trigger in the definitions' words: any path that adds or removes one of them.
IMMUTABLE = {Kind.SEGMENT: ("manual",),
             Kind.FLOW: ("trigger.event", "trigger.segment", "trigger.date_attribute")}


@dataclass(frozen=True)
class DiffResult:
    """Changes (unordered) and the live resources cioctl leaves alone."""

    changes: list[Change]
    unmanaged: list[Resource]


def diff(desired: dict[Address, Resource], live: LiveState,
         credentials: frozenset[Surface]) -> DiffResult:
    """Every change that makes live equal desired, and what is unmanaged."""
    resources = dict(live.resources)
    for want in desired.values():
        prefer_finished_replace(resources, want, IMMUTABLE.get(want.kind, ()))
    live = replace(live, resources=resources)
    matched: set[Address] = set()
    compared: list[tuple[Resource, Resource | None, Change | None]] = []
    for want in desired.values():
        have = _match(want, live, matched)
        if have is not None:
            matched.add(have.ref)
            if want.ignore_changes:
                want = replace(want, fields=keep_ignored(want.fields, have.fields,
                                                         want.ignore_changes))
        compared.append((want, have, _compare(want, have, live)))
    replaced = {c.key for _, _, c in compared
                if c is not None and c.kind is Kind.SEGMENT and c.action is Action.REPLACE}
    changes: list[Change] = []
    for want, have, change in compared:
        stale = sorted(replaced & referenced_segments(want)) if have is not None else []
        if stale and (change is None or change.action is Action.UPDATE):
            change = _repoint(want, have, change, stale)
        if change is not None:
            changes.append(_with_surface(change, credentials, live, full=bool(stale)))
    leftovers = [r for a, r in live.resources.items() if a not in matched]
    unmanaged = [r for r in leftovers if not r.managed]
    changes += [_with_surface(_removal(r), credentials, live)
                for r in leftovers if r.managed]
    return DiffResult(changes, sorted(unmanaged, key=lambda r: r.ref))


def _match(want: Resource, live: LiveState, taken: set[Address]) -> Resource | None:
    direct = live.resources.get(want.ref)
    if direct is not None and want.ref not in taken:
        return direct
    for name in want.previous_names:
        for key in (slugify(name), name):
            found = live.resources.get(Address(want.kind, key))
            if found is not None and found.ref not in taken and \
                    found.name == name:
                return found
    if want.kind is Kind.REPORTING_WEBHOOK:  # live, a webhook is known by its name only
        found = live.resources.get(Address(want.kind, slugify(want.name)))
        if found is not None and found.ref not in taken and \
                found.name == want.name:
            return found
    return None


def _compare(want: Resource, have: Resource | None, live: LiveState) -> Change | None:
    if want.kind in live.unreadable:
        return _change(Action.CREATE, want, None, reason="live state could not be read")
    if have is None:
        return _change(Action.CREATE, want, None)
    fields = field_changes(have.fields, want.fields, want.ignore_changes)
    flags = _ownership_flags(want, have, live)
    if have.name != want.name and want.kind in (Kind.SEGMENT, Kind.FLOW, Kind.REPORTING_WEBHOOK):
        flags.append(Flag.RENAME)
    if not fields and not flags:
        return None
    if _touches_immutable(want.kind, fields):
        return _change(Action.REPLACE, want, have, fields, [*flags, Flag.RESETS_JOURNEYS])
    if Flag.ADOPT in flags:
        fields = (*fields, FieldChange("ownership", None, _ownership_label(want)))
    return _change(Action.UPDATE, want, have, fields, flags, _unverified(have, fields))


def _unverified(have: Resource, fields: tuple[FieldChange, ...]) -> str | None:
    """Data-index descriptions cannot be read back (evidence §6): say so where one changes."""
    unread = set(have.extra.get("unverified", ()))
    if not any(f.path in unread for f in fields):
        return None
    return "description cannot be read back: compared with what cioctl last wrote"


def _repoint(want: Resource, have: Resource | None, change: Change | None,
             stale: list[str]) -> Change:
    """A resource that refers to a replaced segment is written again, so that it points at the
    new segment's id (the old one is deleted); its own changes, if any, go along."""
    reason = ", ".join(str(Address(Kind.SEGMENT, k)) for k in stale) + \
        " is replaced (a new id): written again to refer to the new one"
    if change is None:
        return _change(Action.UPDATE, want, have, reason=reason)
    return replace(change, reason=reason)


def _ownership_flags(want: Resource, have: Resource, live: LiveState) -> list[Flag]:
    if have.managed:
        return []
    if KINDS[want.kind].tagged:
        return [Flag.ADOPT]
    return [Flag.ADOPT] if want.address not in live.ledger else []


def _ownership_label(want: Resource) -> str:
    if KINDS[want.kind].tagged:
        return f"tag {owner_tag(want.key)}"
    return "recorded as managed by cioctl"


def _touches_immutable(kind: Kind, fields: tuple[FieldChange, ...]) -> bool:
    """One of the kind's immutable keys appears or disappears (a trigger of another kind, a
    segment turning manual); a new event name for an event trigger is an update."""
    return any(f.path in IMMUTABLE.get(kind, ()) and (f.before is None) != (f.after is None)
               for f in fields)


def _removal(have: Resource) -> Change:
    if not KINDS[have.kind].deletable:
        return _change(Action.UNSUPPORTED, have, have, reason=(
            f"Customer.io has no API that deletes {have.kind} metadata; apply stops managing "
            "it (drops it from cioctl's ledger) and it stays in the data index — delete it in "
            "the UI if it should go"))
    return _change(Action.DELETE, have, have)


def _change(action: Action, want: Resource, have: Resource | None,
            fields: tuple[FieldChange, ...] = (), flags: list[Flag] | None = None,
            reason: str | None = None) -> Change:
    deleting = action in (Action.DELETE, Action.UNSUPPORTED)
    return Change(
        action=action, kind=want.kind, key=want.key, name=want.name,
        surface=KINDS[want.kind].write_surface, credential="",
        live_id=have.live_id if have else None, fields=fields,
        before=have.fields if have else None, after=None if deleting else want.fields,
        depends_on=() if deleting else tuple(str(a) for a in want.depends_on),
        flags=tuple(flags or ()), reason=reason,
    )


def _with_surface(change: Change, credentials: frozenset[Surface], live: LiveState,
                  full: bool = False) -> Change:
    surface = KINDS[change.kind].write_surface if full else _surface_for(change)
    flags = list(change.flags)
    if change.kind is Kind.FLOW and change.action is not Action.CREATE and \
            live.resources.get(Address(Kind.FLOW, change.key)) is not None and \
            live.resources[Address(Kind.FLOW, change.key)].extra.get("state") == "running":
        flags.append(Flag.RUNNING_FLOW)
    if surface is not Surface.NONE and surface not in credentials:
        flags.append(Flag.CREDENTIAL_MISSING)
    return replace(change, surface=surface, credential=CREDENTIAL_OF[surface],
                   flags=tuple(flags))


def _surface_for(change: Change) -> Surface:
    if change.action in (Action.MANUAL, Action.UNSUPPORTED):
        return Surface.NONE
    if change.kind is Kind.FLOW and change.action is Action.UPDATE and change.fields and \
            all(_content_only(f.path) for f in change.fields) and \
            Flag.ADOPT not in change.flags and Flag.RENAME not in change.flags:
        return Surface.APP
    return KINDS[change.kind].write_surface


_MESSAGE = re.compile(r"^steps(?:\[\d+\](?:\.branch\.(?:then|else))?)*\[\d+\]"
                      r"\.(?:email|sms|push|in_app|webhook)\.([a-z_]+)")


def _content_only(path: str) -> bool:
    """A path to a message field the App API's action PUT can write (in the words' names)."""
    found = _MESSAGE.match(path)
    return found is not None and found.group(1) in APP_WRITABLE_WORDS


def referenced_segments(resource: Resource) -> set[str]:
    """Segment keys a live or desired resource's fields refer to (a segment trigger too)."""
    return segment_keys(resource.fields)
