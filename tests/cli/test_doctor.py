"""``cioctl doctor``: local, unset credentials, a served emulator, clock skew, --openapi."""

from __future__ import annotations

import copy
import json
from email.utils import formatdate
from pathlib import Path
from typing import Any

import httpx
import pytest

from cioctl.api.usage import ROUTES
from cioctl.doctor import probes
from cioctl.emulator import LOCAL_APP_API_KEY, LOCAL_SERVICE_ACCOUNT, running_emulator
from tests.cli.conftest import Cli
from tests.conftest import WriteWorkspace

# A committed copy of Customer.io's App API OpenAPI excerpt: never skipped.
SPEC = Path(__file__).parents[1] / "fixtures/contracts/customerio-app-openapi.partial.json"
CANARY = "canary-doctor-secret-9876"
STAGING_KEY = "CIO_STAGING_APP_API_KEY"


def mock_network(monkeypatch: pytest.MonkeyPatch, handler: Any) -> list[httpx.Request]:
    """Replace doctor's network by ``handler``; returns the requests it saw."""
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        response: httpx.Response = handler(request)
        return response

    monkeypatch.setattr(probes, "network_transport", lambda: httpx.MockTransport(record))
    return seen


def now_header(offset: float = 0.0) -> dict[str, str]:
    import time

    return {"date": formatdate(time.time() + offset, usegmt=True)}


