"""No cassette under ``tests/**/cassettes/`` may hold a credential (design §10).

Every file there is scanned for the canary credentials the cassettes are recorded with, bearer
tokens, ``authorization`` headers, unredacted ``client_secret`` values and access tokens, JWTs
and Customer.io service-account tokens. The scan must find cassettes to pass, and the detector
itself is checked against known leaks and against what the recording hooks write.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.api.cassette_scrub import CANARY_APP_KEY, CANARY_SERVICE_ACCOUNT, scrub_text

TESTS = Path(__file__).resolve().parent

LEAKS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("canary credential", re.compile(r"canary-[\w-]+")),
    ("bearer token", re.compile(r"(?i)\bBearer\s+(?!REDACTED\b)[^\s'\",]")),
    ("authorization header",
     re.compile(r"(?im)(?:^|[\s{,\-])[\"']?(?:proxy-)?authorization[\"']?\s*:")),
    ("x-api-key header", re.compile(r"(?im)(?:^|[\s{,\-])[\"']?x-api-key[\"']?\s*:")),
    ("client_secret", re.compile(r"client_secret=(?!REDACTED\b)[^&\s'\"]")),
    ("client_secret", re.compile(r"(?i)[\"']client_secret[\"']\s*:\s*[\"'](?!REDACTED[\"'])")),
    ("access token", re.compile(
        r"(?i)[\"'](?:access|refresh)_token[\"']\s*:\s*[\"'](?!REDACTED[\"'])")),
    ("JWT", re.compile(r"eyJ[\w-]*\.eyJ[\w-]*")),
    ("service-account token", re.compile(r"sa_live_")),
)


def leaks(text: str) -> list[str]:
    """``kind: excerpt`` for every credential-looking match in ``text``."""
    found = []
    for kind, pattern in LEAKS:
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"line {line}: {kind}: {match.group(0).strip()[:40]!r}")
    return found


def cassette_files() -> list[Path]:
    """Every file below a ``cassettes`` directory anywhere under ``tests/``."""
    return sorted(
        p for p in TESTS.rglob("*")
        if p.is_file() and "cassettes" in p.relative_to(TESTS).parts[:-1]
    )


def test_cassettes_exist() -> None:
    files = cassette_files()
    assert files, "no cassettes under tests/**/cassettes/: the credential scan would be vacuous"
    assert any(p.suffix in (".yaml", ".yml", ".json") for p in files)


def test_no_cassette_holds_a_credential() -> None:
    files = cassette_files()
    assert files, "no cassettes found"
    problems = [
        f"{path.relative_to(TESTS.parent)} {hit}"
        for path in files
        for hit in leaks(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert not problems, "credentials in cassettes:\n" + "\n".join(problems)


LEAKY = [
    f"body: grant_type=client_credentials&client_secret={CANARY_SERVICE_ACCOUNT}",
    f"string: '{{\"detail\": \"key {CANARY_APP_KEY} refused\"}}'",
    "    authorization:\n    - REDACTED",
    "      Authorization:\n      - Bearer abc",
    '{"headers": {"Authorization": ["x"]}}',
    "    x-api-key:\n    - k",
    "text: Bearer sk_live_12345",
    "body: client_secret=hunter2&scope=read_only",
    '{"client_secret": "hunter2"}',
    '{"access_token":"opaque-token-123","token_type":"Bearer"}',
    "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln",
    "secret " + "sa_live_" + "0123456789abcdef",
]

CLEAN = [
    "body: grant_type=client_credentials&client_secret=REDACTED",
    '{"access_token":"REDACTED","token_type":"Bearer","expires_in":3600}',
    "detail: missing or invalid App API key (send Bearer REDACTED)",
    "uri: http://emulator.invalid/v1/segments?start=10",
    '{"subject": "Welcome", "headers": "[{\\"name\\": \\"X-Flow\\"}]"}',
]


@pytest.mark.parametrize("text", LEAKY)
def test_the_scan_catches_each_kind_of_leak(text: str) -> None:
    assert leaks(text), text


@pytest.mark.parametrize("text", CLEAN)
def test_the_scan_passes_scrubbed_text(text: str) -> None:
    assert leaks(text) == []


@pytest.mark.parametrize(
    "text", [t for t in LEAKY if "authorization" not in t.lower() and "x-api-key" not in t])
def test_the_recording_hooks_scrub_what_the_scan_looks_for(text: str) -> None:
    # Header names are dropped by the hooks (not rewritten), so they are not checked here.
    assert leaks(scrub_text(text)) == [], scrub_text(text)
