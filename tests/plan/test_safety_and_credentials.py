"""Safety rules, missing credentials, unsupported and manual changes."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import anyio
import jsonschema
import pytest

from cioctl.api.connect import connect, credentials
from cioctl.emulator import LOCAL_APP_API_KEY, LOCAL_SERVICE_ACCOUNT, running_emulator
from cioctl.engine import MissingCredentialsError, load_valid_workspace
from cioctl.plan.change import Action, Flag
from cioctl.plan.safety import Overrides, UnsafePlanError, check_safety
from tests.api.emulator_target import create_flow, flow_json
from tests.conftest import REPO
from tests.plan.engine_helpers import apply, edit, plan
from tests.served import KEYS, add_environments, served_environment

PLANS_LOOP = ("            {% for plan in plans %}<p>{{ plan.name }}: {{ plan.price }}</p>"
              "{% endfor %}\n")


@pytest.fixture
def served_example(example_copy: Path, tmp_path: Path) -> Iterator[Path]:
    """The example with two environments pointing at a served emulator on loopback."""
    with running_emulator(tmp_path / "served.sqlite3", rate_limit=False) as url:
        add_environments(example_copy, served_environment("served", url, protect=True),
                         served_environment("served_app_only", url, service_account=None))
        yield example_copy


def test_protected_environment_needs_allow_destroy(served_example: Path) -> None:
    assert apply(served_example, env="served", environ=KEYS).result.ok
    (served_example / "content/integrations.yaml").unlink()
    edit(served_example / "flows/trial.yaml", PLANS_LOOP, "")  # it read the collection
    result = plan(served_example, "served", environ=KEYS)
    ws = load_valid_workspace(served_example, "served", KEYS)
    with pytest.raises(UnsafePlanError, match="protected") as refused:
        check_safety(result, ws.environment, allow_destroy=False, force=False)
    assert "--allow-destroy" in (refused.value.hint or "")
    check_safety(result, ws.environment, allow_destroy=True, force=False)


def test_mass_delete_needs_force(example_copy: Path) -> None:
    apply(example_copy)
    for name in ("segments/engagement.yaml", "flows/trial.yaml", "flows/renewal.yaml",
                 "content/integrations.yaml"):
        (example_copy / name).unlink()
    shutil.rmtree(example_copy / "segments")
    (example_copy / "flows/onboarding.yaml").unlink()
    (example_copy / "flows/winback.yaml").unlink()
    edit(example_copy / "content/snippets.yaml", "{{ snippets.support_line }}", "")
    result = plan(example_copy)
    ws = load_valid_workspace(example_copy, "local", {})
    with pytest.raises(UnsafePlanError, match="max_destroy_percent"):
        check_safety(result, ws.environment, allow_destroy=False, force=False)
    check_safety(result, ws.environment, allow_destroy=False, force=True)
    # The engine checks too: a caller of apply other than the CLI cannot skip the rules.
    with pytest.raises(UnsafePlanError, match="max_destroy_percent"):
        apply(example_copy, result)
    assert plan(example_copy).changes == result.changes  # refused before any change
    assert apply(example_copy, result, safety=Overrides(force=True)).result.ok


def test_prevent_destroy_refuses_even_with_force(example_copy: Path) -> None:
    apply(example_copy)
    edit(example_copy / "flows/trial.yaml", "trigger: {segment: trialing}",
         "lifecycle: {prevent_destroy: true}\n    trigger: {event: trial_started}")
    result = plan(example_copy)
    ws = load_valid_workspace(example_copy, "local", {})
    with pytest.raises(UnsafePlanError, match="prevent_destroy"):
        check_safety(result, ws.environment, allow_destroy=True, force=True,
                     protected_keys=frozenset({"flow:trial_conversion"}))
    # The engine reads prevent_destroy from the definitions itself; no override passes it.
    with pytest.raises(UnsafePlanError, match="prevent_destroy"):
        apply(example_copy, result, safety=Overrides(allow_destroy=True, force=True))


def test_missing_service_account_is_marked_and_refused(served_example: Path) -> None:
    result = plan(served_example, "served_app_only", environ=KEYS)
    segment = next(c for c in result.changes if c.kind == "segment")
    assert Flag.CREDENTIAL_MISSING in segment.flags and segment.credential == "service_account"
    snippet = next(c for c in result.changes if c.kind == "snippet")
    assert Flag.CREDENTIAL_MISSING not in snippet.flags
    assert any("could not be read" in w for w in result.warnings)
    with pytest.raises(MissingCredentialsError, match="service_account"):
        apply(served_example, result, env="served_app_only", environ=KEYS)


def test_removed_attribute_is_unsupported(example_copy: Path) -> None:
    apply(example_copy)
    edit(example_copy / "data/attributes.yaml",
         "  - {name: phone, type: string, format: phone, sensitive: true}\n", "")
    (change,) = plan(example_copy).changes
    assert change.action is Action.UNSUPPORTED and "no API" in (change.reason or "")
    assert not change.executable


def _foreign_campaign_on_promoters(served_example: Path) -> None:
    """A campaign made in the Customer.io UI (untagged) that triggers on Promoters."""

    async def foreign_campaign() -> None:
        url = load_valid_workspace(served_example, "served", KEYS).environment.endpoint
        async with connect(credentials(LOCAL_APP_API_KEY, LOCAL_SERVICE_ACCOUNT),
                           endpoint=url, workspace_id=1, throttle=False) as client:
            from cioctl.api.segments import list_journeys_segments

            ids = {s.name: s.id for s in await list_journeys_segments(client)}
            await create_flow(client, flow_json(
                "Made in the UI", [{"wait": "1d"}], trigger={"segment": "promoters"},
                state="draft"), segment_ids={"promoters": ids["Promoters"]})

    anyio.run(foreign_campaign)


def test_segment_used_outside_cioctl_is_a_manual_delete(served_example: Path) -> None:
    assert apply(served_example, env="served", environ=KEYS).result.ok
    assert plan(served_example, "served", environ=KEYS).changes == ()
    _foreign_campaign_on_promoters(served_example)
    edit(served_example / "segments/engagement.yaml",
         "  - name: Promoters\n    conditions: {attribute: nps_score, operator: gte, value: 9}\n",
         "")
    (change,) = plan(served_example, "served", environ=KEYS).changes
    assert change.action is Action.MANUAL and "Made in the UI" not in (change.reason or "")
    assert "detach it" in (change.reason or "")


def test_saved_plan_validates_against_committed_schema(example_copy: Path) -> None:
    schema = json.loads((REPO / "schemas/plan.schema.json").read_text())
    apply(example_copy)
    edit(example_copy / "content/snippets.yaml", 'value: "Acme:"', 'value: "ACME:"')
    for saved in (plan(example_copy), plan(example_copy, targets=("snippet:sms_signature",))):
        jsonschema.validate(json.loads(saved.to_json()), schema)


def test_segment_used_outside_cioctl_is_a_manual_replace(served_example: Path) -> None:
    assert apply(served_example, env="served", environ=KEYS).result.ok
    _foreign_campaign_on_promoters(served_example)
    edit(served_example / "segments/engagement.yaml",
         "  - name: Promoters\n    conditions: {attribute: nps_score, operator: gte, value: 9}\n",
         "  - {name: Promoters, manual: true}\n")
    changes = {c.address: c for c in plan(served_example, "served", environ=KEYS).changes}
    promoters = changes["segment:promoters"]
    assert promoters.action is Action.MANUAL and "replacing" in (promoters.reason or "")
    assert not promoters.executable
