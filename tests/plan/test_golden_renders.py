"""Golden files for the three renderings of four real plans.

The plans come from the real engine against the embedded workspace (and a served emulator for
the environment that lacks a credential). Set UPDATE_GOLDEN=1 to rewrite the files, then review
the diff.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path

import anyio
import pytest
from rich.console import Console

from cioctl.api.connect import connect, credentials
from cioctl.api.segments import list_journeys_segments
from cioctl.cli.plan_support import plan_for
from cioctl.emulator import LOCAL_APP_API_KEY, LOCAL_SERVICE_ACCOUNT, running_emulator
from cioctl.engine import load_valid_workspace
from cioctl.plan.value import Plan, load_plan
from cioctl.render.plan_markdown import render_plan_markdown
from cioctl.render.plan_text import render_plan_text
from tests.api.emulator_target import create_flow, flow_json
from tests.conftest import EXAMPLE
from tests.plan.engine_helpers import apply, edit, plan
from tests.served import KEYS, add_environments, served_environment

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "plans"


def _copy(tmp: Path, name: str) -> Path:
    target = tmp / name
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns(".cioctl"))
    return target


def _mixed(root: Path) -> Plan:
    apply(root, concurrency=1)
    edit(root / "flows/onboarding.yaml", "Three tips for your first week",
         "Three tips for week one")
    edit(root / "segments/engagement.yaml", "  - name: Promoters\n",
         "  - name: Fans\n    key: promoters\n    previous_names: [Promoters]\n")
    edit(root / "segments/lifecycle.yaml", "value: 0.7}", "value: 0.8}")
    edit(root / "flows/trial.yaml", "trigger: {segment: trialing}",
         "trigger: {event: trial_started}")
    edit(root / "content/snippets.yaml", '  - name: sms_signature\n    value: "Acme:"\n', "")
    edit(root / "flows/winback.yaml", "{{ snippets.sms_signature }} ", "Acme: ")
    (root / "flows/renewal.yaml").unlink()
    with (root / "segments/engagement.yaml").open("a") as handle:
        handle.write("  - name: Mobile users\n    conditions: {event: logged_in, at_least: 5}\n")
    return plan(root)


def _body_edit(root: Path) -> Plan:
    """Template edits past the first 80 characters: the renders show them as line diffs."""
    apply(root, concurrency=1)
    edit(root / "templates/tips.html", "Invite a teammate: projects move faster together.",
         "Invite your team: projects move faster together.")
    edit(root / "templates/tips.html", "</ol>\n",
         "  <li>Star a project to pin it to the top of your list.</li>\n</ol>\n")
    edit(root / "templates/welcome.html", "pick a template, invite a teammate, and you're set.",
         "pick a template and you're set.")
    return plan(root)


PR_KEY = "CIO_PR_CHECK_APP_API_KEY"
"""The App API key variable of ``no_app_key``: declared, never set (a PR check without
secrets)."""


def _served(root: Path, url: str) -> None:
    add_environments(root, served_environment("full", url),
                     served_environment("no_app_key", url, app_key=PR_KEY))


def _without_app_key(root: Path) -> Plan:
    """``plan --allow-missing -e no_app_key`` through the CLI's own planning path."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in KEYS.items():
            patch.setenv(name, value)
        patch.delenv(PR_KEY, raising=False)
        ws = load_valid_workspace(root, "no_app_key", os.environ)
        return plan_for(ws, [], allow_missing=True)


