"""Scrubbing of vcrpy cassettes: no credential is ever written to ``tests/**/cassettes/``.

Cassettes are recorded against a served emulator that accepts only the canary credentials
below, so a leak is easy to spot (``tests/test_no_credentials_in_cassettes.py`` looks for them
and for anything else credential-shaped). The same hooks run on every request vcrpy matches
during replay, so requests are compared in their scrubbed form.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

CANARY_APP_KEY = "canary-app-key-51d2c0ffee"
CANARY_SERVICE_ACCOUNT = "canary-sa-token-77aa"
REDACTED = "REDACTED"
CASSETTE_HOST = "emulator.invalid"
"""Every recorded URL gets this host (the served emulator's port changes per run)."""

FILTER_HEADERS = ("authorization", "x-api-key", "cookie", "set-cookie")
_VOLATILE_REQUEST_HEADERS = ("host", "user-agent")  # the port and httpx's version change
_VOLATILE_RESPONSE_HEADERS = ("date",)

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(re.escape(CANARY_APP_KEY)), REDACTED),
    (re.compile(re.escape(CANARY_SERVICE_ACCOUNT)), REDACTED),
    (re.compile(r"(?i)\bBearer\s+[^\s\"',]+"), f"Bearer {REDACTED}"),
    (re.compile(r"eyJ[\w-]*\.[\w-]*\.[\w-]*"), REDACTED),  # JWTs (access tokens)
    (re.compile(r"sa_live_[\w-]+"), REDACTED),
    (re.compile(r"(client_secret=)[^&\s\"']*"), rf"\g<1>{REDACTED}"),
    (re.compile(r"(\"(?:client_secret|access_token|refresh_token)\"\s*:\s*\")[^\"]*"),
     rf"\g<1>{REDACTED}"),
)


def scrub_text(text: str) -> str:
    """``text`` with every credential-looking value replaced by ``REDACTED``."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def scrub_body(body: Any) -> Any:
    """A request/response body (bytes, str or None) scrubbed; binary bodies are left alone."""
    if isinstance(body, bytes):
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return body
        return scrub_text(text).encode("utf-8")
    if isinstance(body, str):
        return scrub_text(body)
    return body


def before_record_request(request: Any) -> Any:
    """vcrpy hook (on a copy of each request): fixed host, no credential headers, clean body."""
    parts = urlsplit(request.uri)
    request.uri = scrub_text(urlunsplit(parts._replace(netloc=CASSETTE_HOST)))
    drop = FILTER_HEADERS + _VOLATILE_REQUEST_HEADERS
    for name in [h for h in request.headers if h.lower() in drop]:
        del request.headers[name]
    request.body = scrub_body(request.body)
    _fix_length(request.headers, request.body)
    return request


def before_record_response(response: dict[str, Any]) -> dict[str, Any]:
    """vcrpy hook (on a copy of each response before it is written)."""
    drop = FILTER_HEADERS + _VOLATILE_RESPONSE_HEADERS
    headers = response.get("headers") or {}
    response["headers"] = {
        name: [scrub_text(str(v)) for v in values]
        for name, values in headers.items() if name.lower() not in drop
    }
    body = response.get("body") or {}
    if "string" in body:
        body["string"] = scrub_body(body["string"])
        _fix_length(response["headers"], body["string"], as_list=True)
    return response


def _fix_length(headers: Any, body: Any, *, as_list: bool = False) -> None:
    """Keep ``content-length`` true to the scrubbed body (a redacted value changes its size)."""
    for name in [h for h in headers if h.lower() == "content-length"]:
        size = str(len(body.encode() if isinstance(body, str) else body or b""))
        headers[name] = [size] if as_list else size


def vcr_settings(record_mode: str) -> dict[str, Any]:
    """The ``vcr_config`` of the cassette tests."""
    return {
        "record_mode": record_mode,
        "filter_headers": list(FILTER_HEADERS),
        "before_record_request": before_record_request,
        "before_record_response": before_record_response,
        "match_on": ["method", "path", "query", "body"],
        "decode_compressed_response": True,
    }
