"""Request bodies against the vendor documents: what passes, what is caught, and how it reads."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from cioctl.api.endpoints import Surface
from cioctl.contract import Contract, Finding, PlannedRequest, Severity, load_contract
from tests.contract.journeys_document import (
    CAMPAIGN_CREATE_EXAMPLE,
    CAMPAIGNS,
    SEGMENT,
    SEGMENT_CREATE_EXAMPLE,
    SEGMENTS,
    write_document,
)

APP_DOCUMENT = Path(__file__).parents[1] / "fixtures/contracts/customerio-app-openapi.partial.json"
SEGMENTS_PATH = "/v1/environments/123/segments"


@pytest.fixture
def contract(tmp_path: Path) -> Contract:
    return Contract([load_contract(str(write_document(tmp_path))),
                     load_contract(str(APP_DOCUMENT))])


def journeys(method: str, path: str, body: Any) -> PlannedRequest:
    return PlannedRequest(method, path, body, Surface.JOURNEYS, "segment.engaged")


def app(method: str, path: str, body: Any) -> PlannedRequest:
    return PlannedRequest(method, path, body, Surface.APP)


def only(findings: list[Finding]) -> Finding:
    assert len(findings) == 1, findings
    return findings[0]


def test_the_evidence_examples_pass(contract: Contract) -> None:
    assert contract.check_one(journeys("POST", SEGMENTS_PATH, SEGMENT_CREATE_EXAMPLE)) == []
    assert contract.check_one(journeys("PUT", SEGMENTS_PATH + "/17",
                                       SEGMENT_CREATE_EXAMPLE)) == []
    assert contract.check_one(journeys("POST", "/v1/environments/123/campaigns",
                                       CAMPAIGN_CREATE_EXAMPLE)) == []


def test_a_bare_attribute_leaf_is_caught_with_route_and_pointer(contract: Contract) -> None:
    body = copy.deepcopy(SEGMENT_CREATE_EXAMPLE)
    body["segment"]["conditions"] = {"and": [{"or": [
        {"attribute": {"field": "plan", "operator": "eq", "value": "pro"}}]}]}
    finding = only(contract.check_one(journeys("POST", SEGMENTS_PATH, body)))
    assert finding.severity is Severity.ERROR
    assert finding.route == "/v1" + SEGMENTS  # the template (after the server's path)
    assert finding.pointer.startswith("/segment/conditions/and/0")
    assert finding.expected == "exactly one of the alternatives: EventLeaf, SegmentLeaf"
    assert str(finding).startswith(f"error: POST /v1{SEGMENTS} /segment/conditions/and/0")


def test_a_missing_required_name_is_caught(contract: Contract) -> None:
    body = copy.deepcopy(CAMPAIGN_CREATE_EXAMPLE)
    del body["campaign"]["name"]
    finding = only(contract.check_one(journeys("POST", "/v1/environments/1/campaigns", body)))
    assert (finding.route, finding.pointer, finding.expected, finding.got) == (
        "/v1" + CAMPAIGNS, "/campaign/name", "a required property", "absent")


def test_a_string_where_an_integer_is_expected_is_caught(contract: Contract) -> None:
    body = copy.deepcopy(SEGMENT_CREATE_EXAMPLE)
    body["segment"]["conditions"]["and"][0]["or"][0]["times"] = "3"
    finding = only(contract.check_one(journeys("PUT", SEGMENTS_PATH + "/17", body)))
    assert finding.route == "/v1" + SEGMENT
    assert finding.pointer == "/segment/conditions/and/0/or/0/times"
    assert (finding.expected, finding.got) == ("type integer", "string")


def test_enum_nullable_and_read_only(contract: Contract) -> None:
    body = copy.deepcopy(SEGMENT_CREATE_EXAMPLE)
    body["segment"].update(type="manual", description=None, id=4)  # 3.0 nullable: fine
    findings = contract.check_one(journeys("POST", SEGMENTS_PATH, body))
    by_pointer = {f.pointer: f.expected for f in findings}
    assert by_pointer == {"/segment/type": 'one of "dynamic", "static"',
                          "/segment/id": "not sent: read-only (the server sets it)"}


def test_values_never_appear_in_findings(contract: Contract) -> None:
    secret = "canary-contract-secret-4242"
    body = copy.deepcopy(SEGMENT_CREATE_EXAMPLE)
    body["segment"]["type"] = secret
    body["segment"]["conditions"]["and"][0]["or"][0]["times"] = secret
    findings = contract.check_one(journeys("POST", SEGMENTS_PATH, body))
    assert len(findings) == 2
    assert not any(secret in str(f) or secret in repr(f) for f in findings)


def test_app_bodies_against_the_vendor_excerpt(contract: Contract) -> None:
    assert contract.check_one(app("POST", "/v1/snippets", {"name": "a", "value": "b"})) == []
    assert contract.check_one(app("POST", "/v1/collections",
                                  {"name": "c", "data": [{"k": 1}]})) == []
    finding = only(contract.check_one(app("PUT", "/v1/snippets", {"name": "a", "value": 5})))
    assert (finding.route, finding.pointer, finding.expected, finding.got) == (
        "/v1/snippets", "/value", "type string", "integer")


def test_a_route_missing_from_a_partial_document_is_a_warning(contract: Contract) -> None:
    finding = only(contract.check_one(app("PUT", "/v1/collections/3/content", [{"a": 1}])))
    assert finding.severity is Severity.WARNING and "partial" in finding.expected


def test_a_route_missing_from_a_complete_document_is_an_error(contract: Contract) -> None:
    # the Journeys action PUT (D6): a route the test document does not list
    finding = only(contract.check_one(journeys("PUT", "/v1/environments/1/actions/9",
                                               {"action": {}})))
    assert finding.severity is Severity.ERROR and finding.got == "absent"


def test_a_surface_no_document_covers_is_not_checked(tmp_path: Path) -> None:
    only_journeys = Contract([load_contract(str(write_document(tmp_path)))])
    finding = only(only_journeys.check_one(app("POST", "/v1/snippets", {"name": 1})))
    assert finding.severity is Severity.INFO and "not checked" in finding.expected


def test_literal_segments_win_over_parameters(tmp_path: Path) -> None:
    from tests.contract.journeys_document import DOCUMENT

    document = copy.deepcopy(DOCUMENT)
    document["paths"][SEGMENTS + "/estimate"] = {"put": {"responses": {}}}
    contract = Contract([load_contract(str(write_document(tmp_path, document)))])
    finding = only(contract.check_one(journeys("PUT", SEGMENTS_PATH + "/estimate", {"x": 1})))
    assert (finding.route, finding.severity) == ("/v1" + SEGMENTS + "/estimate",
                                                 Severity.WARNING)
    assert finding.expected == "no request body"


def test_a_document_naming_the_surface_wins_over_a_catch_all(tmp_path: Path) -> None:
    from tests.contract.journeys_document import DOCUMENT

    catch_all = copy.deepcopy(DOCUMENT)
    del catch_all["servers"]  # covers both surfaces, and claims /v1/snippets takes integers
    catch_all["paths"]["/v1/snippets"] = {"post": {"requestBody": {"content": {
        "application/json": {"schema": {"type": "integer"}}}}, "responses": {}}}
    contract = Contract([load_contract(str(write_document(tmp_path, catch_all))),
                         load_contract(str(APP_DOCUMENT))])
    assert contract.check_one(app("POST", "/v1/snippets", {"name": "a", "value": "b"})) == []


@pytest.mark.parametrize("schema", [{"$ref": "other.json#/Segment"},
                                    {"$ref": "#/components/schemas/Nowhere"},
                                    {"type": "segment"}])
def test_an_unusable_schema_in_the_document_is_a_warning_not_a_crash(
    tmp_path: Path, schema: dict[str, Any]
) -> None:
    from tests.contract.journeys_document import DOCUMENT

    document = copy.deepcopy(DOCUMENT)
    document["paths"][SEGMENTS]["post"]["requestBody"]["content"]["application/json"][
        "schema"] = schema
    contract = Contract([load_contract(str(write_document(tmp_path, document)))])
    finding = only(contract.check_one(journeys("POST", SEGMENTS_PATH, SEGMENT_CREATE_EXAMPLE)))
    assert finding.severity is Severity.WARNING and "unusable" in finding.expected
