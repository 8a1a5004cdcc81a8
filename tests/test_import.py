"""cioctl import: an applied workspace imports into definitions that plan as unchanged."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
import yaml

from cioctl.api import segments, snippets
from cioctl.api.journeys.segment_json import wire_conditions
from cioctl.api.journeys.wire_values import ValueTypes
from cioctl.cli import app
from cioctl.cli.boundary import run_cli
from cioctl.emulator import LOCAL_APP_API_KEY, LOCAL_SERVICE_ACCOUNT, running_emulator
from cioctl.engine import load_valid_workspace
from cioctl.environments import open_client
from cioctl.errors import ConfigError
from cioctl.importer.build import definition_data
from cioctl.importer.run import import_workspace
from cioctl.importer.write import dump
from cioctl.kinds.address import Address
from cioctl.kinds.condition_words import UnrepresentableError, duration
from cioctl.kinds.condition_words import condition_words as condition
from cioctl.kinds.registry import Kind
from cioctl.model.config import LOCAL, WorkspaceConfig
from cioctl.model.flows import Flow
from cioctl.model.segments import Segment
from cioctl.model.types import ValueType
from cioctl.model.workspace import Workspace
from cioctl.pipeline import validate_workspace
from cioctl.plan.change import Action, Flag
from cioctl.state.desired import desired_resources
from tests.conftest import EXAMPLE
from tests.plan.engine_helpers import apply, plan
from tests.served import KEYS, add_environments, served_environment

KINDS_WRITTEN = ("events", "attributes", "segments", "flows", "snippets", "reporting_webhooks",
                 "collections")


def _fresh(folder: Path, source: Path) -> Path:
    """A folder holding only a copy of the source's workspace.yaml."""
    folder.mkdir()
    shutil.copy(source / "workspace.yaml", folder / "workspace.yaml")
    return folder


def _share_state(source: Path, target: Path) -> None:
    """The source's embedded workspace state (the database with its journal files)."""
    (target / ".cioctl").mkdir(exist_ok=True)
    for path in (source / ".cioctl").glob("embedded.sqlite3*"):
        shutil.copy(path, target / ".cioctl" / path.name)


@pytest.fixture
def applied(example_copy: Path) -> Path:
    """The example, applied to its embedded workspace."""
    assert apply(example_copy).result.ok
    return example_copy


def _import(source: Path, out: Path, env: str = "local", environ: dict[str, str] | None = None,
            force: bool = False) -> None:
    import_workspace(source, env, out, {**os.environ, **(environ or {})}, force=force)


def test_imported_example_validates_and_plans_zero_changes(applied: Path, tmp_path: Path) -> None:
    out = _fresh(tmp_path / "imported_ws", applied)
    _import(applied, out)
    assert sorted(p.name for p in (out / "imported").iterdir()) == sorted(
        f"{k}.yaml" for k in KINDS_WRITTEN)
    _share_state(applied, out)
    report = validate_workspace(out, "local", os.environ)
    assert report.problems == (), [str(p) for p in report.problems]
    assert report.workspace.counts() == load_valid_workspace(applied, "local", {}).counts()
    assert plan(out).changes == ()


def test_imported_files_have_schema_header_block_scalars_and_no_credentials(
        applied: Path, tmp_path: Path) -> None:
    out = tmp_path / "new"
    _import(applied, out)
    flows = (out / "imported" / "flows.yaml").read_text()
    assert flows.startswith("# yaml-language-server: $schema=../.schema/definitions.schema.json")
    assert "body: |\n" in flows and (out / ".schema" / "definitions.schema.json").is_file()
    workspace = yaml.safe_load((out / "workspace.yaml").read_text())
    assert list(workspace["environments"]) == ["local"]
    attributes = (out / "imported" / "attributes.yaml").read_text()
    assert "type: timestamp  # type inferred" in attributes
    assert "# type not readable from Customer.io; set it" in attributes
    for path in (out / "imported").iterdir():
        text = path.read_text()
        assert LOCAL_APP_API_KEY not in text and LOCAL_SERVICE_ACCOUNT not in text


