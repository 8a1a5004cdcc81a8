"""``base64(encodeURIComponent(JSON))`` — the string encoding of campaign fields (evidence §5).

evidence §5: ``anchors``, ``filters``, ``conditions``, ``multi_conditions`` and ``preconditions``
are base64 strings of the URL-encoded JSON (``"JTVCJTVE"`` is ``[]``); ``trigger`` and
``attribute_filters`` are raw objects (double-encoding them answers 422).

The JSON is written as JavaScript's ``JSON.stringify`` writes it (no spaces, non-ASCII
characters kept, lone surrogates escaped), and ``encodeURIComponent`` is reproduced exactly:
it leaves ``A-Z a-z 0-9 - _ . ! ~ * ' ( )`` alone and writes every other character as the
``%XX`` (upper-case hex) of its UTF-8 bytes.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from urllib.parse import quote, unquote

from cioctl.api.journeys.errors import CampaignWireError

# encodeURIComponent's unreserved set (ECMA-262 §19.2.6.5): alphanumerics plus these.
# urllib's quote always keeps letters, digits and "_.-~", so only the rest is listed.
_JS_UNRESERVED_EXTRA = "!*'()"
_SURROGATE = re.compile("[\ud800-\udfff]")


def encode_uri_component(text: str) -> str:
    """JavaScript's ``encodeURIComponent(text)`` (a lone surrogate raises, as in JS)."""
    if _SURROGATE.search(text):
        raise ValueError("URIError: a lone surrogate cannot be URI-encoded")
    return quote(text, safe=_JS_UNRESERVED_EXTRA, encoding="utf-8", errors="strict")


def js_json(value: object) -> str:
    """``JSON.stringify(value)`` for JSON-shaped Python values (keys in insertion order)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    # JSON.stringify (ES2019) writes a lone surrogate as its \\u escape.
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def encode_field(value: object) -> str:
    """``btoa(encodeURIComponent(JSON.stringify(value)))`` (evidence §5)."""
    uri = encode_uri_component(js_json(value))
    return base64.b64encode(uri.encode("ascii")).decode("ascii")


def decode_field(text: object, name: str) -> object:
    """The JSON value inside an encoded field read from the service (untrusted)."""
    if not isinstance(text, str):
        raise CampaignWireError(f"'{name}' is {text!r}, not a base64 string (evidence §5)")
    try:
        uri = base64.b64decode(text.encode("ascii"), validate=True).decode("ascii")
        return json.loads(unquote(uri, encoding="utf-8", errors="strict"))
    except (UnicodeError, binascii.Error, ValueError):
        raise CampaignWireError(
            f"'{name}' is not base64(encodeURIComponent(JSON)): {text[:60]!r}") from None
