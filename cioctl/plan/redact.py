"""Values that came from ``${env:NAME}`` never enter a plan: they are shown as the reference.

A saved plan is an artifact anyone with access to the CI run can read, so the definitions'
environment values (tokens in webhook headers, say) are replaced by ``${env:NAME}`` in every
change's before, after and field values. Apply takes the real values from the definitions
themselves, which the plan's checksum proves unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from cioctl.kinds.address import Address
from cioctl.plan.change import Change
from cioctl.plan.fields import value_at
from cioctl.state.resource import Resource

MIN_SECRET_LENGTH = 4


def redact_value(value: Any, secrets: dict[str, str]) -> Any:
    """``value`` with every secret string inside it replaced by its ``${env:NAME}``."""
    if isinstance(value, str):
        for secret, name in secrets.items():
            if len(secret) >= MIN_SECRET_LENGTH and secret in value:
                value = value.replace(secret, f"${{env:{name}}}")
        return value
    if isinstance(value, dict):
        return {k: redact_value(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_value(v, secrets) for v in value]
    return value


def redact_changes(changes: list[Change], secrets: dict[str, str]) -> list[Change]:
    """Every change with environment values shown as references."""
    if not secrets:
        return changes
    return [replace(
        c, before=redact_value(c.before, secrets), after=redact_value(c.after, secrets),
        fields=tuple(replace(f, before=redact_value(f.before, secrets),
                             after=redact_value(f.after, secrets)) for f in c.fields),
    ) for c in changes]


MASK = "***"


def mask_rotated(changes: list[Change], desired: Mapping[Address, Resource],
                 secrets: dict[str, str]) -> list[Change]:
    """Live values of fields the definitions fill from ``${env:…}``, masked.

    After a secret rotates, the live (old) value differs from the environment's and is no
    longer redacted as ``${env:NAME}``; it is a credential all the same, so it is shown as
    ``***`` (the parts of the text that were not the secret stay readable).
    """
    if not secrets:
        return changes
    masked: list[Change] = []
    for change in changes:
        want = desired.get(change.ref)
        before = change.before
        if want is None or before is None:
            masked.append(change)
            continue
        hidden = _mask_like(before, want.fields, secrets)
        if hidden == before:
            masked.append(change)
            continue
        fields = tuple(
            replace(f, before=value_at(hidden, f.path)[1])
            if f.before is not None and value_at(hidden, f.path)[0] else f
            for f in change.fields)
        masked.append(replace(change, before=hidden, fields=fields))
    return masked


def mask_like_desired(live: Any, want: Any, secrets: dict[str, str]) -> Any:
    """``live`` with the (rotated) values of what ``want`` fills from a secret masked."""
    return _mask_like(live, want, secrets) if secrets else live


def _mask_like(live: Any, want: Any, secrets: dict[str, str]) -> Any:
    """``live`` with every string masked whose desired counterpart holds a secret."""
    if isinstance(live, dict) and isinstance(want, dict):
        return {k: _mask_like(v, want[k], secrets) if k in want else v for k, v in live.items()}
    if isinstance(live, list) and isinstance(want, list):
        named = {w["name"]: w for w in want if isinstance(w, dict) and "name" in w}
        if named:  # headers, message steps: matched by name rather than position; an item
            # without a name (a branch holding messages) by position
            return [_mask_like(item, named.get(item["name"]) if "name" in item else
                               (want[i] if i < len(want) else None), secrets)
                    if isinstance(item, dict) else item for i, item in enumerate(live)]
        return [_mask_like(item, want[i], secrets) if i < len(want) else item
                for i, item in enumerate(live)]
    if isinstance(live, str) and isinstance(want, str):
        # only a secret the live text no longer holds rotated; one it holds is redacted as
        # ${env:NAME} later, and the rest of the text stays readable
        used = [s for s in secrets if len(s) >= MIN_SECRET_LENGTH and s in want
                and s not in live]
        return _mask_text(live, want, used) if used else live
    return live


def _mask_text(live: str, want: str, used: list[str]) -> str:
    """The live text with what stands where the desired text has a secret masked: the whole
    text when the rest of it does not line up."""
    pattern = re.compile("|".join(re.escape(s) for s in sorted(used, key=len, reverse=True)))
    pieces = pattern.split(want)
    template = "(.*?)".join(re.escape(p) for p in pieces)
    match = re.fullmatch(template, live, flags=re.DOTALL)
    if match is None:
        return MASK
    current = pattern.findall(want)
    out = pieces[0]
    for index, piece in enumerate(pieces[1:]):
        group = match.group(index + 1)
        # the live value equal to today's secret is redacted as ${env:NAME} later on
        out += group if group == current[index] else MASK
        out += piece
    return out