def test_workspace_yaml_copies_env_references_only(tmp_path: Path) -> None:
    from cioctl.importer.write import workspace_yaml

    text = workspace_yaml((EXAMPLE / "workspace.yaml").read_text(), "staging")
    data = yaml.safe_load(text)
    assert data["environments"] == {"staging": {
        "region": "us", "workspace_id": 111111, "credentials": {
            "app_api_key": "${env:CIO_STAGING_APP_API_KEY}",
            "service_account": "${env:CIO_STAGING_SERVICE_ACCOUNT}"}}}
    WorkspaceConfig.model_validate(data)


def _create_unmanaged(root: Path) -> None:
    ws = load_valid_workspace(root, "local", {})

    async def run() -> None:
        async with open_client(root, ws.config, "local", {}, throttle=False) as client:
            await segments.create_journeys_segment(
                client, "VIP accounts", description="Made in the UI",
                conditions=wire_conditions({"and": [
                    {"attribute": {"field": "mrr", "operator": "gt", "value": 1000}},
                    {"event": {"name": "invoice_paid", "count_operator": "at_least",
                               "count": 3, "within_seconds": 7776000,
                               "filters": [{"field": "amount", "operator": "gt",
                                            "value": 500}]}}]}, {}.__getitem__, ValueTypes(
                    attributes={"mrr": ValueType.NUMBER},
                    properties={"invoice_paid": {"amount": ValueType.NUMBER}})))
            await snippets.create_snippet(client, "price_note",
                                          "Price: ${price} {{ customer.email }}")

    anyio.run(run)


def test_unmanaged_resources_are_imported_and_adopted(applied: Path, tmp_path: Path) -> None:
    _create_unmanaged(applied)
    out = _fresh(tmp_path / "imported_ws", applied)
    _import(applied, out)
    text = (out / "imported" / "segments.yaml").read_text()
    assert "name: VIP accounts" in text and "not managed by cioctl yet" in text
    assert "$${price}" in (out / "imported" / "snippets.yaml").read_text()
    _share_state(applied, out)
    report = validate_workspace(out, "local", os.environ)
    assert report.problems == (), [str(p) for p in report.problems]
    changes = plan(out).changes
    assert sorted(c.address for c in changes) == ["segment:vip_accounts", "snippet:price_note"]
    assert all(c.action is Action.UPDATE and Flag.ADOPT in c.flags for c in changes)
    assert apply(out).result.ok and plan(out).changes == ()




@pytest.fixture
def served(example_copy: Path, tmp_path: Path) -> Iterator[Path]:
    """The example applied to a served emulator, with an environment lacking the service
    account."""
    with running_emulator(tmp_path / "served.sqlite3", rate_limit=False) as url:
        add_environments(example_copy, served_environment("served", url),
                         served_environment("app_only", url,
                                            service_account="SERVED_SA_MISSING"))
        assert apply(example_copy, env="served", environ=KEYS).result.ok
        yield example_copy


