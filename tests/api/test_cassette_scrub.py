"""The vcrpy hooks that keep credentials out of cassettes, on vcrpy's own request objects."""

from __future__ import annotations

import json

import pytest
from vcr.request import Request

from .cassette_scrub import (
    CANARY_APP_KEY,
    CANARY_SERVICE_ACCOUNT,
    before_record_request,
    before_record_response,
    scrub_body,
)

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzY29wZSI6ImZ1bGwifQ.c2lnbmF0dXJl"


def test_request_loses_credential_headers_host_and_secret() -> None:
    request = Request(
        "POST", "http://127.0.0.1:51234/v1/service_accounts/oauth/token?x=1",
        f"grant_type=client_credentials&client_secret={CANARY_SERVICE_ACCOUNT}".encode(),
        {"Authorization": f"Bearer {CANARY_APP_KEY}", "X-Api-Key": "k", "Cookie": "c=1",
         "Host": "127.0.0.1:51234", "Content-Length": "61",
         "Content-Type": "application/x-www-form-urlencoded"},
    )
    scrubbed = before_record_request(request)
    assert scrubbed.uri == "http://emulator.invalid/v1/service_accounts/oauth/token?x=1"
    assert scrubbed.body == b"grant_type=client_credentials&client_secret=REDACTED"
    assert sorted(k.lower() for k in scrubbed.headers) == ["content-length", "content-type"]
    assert scrubbed.headers["content-length"] == str(len(scrubbed.body))


def test_json_request_body_keeps_its_shape() -> None:
    body = json.dumps({"name": "footer", "value": f"key {CANARY_APP_KEY}"}).encode()
    scrubbed = before_record_request(Request("POST", "http://127.0.0.1:1/v1/snippets", body, {}))
    assert json.loads(scrubbed.body) == {"name": "footer", "value": "key REDACTED"}


def test_response_loses_tokens_cookies_and_date() -> None:
    body = json.dumps({"access_token": JWT, "token_type": "Bearer", "expires_in": 3600})
    response = {
        "status": {"code": 200, "message": "OK"},
        "headers": {"content-type": ["application/json"], "set-cookie": ["s=1"],
                    "date": ["Mon, 01 Jan 2024 00:00:00 GMT"], "content-length": ["999"]},
        "body": {"string": body.encode()},
    }
    scrubbed = before_record_response(response)
    assert json.loads(scrubbed["body"]["string"])["access_token"] == "REDACTED"
    assert set(scrubbed["headers"]) == {"content-type", "content-length"}
    assert scrubbed["headers"]["content-length"] == [str(len(scrubbed["body"]["string"]))]


@pytest.mark.parametrize("body", [None, b"", b"\xff\xfe binary", "plain text"])
def test_bodies_without_secrets_pass_unchanged(body: bytes | str | None) -> None:
    assert scrub_body(body) == body