def _manual(root: Path, tmp: Path) -> Plan:
    with running_emulator(tmp / "served.sqlite3", rate_limit=False) as url:
        _served(root, url)
        assert apply(root, env="full", environ=KEYS, concurrency=1).result.ok

        async def foreign() -> None:
            async with connect(credentials(LOCAL_APP_API_KEY, LOCAL_SERVICE_ACCOUNT),
                               endpoint=url, workspace_id=1, throttle=False) as client:
                ids = {s.name: s.id for s in await list_journeys_segments(client)}
                await create_flow(client, flow_json(
                    "Made in the UI", [{"wait": "1d"}], trigger={"segment": "promoters"},
                    state="draft"), segment_ids={"promoters": ids["Promoters"]})

        anyio.run(foreign)
        edit(root / "segments/engagement.yaml", "  - name: Promoters\n    conditions: "
             "{attribute: nps_score, operator: gte, value: 9}\n", "")
        edit(root / "data/attributes.yaml",
             "  - {name: phone, type: string, format: phone, sensitive: true}\n", "")
        edit(root / "data/events.yaml", "A person deleted their account.",
             "A person closed their account.")
        full = plan(root, "full", environ=KEYS)
        lacking = _without_app_key(root)
    # The partial plan's own creates (kinds it could not read) and their warnings are left out
    # to keep the file small; its credential-missing update, banner and missing credentials
    # are kept.
    missing = tuple(c for c in lacking.changes if c.address == "event:account_deleted")
    kept = tuple(c for c in full.changes if c.address != "event:account_deleted")
    return replace(full, environment=lacking.environment, changes=kept + missing,
                   warnings=lacking.warnings[:1] + full.warnings,
                   missing_credentials=lacking.missing_credentials)


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Plan]:
    tmp = tmp_path_factory.mktemp("golden")
    creates = _copy(tmp, "creates")
    empty = _copy(tmp, "empty")
    apply(empty, concurrency=1)
    return {
        "creates": plan(creates),
        "empty": plan(empty),
        "mixed": _mixed(_copy(tmp, "mixed")),
        "manual": _manual(_copy(tmp, "manual"), tmp),
        "body_edit": _body_edit(_copy(tmp, "body_edit")),
    }


def _text(value: Plan) -> str:
    console = Console(width=100, no_color=True, record=True, file=open(os.devnull, "w"))  # noqa: SIM115, PTH123
    console.print(render_plan_text(value))
    return console.export_text()


RENDERERS = {"txt": _text, "md": render_plan_markdown, "json": Plan.to_json}


NAMES = ["empty", "creates", "mixed", "manual", "body_edit"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("extension", ["txt", "md", "json"])
def test_rendering_matches_golden(plans: dict[str, Plan], name: str, extension: str) -> None:
    rendered = RENDERERS[extension](plans[name])
    golden = GOLDEN / f"{name}.{extension}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(rendered, encoding="utf-8")
    assert rendered == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("extension", ["txt", "md", "json"])
def test_saved_and_loaded_plan_renders_as_the_fresh_one(plans: dict[str, Plan], name: str,
                                                        extension: str, tmp_path: Path) -> None:
    """``show PLAN.json`` lists fields in the order ``plan`` did (the model's), not sorted."""
    saved = tmp_path / "plan.json"
    saved.write_text(plans[name].to_json(), encoding="utf-8")
    assert RENDERERS[extension](load_plan(saved)) == RENDERERS[extension](plans[name])


def test_manual_plan_has_what_it_claims(plans: dict[str, Plan]) -> None:
    actions = {c.address: (c.action, c.flags) for c in plans["manual"].changes}
    assert actions["segment:promoters"][0] == "manual"
    assert actions["attribute:phone"][0] == "unsupported"
    assert "credential_missing" in actions["event:account_deleted"][1]
    banner = ("planned without credentials for: App API key (CIO_PR_CHECK_APP_API_KEY) — this "
              "plan cannot be applied")
    assert plans["manual"].warnings[0] == banner
    for extension, render in RENDERERS.items():  # every rendering carries it
        assert banner in " ".join(render(plans["manual"]).split()), extension


def test_mixed_plan_has_every_kind_of_change(plans: dict[str, Plan]) -> None:
    summary = plans["mixed"].summary
    assert summary["create"] and summary["update"] and summary["replace"] and summary["delete"]


def test_oversized_plan_folds_under_the_comment_limit(tmp_path: Path) -> None:
    from cioctl.bench.generate import Size, generate_workspace
    from cioctl.render.plan_markdown import COMMENT_LIMIT

    root = generate_workspace(tmp_path / "big", Size().scaled(0.1))
    big = plan(root)
    text = render_plan_markdown(big)
    assert len(text) <= COMMENT_LIMIT
    assert "not shown in full" in text and "plan JSON artifact" in text
    assert f"| + to create | {len(big.changes)} |" in text
    small = render_plan_markdown(big, limit=3_000)
    assert len(small) <= 3_000 and "not shown in full" in small and "more\n" in small
    tiny = render_plan_markdown(big, limit=800)
    assert len(tiny) <= 800 and "not shown in full" in tiny
    header_only = render_plan_markdown(big, limit=300)
    assert len(header_only) <= 300 and "too many to list here" in header_only