def test_missing_service_account_writes_commented_stubs(served: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    environ = {k: v for k, v in KEYS.items() if k != "SERVED_SA"}
    report = import_workspace(served, "app_only", out, {**environ, "PATH": ""})
    assert set(report.not_imported) == {"segments", "flows", "events", "attributes"}
    text = (out / "imported" / "segments.yaml").read_text()
    assert ("# segments: not imported — the environment 'app_only' has no service_account "
            "credential (set SERVED_SA_MISSING), which reading segments needs") in text
    assert yaml.safe_load(text) == {"segments": None}
    snippet_names = {s["name"] for s in yaml.safe_load(
        (out / "imported" / "snippets.yaml").read_text())["snippets"]}
    assert snippet_names == {"email_footer", "support_line", "upgrade_cta", "sms_signature"}
    config = yaml.safe_load((out / "workspace.yaml").read_text())
    assert config["environments"]["app_only"]["credentials"] == {
        "app_api_key": "${env:SERVED_APP_KEY}", "service_account": "${env:SERVED_SA_MISSING}"}


def test_served_environment_imports_with_zero_changes(served: Path, tmp_path: Path) -> None:
    out = _fresh(tmp_path / "out", served)
    _import(served, out, "served", KEYS)
    assert plan(out, "served", environ=KEYS).changes == ()


def test_refuses_to_overwrite_unless_forced(applied: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _import(applied, out)
    with pytest.raises(ConfigError, match="already exist"):
        _import(applied, out)
    _import(applied, out, force=True)


def test_cli_import(applied: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli_out"

    def cli(*args: str) -> int:
        return run_cli(lambda: app(list(args), prog_name="cioctl"), False)

    assert cli("import", "-w", str(applied), "-e", "local", "-o", str(out)) == 0
    printed = capsys.readouterr()
    assert "segments: 13" in printed.out and "embedded.sqlite3" in printed.err
    assert cli("import", "-w", str(applied), "-o", str(out)) == 1
    assert "--force" in capsys.readouterr().err
    assert cli("import", "--help") == 0
    assert "not imported" in capsys.readouterr().out.lower()


def _example_resources() -> dict[Address, object]:
    return dict(desired_resources(load_valid_workspace(EXAMPLE, "local", {})))


def _one(model: Segment | Flow) -> Workspace:
    """A workspace of ``model`` and the example's attributes and events (their declared types
    are how the Journeys codecs canonicalize condition values)."""
    kind = "segments" if isinstance(model, Segment) else "flows"
    example = load_valid_workspace(EXAMPLE, "local", {})
    return Workspace(root=Path(), config=WorkspaceConfig(workspace="t"),
                     environment_name="local", environment=LOCAL, attributes=example.attributes,
                     events=example.events, **{kind: (model,)})


@pytest.mark.parametrize("address", sorted(
    a for a in _example_resources() if a.kind in (Kind.SEGMENT, Kind.FLOW)))
def test_round_trip_of_every_segment_and_flow(address: Address) -> None:
    resource = desired_resources(load_valid_workspace(EXAMPLE, "local", {}))[address]
    data = yaml.safe_load(dump(definition_data(resource)).replace("$${", "${"))
    model = (Segment if address.kind is Kind.SEGMENT else Flow).model_validate(data)
    assert desired_resources(_one(model))[address].fields == resource.fields


def test_durations_use_the_largest_exact_unit() -> None:
    """Days, not weeks: plans read ``within: 14d``, as definitions usually say it."""
    assert [duration(s) for s in (90, 300, 3600, 86400 * 30, 86400 * 14, 0)] == [
        "90s", "5m", "1h", "30d", "14d", "0s"]


def test_conditions_without_a_definitions_form_are_refused() -> None:
    # A segment id no key is known for reads as "#7": plans show it, the model refuses it.
    assert condition({"segment": {"id": 7}}) == {"segment": "#7"}
    with pytest.raises(UnrepresentableError, match="names no segment"):
        condition({"segment": {}})
    with pytest.raises(UnrepresentableError, match="not supported"):
        condition({"page_view": {}})


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = run_cli(lambda: app(list(args), prog_name="cioctl"), False)
    out = capsys.readouterr()
    return code, out.out + out.err


def test_default_output_is_a_new_folder_carrying_the_embedded_state(
        applied: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    code, text = _cli(capsys, "import", "-w", str(applied), "-e", "local")
    out = tmp_path / "imported-local"
    assert code == 0, text
    assert "carried the embedded workspace's state" in text
    assert (out / "imported" / "flows.yaml").is_file() and (out / "workspace.yaml").is_file()
    assert not (applied / "imported").exists()
    code, text = _cli(capsys, "plan", "-w", str(out), "-e", "local", "--detailed-exitcode")
    assert code == 0 and "No changes" in text, text
    code, text = _cli(capsys, "import", "-w", str(applied))  # the state is not replaced
    assert code == 1 and "--force" in text


@pytest.mark.parametrize("where", ["itself", "inside", "around"])
def test_refuses_to_write_into_the_workspace_it_reads(
        applied: Path, capsys: pytest.CaptureFixture[str], where: str) -> None:
    out = {"itself": applied, "inside": applied / "more", "around": applied.parent}[where]
    before = sorted(p for p in applied.rglob("*") if ".cioctl" not in p.parts)
    code, text = _cli(capsys, "import", "-w", str(applied), "-o", str(out))
    assert code == 1 and f"cannot import into {out}" in text and "defined twice" in text
    assert sorted(p for p in applied.rglob("*") if ".cioctl" not in p.parts) == before
    assert validate_workspace(applied, "local", os.environ).ok


def test_default_folder_inside_the_workspace_is_refused(
        applied: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(applied)
    code, text = _cli(capsys, "import")
    assert code == 1 and "is inside the workspace folder" in text
    assert f"-o {applied.resolve().parent / 'imported-local'}" in text


OLD_TOKEN, NEW_TOKEN = "old-crm-canary-8d7c6b5a", "new-crm-canary-1f2e3d4c"
LITERAL_TOKEN, LITERAL_KEY = "literal-token-canary-5e6f", "literal-key-canary-7a8b"


def test_import_writes_placeholders_for_live_secrets(
        example_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Fields the definitions fill from ${env:…} (even after the secret rotated) and headers or
    URL queries that look like credentials are written as ${env:NAME}, with a comment."""
    winback = example_copy / "flows" / "winback.yaml"
    winback.write_text(winback.read_text().replace(
        "headers: {Content-Type: application/json}",
        'headers: {Content-Type: application/json, Authorization: "Bearer ${env:CRM_TOKEN}", '
        f'X-Crm-Id: "${{env:CRM_TOKEN}}", X-Api-Token: {LITERAL_TOKEN}}}').replace(
        "hooks/winback", f"hooks/winback?code=${{env:CRM_TOKEN}}&api_key={LITERAL_KEY}&v=2"))
    hooks = example_copy / "content" / "integrations.yaml"
    hooks.write_text(hooks.read_text().replace(
        "endpoint: ${var.events_endpoint}",
        'endpoint: "${var.events_endpoint}?k=${env:CRM_TOKEN}"'))
    monkeypatch.setenv("CRM_TOKEN", OLD_TOKEN)
    assert apply(example_copy).result.ok
    monkeypatch.setenv("CRM_TOKEN", NEW_TOKEN)  # rotated since the last apply
    out = tmp_path / "out"
    code, text = _cli(capsys, "import", "-w", str(example_copy), "-o", str(out))
    assert code == 0, text
    written = "".join(p.read_text() for p in out.rglob("*.yaml"))
    for secret in (OLD_TOKEN, NEW_TOKEN, LITERAL_TOKEN, LITERAL_KEY):
        assert secret not in written + text, secret
    flows = yaml.safe_load((out / "imported" / "flows.yaml").read_text())["flows"]
    def steps(items: list[Any]) -> list[Any]:  # branches included: the campaign codec writes
        return [x for s in items for x in [s, *steps(s.get("branch", {}).get("then", [])),
                                           *steps(s.get("branch", {}).get("else", []))]]
    hook = next(s["webhook"] for f in flows for s in steps(f["steps"]) if "webhook" in s)
    assert hook["headers"] == {
        "Authorization": "Bearer ${env:CRM_TOKEN}", "Content-Type": "application/json",
        "X-Api-Token": "${env:CANCELLATION_WIN_BACK_X_API_TOKEN}",
        "X-Crm-Id": "${env:CRM_TOKEN}"}
    assert hook["url"] == ("https://crm.acme.test/hooks/winback?code=${env:CRM_TOKEN}"
                           "&api_key=${env:CANCELLATION_WIN_BACK_API_KEY}&v=2")
    assert "the live value was replaced by ${env:CRM_TOKEN}" in written
    assert "export CRM_TOKEN and CANCELLATION_WIN_BACK_API_KEY with the live value" in written
    endpoint = yaml.safe_load((out / "imported" / "reporting_webhooks.yaml").read_text())
    assert endpoint["reporting_webhooks"][0]["endpoint"].endswith("?k=${env:CRM_TOKEN}")
    environ = {"CRM_TOKEN": OLD_TOKEN, "CANCELLATION_WIN_BACK_X_API_TOKEN": LITERAL_TOKEN,
               "CANCELLATION_WIN_BACK_API_KEY": LITERAL_KEY}
    assert plan(out, environ=environ).changes == ()  # the placeholders give the live values
