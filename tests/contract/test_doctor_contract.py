"""``cioctl doctor --contract``: the current plan's real bodies against vendor documents (CLI).

The example workspace is planned against its embedded workspace (no network); the documents
are the committed App API excerpt, variants of it, and the evidence-page Journeys document.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import Cli
from tests.contract.journeys_document import (
    closed_templates,
    sender_required,
    write_document,
)
from tests.contract.test_validate import APP_DOCUMENT

GROUP = "vendor contract"


def contract_checks(out: str) -> list[dict[str, Any]]:
    report = json.loads(out)
    return [c for c in report["checks"] if c["group"] == GROUP]


def app_variant(tmp_path: Path, value_type: str) -> Path:
    """The App excerpt with the snippet ``value`` of another type (a document cioctl's
    snippets then disagree with)."""
    document = json.loads(APP_DOCUMENT.read_text())
    document = copy.deepcopy(document)
    document["components"]["schemas"]["SnippetInput"]["properties"]["value"]["type"] = value_type
    path = tmp_path / "app-variant.json"
    path.write_text(json.dumps(document))
    return path


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CIOCTL_CONTRACT_CACHE", str(tmp_path / "cache"))


def test_the_app_bodies_of_the_example_fit_the_vendor_excerpt(cli: Cli,
                                                               example_copy: Path) -> None:
    code, out = cli("doctor", "-w", str(example_copy), "--contract", str(APP_DOCUMENT),
                    "--format", "json")
    checks = contract_checks(out)
    assert code == 0, [c for c in checks if c["status"] == "fail"]
    summary = next(c for c in checks if c["name"] == "plan requests")
    assert summary["status"] == "ok" and "0 error(s)" in summary["detail"]
    unchecked = next(c for c in checks if c["name"] == "not checked")
    assert "journeys API" in unchecked["detail"]  # no Journeys document was given


def test_a_wrong_body_is_caught_with_route_pointer_and_expectation(
    cli: Cli, example_copy: Path, tmp_path: Path
) -> None:
    code, out = cli("doctor", "-w", str(example_copy), "--contract",
                    str(app_variant(tmp_path, "integer")), "--format", "json")
    assert code == 1
    failed = [c for c in contract_checks(out) if c["status"] == "fail"]
    snippets = [c for c in failed if c["name"] == "POST /v1/snippets /value"]
    assert snippets and all(c["detail"].startswith("expected type integer, got string (sent by "
                                                   "snippet:") for c in snippets)
    assert "support@acme.test" not in out  # a finding names types, never the values sent


def test_text_output_and_the_evidence_document(cli: Cli, example_copy: Path,
                                               tmp_path: Path) -> None:
    journeys = write_document(tmp_path)
    code, out = cli("doctor", "-w", str(example_copy), "--contract", str(APP_DOCUMENT),
                    "--contract", str(journeys))
    assert "vendor contract" in out and "plan requests:" in out
    assert "not checked" not in out  # both surfaces are covered now
    assert (code == 1) == ("✗ POST /v1/environments/{environment_id}/" in out)
    assert "(sent by flow:onboarding)" in out  # flows' bodies are derived and checked
    assert "/templates/{template_id}" not in out  # and their template writes fit §5


def test_an_unavailable_document_is_a_failed_check_not_a_traceback(
    cli: Cli, example_copy: Path
) -> None:
    code, out = cli("doctor", "-w", str(example_copy), "--contract",
                    "http://127.0.0.1:9/openapi.json")
    assert code == 1
    assert "✗ contract preflight: the contract document http://127.0.0.1:9/openapi.json is " \
           "unavailable" in out
    assert "Traceback" not in out


CLOSED_TEMPLATE = "PUT /v1/environments/{environment_id}/templates/{template_id} /template/"


def test_a_wrong_flow_body_is_caught_field_by_field(cli: Cli, example_copy: Path,
                                                    tmp_path: Path) -> None:
    """Flow writes are derived (not skipped): a Journeys document that forbids a field the
    campaign codec sends in a message template fails on that route and pointer, naming the
    flow that sends it (the evidence document itself does not: the test above)."""
    def template_failures(document: dict[str, Any] | None) -> list[dict[str, Any]]:
        folder = tmp_path / str(len(list(tmp_path.iterdir())))
        folder.mkdir()
        _, out = cli("doctor", "-w", str(example_copy), "--contract",
                     str(write_document(folder, document)), "--format", "json")
        return [c for c in contract_checks(out) if c["status"] == "fail"
                and c["name"].startswith(CLOSED_TEMPLATE)]

    failed = template_failures(closed_templates())
    names = {c["name"].removeprefix(CLOSED_TEMPLATE) for c in failed}
    # email reply_to/recipient/headers, sms image_url, webhook method/url (D11, decided)
    assert names == {"reply_to", "recipient", "headers", "image_url", "method", "url"}
    assert all(c["detail"].startswith("expected no such property (the schema allows no "
                                      "others), got present (sent by flow:") for c in failed)
    assert {c["detail"].rsplit("flow:", 1)[1].rstrip(")") for c in failed} >= {"onboarding"}

    # a field the document requires and the codec does not send: an SMS, push, in-app or
    # webhook template has no sender
    required = template_failures(sender_required())
    assert {c["name"].removeprefix(CLOSED_TEMPLATE) for c in required} == {"from_identity_id"}
    assert all(c["detail"].startswith("expected a required property, got absent (sent by "
                                      "flow:") for c in required)
    assert "flow:cancellation_win_back" in " ".join(c["detail"] for c in required)  # its sms
