"""Values that came from ``${env:NAME}`` never enter a plan: they are shown as the reference.

A saved plan is an artifact anyone with access to the CI run can read, so the definitions'
environment values (tokens in webhook headers, say) are replaced by ``${env:NAME}`` in every
change's before, after and field values. Apply takes the real values from the definitions
themselves, which the plan's checksum proves unchanged.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from cioctl.plan.change import Change, FieldChange

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
        fields=tuple(FieldChange(f.path, redact_value(f.before, secrets),
                                 redact_value(f.after, secrets)) for f in c.fields),
    ) for c in changes]
