"""The apply-side preflight: modes, defaults, and the refusal it raises."""

from __future__ import annotations

import os
from pathlib import Path

import anyio
import httpx
import pytest

from cioctl.contract.document import ContractUnavailableError
from cioctl.contract.mode import ContractMode, default_mode
from cioctl.contract.preflight import ContractDisagreementError, apply_preflight
from cioctl.engine import load_valid_workspace, make_plan
from cioctl.environments import open_client
from cioctl.model.config import Environment
from cioctl.model.workspace import Workspace
from cioctl.plan.build import wanted_addresses
from cioctl.plan.value import Plan
from cioctl.state.desired import desired_resources
from cioctl.state.live import LiveState, read_live
from tests.contract.journeys_document import closed_templates, write_document
from tests.contract.test_doctor_contract import app_variant
from tests.contract.test_validate import APP_DOCUMENT


def planned(root: Path) -> tuple[Workspace, Plan, LiveState]:
    ws = load_valid_workspace(root, "local", os.environ)

    async def run() -> tuple[Plan, LiveState]:
        async with open_client(ws.root, ws.config, "local", os.environ) as client:
            plan = await make_plan(ws, client)
            return plan, await read_live(client, wanted_addresses(desired_resources(ws)))

    plan, live = anyio.run(run)
    return ws, plan, live


def preflight(root: Path, mode: ContractMode, document: Path, *, reader: bool = True
              ) -> list[str]:
    """``apply_preflight`` as apply calls it: with the live workspace's client as the dry
    run's reader (a flow's email reads the sender identities), unless ``reader`` is False."""
    ws = load_valid_workspace(root, "local", os.environ)

    async def run() -> list[str]:
        async with open_client(ws.root, ws.config, "local", os.environ) as client:
            plan = await make_plan(ws, client)
            live = await read_live(client, wanted_addresses(desired_resources(ws)))
            return await apply_preflight(plan, ws, live, mode, sources=[str(document)],
                                         reader=client if reader else None)

    return anyio.run(run)


def test_strict_refuses_with_the_field_level_report(example_copy: Path, tmp_path: Path) -> None:
    with pytest.raises(ContractDisagreementError) as caught:
        preflight(example_copy, ContractMode.STRICT, app_variant(tmp_path, "integer"))
    message = caught.value.message
    assert "nothing was changed" in message
    assert "error: POST /v1/snippets /value: expected type integer, got string [snippet:" \
        in message
    assert "--contract warn" in str(caught.value.hint)
    assert "info:" not in message and "no document covers were not checked" in message


def test_strict_refuses_a_flow_body_the_journeys_document_forbids(example_copy: Path,
                                                                  tmp_path: Path) -> None:
    """The flows' template writes are checked before the first write, like every body."""
    with pytest.raises(ContractDisagreementError) as caught:
        preflight(example_copy, ContractMode.STRICT, write_document(tmp_path, closed_templates()))
    assert "error: PUT /v1/environments/{environment_id}/templates/{template_id} " \
        "/template/reply_to: expected no such property (the schema allows no others), got " \
        "present [flow:onboarding]" in caught.value.message


def test_a_change_whose_dry_run_fails_is_named_not_guessed(example_copy: Path) -> None:
    """Without the live workspace to read from, a flow whose email names a sender cannot
    know the sender's id: its requests are reported as unknown, none is invented."""
    warnings = preflight(example_copy, ContractMode.WARN, APP_DOCUMENT, reader=False)
    unknown = [w for w in warnings if "its dry run failed" in w]
    assert unknown and all(w.startswith("flow:") and "/v1/sender_identities" in w
                           for w in unknown)
    assert not any("dry run failed" in w for w in preflight(example_copy, ContractMode.WARN,
                                                            APP_DOCUMENT))


def test_warn_reports_and_goes_on(example_copy: Path, tmp_path: Path) -> None:
    warnings = preflight(example_copy, ContractMode.WARN, app_variant(tmp_path, "integer"))
    assert any(w.startswith("error: POST /v1/snippets /value") for w in warnings)


def test_strict_passes_when_the_bodies_fit(example_copy: Path) -> None:
    warnings = preflight(example_copy, ContractMode.STRICT, APP_DOCUMENT)
    assert not any(w.startswith("error") for w in warnings)


def test_off_does_not_even_load_the_document(example_copy: Path, tmp_path: Path) -> None:
    assert preflight(example_copy, ContractMode.OFF, tmp_path / "absent.json") == []


@pytest.mark.parametrize(("env", "mode"), [
    (Environment(backend="embedded"), ContractMode.OFF),
    (Environment(region="us", workspace_id=5), ContractMode.STRICT),
    (Environment(endpoint="http://127.0.0.1:8080", workspace_id=5), ContractMode.OFF),
])
def test_the_default_mode(env: Environment, mode: ContractMode) -> None:
    assert default_mode(env) is mode


def test_an_unavailable_document_refuses_strict_and_warns_in_warn_mode(
    example_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no route to host", request=request)

    monkeypatch.setenv("CIOCTL_CONTRACT_CACHE", str(tmp_path / "empty-cache"))
    ws, plan, live = planned(example_copy)

    def run(mode: ContractMode) -> list[str]:
        return anyio.run(lambda: apply_preflight(
            plan, ws, live, mode, sources=["https://docs.example.test/openapi.json"],
            transport=httpx.MockTransport(down)))

    with pytest.raises(ContractUnavailableError) as caught:
        run(ContractMode.STRICT)
    assert "nothing was changed" in caught.value.message
    assert "--contract warn" in str(caught.value.hint)
    [note] = run(ContractMode.WARN)
    assert note.startswith("contract not checked: the contract document https://docs.")


def test_apply_sources() -> None:
    from cioctl.contract.document import APP_URL, JOURNEYS_URL
    from cioctl.contract.preflight import apply_sources

    assert apply_sources({}) == [JOURNEYS_URL, APP_URL]
    assert apply_sources({"CIOCTL_CONTRACT_DOCUMENTS": " a.json, https://x.test/o.json ,"}) == [
        "a.json", "https://x.test/o.json"]
    assert apply_sources({"CIOCTL_CONTRACT_DOCUMENTS": "default"}) == [JOURNEYS_URL, APP_URL]


def _apply(root: Path, *args: str, documents: Path,
           monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    from cioctl.cli import app
    from cioctl.cli.boundary import run_cli

    monkeypatch.setenv("CIOCTL_CONTRACT_DOCUMENTS", str(documents))
    code = run_cli(lambda: app(["apply", "-w", str(root), "--auto-approve", *args],
                               prog_name="cioctl"), False)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_apply_contract_strict_refuses_before_any_write(
        example_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """``apply --contract strict`` runs the check in the engine's preflight: a body the
    document disagrees with stops the apply with the field-level report, nothing written."""
    document = app_variant(tmp_path, "integer")
    code, text = _apply(example_copy, "--contract", "strict", documents=document,
                        monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1
    assert "POST /v1/snippets /value: expected type integer" in text
    assert "nothing was changed" in text
    plan = planned(example_copy)[1]
    assert len(plan.changes) == 63  # still every create: nothing was applied


def test_apply_contract_warn_reports_and_applies(
        example_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    document = app_variant(tmp_path, "integer")
    code, text = _apply(example_copy, "--contract", "warn", documents=document,
                        monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, text
    assert "warning: error: POST /v1/snippets /value" in text
    assert planned(example_copy)[1].changes == ()
