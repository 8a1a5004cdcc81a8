"""Responses of the embedded workspace validate against the vendor's OpenAPI excerpt."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from emu_helpers import Api, build_flow
from jsonschema import Draft202012Validator

# A committed copy of Customer.io's App API OpenAPI excerpt: never skipped.
SPEC_PATH = Path(__file__).parents[1] / "fixtures/contracts/customerio-app-openapi.partial.json"


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SPEC_PATH.read_text())
    return loaded


def check(spec: dict[str, Any], method: str, path: str, status: int, body: Any) -> None:
    operation = spec["paths"][path][method]
    response = operation["responses"][str(status)]
    if "$ref" in response:
        response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    schema = response["content"]["application/json"]["schema"]
    validator = Draft202012Validator({**schema, "components": spec["components"]})
    errors = [e.message for e in validator.iter_errors(body)]
    assert errors == [], (method, path, status, errors)


def test_config_responses_match_the_vendor_schemas(
    spec: dict[str, Any], api: Api, jwt: str,
) -> None:
    def call(method: str, url: str, path: str, status: int = 200, **kw: Any) -> Any:
        response = api(method.upper(), url, **kw)
        assert response.status_code == status, response.text
        body = response.json()
        check(spec, method, path, status, body)
        return body

    segment = call("post", "/v1/segments", "/v1/segments", json={"segment": {"name": "S"}})
    call("get", "/v1/segments", "/v1/segments")
    call("get", f"/v1/segments/{segment['segment']['id']}", "/v1/segments/{segment_id}")
    webhook = {"name": "h", "endpoint": "https://example.test", "events": ["email_sent"]}
    created = call("post", "/v1/reporting_webhooks", "/v1/reporting_webhooks", json=webhook)
    call("get", "/v1/reporting_webhooks", "/v1/reporting_webhooks")
    call("put", f"/v1/reporting_webhooks/{created['id']}", "/v1/reporting_webhooks/{webhook_id}",
         json=webhook)
    call("post", "/v1/snippets", "/v1/snippets", json={"name": "n", "value": "v"})
    call("post", "/v1/snippets", "/v1/snippets", 422, json={"name": "n", "value": "v"})
    call("put", "/v1/snippets", "/v1/snippets", json={"name": "n", "value": "w"})
    call("get", "/v1/snippets", "/v1/snippets")
    call("post", "/v1/collections", "/v1/collections", json={"name": "c", "data": [{"a": 1}]})
    call("get", "/v1/collections", "/v1/collections")
    call("post", "/v1/data_index/attributes", "/v1/data_index/attributes", 422,
         json={"attributes": []})
    call("post", "/v1/data_index/events", "/v1/data_index/events", 422,
         json={"events": [{"name": str(i)} for i in range(101)]})
    call("post", "/v1/data_index/events", "/v1/data_index/events", 400, json=[])


def test_campaign_responses_match_the_vendor_schemas(
    spec: dict[str, Any], api: Api, jwt: str,
) -> None:
    messages = [("email_action", f"step-{i}", {"subject": f"S{i}", "body": "b"})
                for i in range(12)]
    messages.append(("webhook_action", "hook", {
        "url": "https://example.test", "headers": [{"name": "X", "value": "1"}]}))
    cid, ids = build_flow(api, jwt, messages)
    check(spec, "get", "/v1/campaigns", 200, api("GET", "/v1/campaigns").json())
    check(spec, "get", "/v1/campaigns/{campaign_id}", 200,
          api("GET", f"/v1/campaigns/{cid}").json())
    for start in ("", "10"):
        page = api("GET", f"/v1/campaigns/{cid}/actions", params={"start": start}).json()
        check(spec, "get", "/v1/campaigns/{campaign_id}/actions", 200, page)
    put = api("PUT", f"/v1/campaigns/{cid}/actions/{ids[0]}",
              json={"subject": "s", "headers": [{"name": "A", "value": "b"}]}).json()
    check(spec, "put", "/v1/campaigns/{campaign_id}/actions/{action_id}", 200, put)


def test_rate_limited_body_matches(spec: dict[str, Any], make_app: Any) -> None:
    api = Api(make_app(rate_limit=True))
    responses = [api("GET", "/v1/segments") for _ in range(11)]
    limited = responses[-1]
    assert limited.status_code == 429
    check(spec, "get", "/v1/segments", 429, limited.json())
