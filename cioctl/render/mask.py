"""Masking what looks secret in rendered plans (header values, credentials in URLs)."""

from __future__ import annotations

import re
from typing import Any

SECRET_NAME = re.compile(r"auth|token|secret|password|passwd|api[-_]?key|signature|bearer",
                         re.IGNORECASE)
# A query parameter's name and value end at whitespace, a quote or a tag: in a template body the
# masking must cover the credential only, not the rest of the text (a diff of it), and must not
# scan the rest of a long body from every "?" (that was quadratic on a template edit).
_URL_QUERY_SECRET = re.compile(
    r"([?&](?:[^=&#\s\"'<>?]*(?:token|secret|key|signature|password|auth)[^=&#\s\"'<>?]*)=)"
    r"([^&#\s\"'<>]+)",
    re.IGNORECASE)
_URL_USERINFO = re.compile(r"(https?://)([^/@\s]+)@")
MASK = "***"


def mask_text(text: str) -> str:
    """Credentials inside URLs replaced with ``***``."""
    text = _URL_USERINFO.sub(lambda m: f"{m.group(1)}{MASK}@", text)
    return _URL_QUERY_SECRET.sub(lambda m: f"{m.group(1)}{MASK}", text)


def mask_value(value: Any, name: str = "") -> Any:
    """A copy of ``value`` with secret-looking parts masked, recursively."""
    if isinstance(value, dict):
        if {"name", "value"} <= value.keys() and SECRET_NAME.search(str(value["name"])):
            return {**value, "value": MASK}
        return {k: mask_value(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_value(v, name) for v in value]
    if isinstance(value, str):
        return MASK if SECRET_NAME.search(name) and value else mask_text(value)
    return value