def json_report(out: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(out)
    return document


def by_name(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {check["name"]: check for check in report["checks"]}


def test_local_passes_without_credentials(cli: Cli, example_copy: Path) -> None:
    code, out = cli("doctor", "-w", str(example_copy), "-e", "local", env={})
    assert code == 0, out
    assert "✓ App API reachable" in out and "✓ Journeys reachable" in out
    assert "all checks passed" in out and "✗" not in out


def test_staging_without_credentials_names_the_variables(
    cli: Cli, example_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = mock_network(monkeypatch, lambda r: httpx.Response(
        200, json={"ip_addresses": []}, headers=now_header()))
    code, out = cli("doctor", "-w", str(example_copy), "-e", "staging", env={})
    assert code == 1
    assert f"✗ credentials: App API key: {STAGING_KEY} is not set" in out
    assert f"export {STAGING_KEY}=" in out and "CIO_STAGING_SERVICE_ACCOUNT" in out
    assert "https://api.customer.io" in out and "https://us.fly.customer.io" in out
    assert [r.url.path for r in seen] == ["/v1/info/ip_addresses"]
    assert "authorization" not in seen[0].headers


@pytest.mark.parametrize("output", ["text", "json"])
def test_a_set_credential_is_never_printed(
    cli: Cli, example_copy: Path, monkeypatch: pytest.MonkeyPatch, output: str
) -> None:
    def reject(request: httpx.Request) -> httpx.Response:
        echoed = request.headers.get("authorization", "")
        return httpx.Response(401, json={"errors": [{"detail": f"bad {echoed}", "status": "401"}]})

    mock_network(monkeypatch, reject)
    code, out = cli("doctor", "-w", str(example_copy), "-e", "staging", "--format", output,
                    env={STAGING_KEY: CANARY, "CIO_STAGING_SERVICE_ACCOUNT": CANARY + "-sa"})
    assert code == 1
    assert CANARY not in out
    assert STAGING_KEY in out


def test_staging_with_good_key_and_skewed_clock(
    cli: Cli, example_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        assert request.headers["authorization"] == f"Bearer {CANARY}"
        return httpx.Response(200, json={"workspaces": [{"id": 111111, "name": "Staging"}]},
                              headers=now_header(-120))

    mock_network(monkeypatch, answer)
    code, out = cli("doctor", "-w", str(example_copy), "-e", "staging", "--format", "json",
                    env={STAGING_KEY: CANARY})
    checks = by_name(json_report(out))
    assert checks["App API workspace"]["status"] == "ok"
    assert checks["clock"]["status"] == "warn" and "ahead" in checks["clock"]["detail"]
    assert checks["credentials: service account"]["status"] == "fail"
    assert code == 1


def test_against_a_served_emulator(
    cli: Cli, write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    with running_emulator(tmp_path / "served.sqlite3", workspace_id=42) as base:
        root = write_workspace(workspace=f"""\
workspace: served
environments:
  served:
    endpoint: {base}
    workspace_id: 42
    credentials:
      app_api_key: ${{env:CIO_EMU_KEY}}
      service_account: ${{env:CIO_EMU_SA}}
""")
        env = {"CIO_EMU_KEY": LOCAL_APP_API_KEY, "CIO_EMU_SA": LOCAL_SERVICE_ACCOUNT}
        code, out = cli("doctor", "-w", str(root), "-e", "served", "--format", "json", env=env)
        assert code == 0, out
        checks = by_name(json_report(out))
        assert checks["App API"]["detail"] == base
        assert checks["Journeys workspace"]["status"] == "ok"
        assert checks["clock"]["status"] == "ok"
        code, out = cli("doctor", "-w", str(root), "-e", "served", env={"CIO_EMU_KEY": "wrong"})
    assert code == 1 and "✗ App API reachable" in out and "CIO_EMU_KEY" in out
    assert "✗ credentials: service account: CIO_EMU_SA is not set" in out


def test_unknown_environment(cli: Cli, example_copy: Path) -> None:
    code, out = cli("doctor", "-w", str(example_copy), "-e", "qa")
    assert code == 1 and "'qa' is not defined" in out and "local, production, staging" in out


def spec() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(SPEC.read_text())
    return document


def test_openapi_partial_lists_the_gaps(cli: Cli, example_copy: Path) -> None:
    code, out = cli("doctor", "-w", str(example_copy), "--openapi", str(spec() and SPEC),
                    "--format", "json")
    assert code == 1
    checks = by_name(json_report(out))
    for missing in ("GET /v1/workspaces", "GET /v1/segments/{segment_id}/used_by",
                    "GET /v1/collections/{collection_id}/content"):
        assert checks[missing]["status"] == "fail", missing
    modeled = checks["GET /v1/environments/{workspace_id}/segments"]
    assert modeled["status"] == "info" and "modeled" in modeled["detail"]
    for documented in ("GET /v1/segments", "POST /v1/segments",
                       "PUT /v1/campaigns/{campaign_id}/actions/{action_id}"):
        assert documented not in checks
    assert not any(name.startswith("POST /v1/segments ") for name in checks)


def complete(document: dict[str, Any]) -> dict[str, Any]:
    """The partial document plus a bare operation for every documented route it lacks."""
    document = copy.deepcopy(document)
    for use in ROUTES:
        if use.documented and use.key not in {
            (m.upper(), p) for p, item in _normalized(document) for m in item
        }:
            params = [{"name": f[1:], "in": "query"} for f in use.request_fields if f[0] == "?"]
            fields = {f: {} for f in use.request_fields if f[0] not in "?*"}
            assert not any("." in f or "[" in f for f in fields), "extend this helper"
            body = {"content": {"application/json": {"schema": {"properties": fields}}}}
            document["paths"].setdefault(use.path_template, {})[use.method.lower()] = {
                "parameters": params, "requestBody": body, "responses": {}}
    return document


def _normalized(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    from cioctl.api.usage import normalize

    return [(normalize(path), item) for path, item in document["paths"].items()]


def test_openapi_field_gaps_and_newly_documented_routes(cli: Cli, example_copy: Path,
                                                        tmp_path: Path) -> None:
    document = complete(spec())
    path = tmp_path / "vendor.json"
    path.write_text(json.dumps(document))
    code, out = cli("doctor", "-w", str(example_copy), "--openapi", str(path))
    assert code == 0, out
    assert "✓ vendor.json: 36 of 36 documented routes" in out

    segment = document["components"]["schemas"]["ManualSegmentCreate"]["properties"]["segment"]
    del segment["properties"]["description"]
    document["paths"]["/v1/environments/{environment_id}/segments"] = {"get": {}}
    path.write_text(json.dumps(document))
    code, out = cli("doctor", "-w", str(example_copy), "--openapi", str(path), "--format", "json")
    assert code == 1
    checks = by_name(json_report(out))
    assert checks["POST /v1/segments segment.description"]["detail"].endswith(
        "absent in the vendor document")
    assert checks["GET /v1/environments/{workspace_id}/segments"]["status"] == "warn"


def test_openapi_bad_file_is_a_clean_error(cli: Cli, example_copy: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    code, out = cli("doctor", "-w", str(example_copy), "--openapi", str(bad))
    assert code == 1 and "is not JSON" in out and "Traceback" not in out


# --- first contact: one command before the first plan, checks in the order plan needs them ---


def served_workspace(write_workspace: WriteWorkspace, base: str) -> Path:
    root: Path = write_workspace(workspace=f"""\
workspace: served
environments:
  served:
    endpoint: {base}
    workspace_id: 42
    credentials:
      app_api_key: ${{env:CIO_EMU_KEY}}
      service_account: ${{env:CIO_EMU_SA}}
""")
    return root


ORDER = ["workspace.yaml", "environment", "backend", "App API", "Journeys API",
         "credentials: App API key", "credentials: service account", "App API reachable",
         "App API workspace", "Journeys reachable", "Journeys workspace", "clock"]


def test_checks_run_in_the_order_a_first_plan_needs_them_and_end_ready(
    cli: Cli, write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    with running_emulator(tmp_path / "served.sqlite3", workspace_id=42) as base:
        root = served_workspace(write_workspace, base)
        env = {"CIO_EMU_KEY": LOCAL_APP_API_KEY, "CIO_EMU_SA": LOCAL_SERVICE_ACCOUNT}
        code, out = cli("doctor", "-w", str(root), "-e", "served", "--format", "json", env=env)
        assert code == 0, out
        report = json_report(out)
        assert [c["name"] for c in report["checks"]] == ORDER
        assert report["next"] == "ready: run cioctl plan -e served"
        code, out = cli("doctor", "-w", str(root), "-e", "served", env=env)
        assert out.rstrip().splitlines()[-1] == "ready: run cioctl plan -e served"
        # ready means ready: the plan it points at goes ahead
        code, out = cli("plan", "-w", str(root), "-e", "served", env=env)
        assert code == 0, out


def test_missing_credentials_end_with_every_variable_to_export_in_order(
    cli: Cli, write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    with running_emulator(tmp_path / "served.sqlite3", workspace_id=42) as base:
        root = served_workspace(write_workspace, base)
        code, out = cli("doctor", "-w", str(root), "-e", "served", env={})
    assert code == 1
    last = out.rstrip().splitlines()[-1]
    assert last.startswith("fix first: export CIO_EMU_KEY=")
    assert last.index("CIO_EMU_KEY") < last.index("export CIO_EMU_SA=")
    # reachability is still checked without them (the no-auth route)
    assert "✓ App API reachable: GET /v1/info/ip_addresses answered" in out
    code, out = cli("doctor", "-w", str(root), "-e", "served", env={"CIO_EMU_SA": "x"})
    assert out.rstrip().splitlines()[-1].startswith("fix first: export CIO_EMU_KEY=")
    assert "export CIO_EMU_SA" not in out.rstrip().splitlines()[-1]


def test_an_undeclared_credential_fails_as_plan_would(
    cli: Cli, write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    with running_emulator(tmp_path / "served.sqlite3", workspace_id=42) as base:
        root = write_workspace(workspace=f"""\
workspace: served
environments:
  served:
    endpoint: {base}
    workspace_id: 42
    credentials:
      app_api_key: ${{env:CIO_EMU_KEY}}
""")
        code, out = cli("doctor", "-w", str(root), "-e", "served", "--format", "json",
                        env={"CIO_EMU_KEY": LOCAL_APP_API_KEY})
        assert code == 1
        checks = by_name(json_report(out))
        assert checks["credentials: service account"]["status"] == "fail"
        assert "service_account: ${env:CIO_SERVED_SERVICE_ACCOUNT}" in \
            json_report(out)["next"]
        code, out = cli("plan", "-w", str(root), "-e", "served",
                        env={"CIO_EMU_KEY": LOCAL_APP_API_KEY})
        assert code == 1 and "credentials.service_account not set" in out


def test_a_missing_or_invalid_workspace_yaml_is_the_first_and_only_check(
    cli: Cli, write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    code, out = cli("doctor", "-w", str(tmp_path / "nowhere"), "-e", "staging", "--format",
                    "json")
    report = json_report(out)
    assert code == 1 and [c["name"] for c in report["checks"]] == ["workspace.yaml"]
    assert report["next"].startswith("fix first: workspace.yaml: ")
    root = write_workspace(workspace="workspace: broken\nenvironments: [1, 2]\n")
    code, out = cli("doctor", "-w", str(root), "-e", "staging")
    assert code == 1 and "✗ workspace.yaml: " in out and "Traceback" not in out
    assert out.rstrip().splitlines()[-1].startswith("fix first: workspace.yaml: ")


def test_an_unknown_environment_stops_there(cli: Cli, example_copy: Path) -> None:
    code, out = cli("doctor", "-w", str(example_copy), "-e", "qa", "--format", "json")
    report = json_report(out)
    assert code == 1
    assert [c["name"] for c in report["checks"]] == ["workspace.yaml", "environment"]
    assert report["next"] == "fix first: environment: choose one of: local, production, staging"
