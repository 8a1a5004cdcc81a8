"""First contact: every command that reads a live environment stops when its credentials are
missing, naming the variables in order; ``--allow-missing`` plans anyway under a banner that
every rendering carries, and apply refuses such a plan.

A copy of the example points an environment ``pr`` at a served emulator; its credentials are
read from ``CIO_PR_APP_API_KEY`` and ``CIO_PR_SERVICE_ACCOUNT``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from cioctl.emulator import LOCAL_APP_API_KEY, LOCAL_SERVICE_ACCOUNT, running_emulator
from tests.cli.conftest import Cli
from tests.served import add_environments, served_environment

APP = "CIO_PR_APP_API_KEY"
SA = "CIO_PR_SERVICE_ACCOUNT"
BOTH = {APP: LOCAL_APP_API_KEY, SA: LOCAL_SERVICE_ACCOUNT}
BANNER = "planned without credentials for: App API key (CIO_PR_APP_API_KEY), service account " \
    "(CIO_PR_SERVICE_ACCOUNT) — this plan cannot be applied"


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_emulator(tmp_path_factory.mktemp("served") / "db.sqlite3",
                          rate_limit=False) as base:
        yield base


@pytest.fixture
def ws(example_copy: Path, url: str) -> Path:
    add_environments(example_copy, served_environment("pr", url, app_key=APP,
                                                      service_account=SA),
                     served_environment("pr2", url, app_key=APP, service_account=SA))
    return example_copy


def flat(text: str) -> str:
    """Output with its line wrapping undone."""
    return " ".join(text.split())


def test_plan_without_any_credential_names_both_variables_in_order(cli: Cli, ws: Path) -> None:
    code, out = cli("plan", "-w", str(ws), "-e", "pr", env={})
    text = flat(out)
    assert code == 1
    assert ("environment 'pr' lacks credentials: App API key (CIO_PR_APP_API_KEY), service "
            "account (CIO_PR_SERVICE_ACCOUNT); nothing was read") in text
    assert text.index(f"export {APP}=") < text.index(f"export {SA}=")
    assert "cioctl doctor -e pr" in text and "--allow-missing" in text
    assert "workspace.yaml:" in text  # where the environment (and its credentials) is written
    assert "to create" not in text and "credential missing" not in text


def test_plan_with_one_credential_names_only_the_other(cli: Cli, ws: Path) -> None:
    code, out = cli("plan", "-w", str(ws), "-e", "pr", env={APP: LOCAL_APP_API_KEY})
    text = flat(out)
    assert code == 1
    assert "lacks credentials: service account (CIO_PR_SERVICE_ACCOUNT);" in text
    assert f"export {APP}" not in text and f"export {SA}=" in text


def test_an_undeclared_credential_says_where_to_declare_it(cli: Cli, ws: Path,
                                                            url: str) -> None:
    add_environments(ws, served_environment("bare", url, app_key=None, service_account=SA))
    code, out = cli("plan", "-w", str(ws), "-e", "bare", env={SA: LOCAL_SERVICE_ACCOUNT})
    text = flat(out)
    assert code == 1
    assert "App API key (credentials.app_api_key not set in workspace.yaml)" in text
    assert "add app_api_key: ${env:CIO_BARE_APP_API_KEY} under environments.bare.credentials" \
        in text


def test_with_both_credentials_plan_goes_ahead(cli: Cli, ws: Path) -> None:
    code, out = cli("plan", "-w", str(ws), "-e", "pr", "--detailed-exitcode", env=BOTH)
    assert code == 2, out
    assert "planned without credentials" not in out and "credential missing" not in out


@pytest.mark.parametrize("output", ["text", "markdown", "json"])
def test_allow_missing_plans_under_a_banner_in_every_format(cli: Cli, ws: Path,
                                                            output: str) -> None:
    code, out = cli("plan", "-w", str(ws), "-e", "pr", "--allow-missing", "--format", output,
                    env={})
    assert code == 0, out
    assert BANNER in flat(out)
    assert "credential missing" in out or "credential_missing" in out  # today's marking
    if output == "json":
        document = json.loads(out)
        assert document["warnings"][0] == BANNER
        assert document["missing_credentials"] == [
            {"credential": "app_api_key", "label": "App API key", "env_var": APP},
            {"credential": "service_account", "label": "service account", "env_var": SA}]


def test_a_plan_made_without_credentials_is_never_applied(cli: Cli, ws: Path,
                                                          tmp_path: Path) -> None:
    saved = tmp_path / "partial.json"
    code, _ = cli("plan", "-w", str(ws), "-e", "pr", "--allow-missing", "--out", str(saved),
                  env={APP: LOCAL_APP_API_KEY})
    assert code == 0
    # even once the credentials are there: the plan did not read what they guard
    code, out = cli("apply", "-w", str(ws), "-e", "pr", "--auto-approve", str(saved), env=BOTH)
    text = flat(out)
    assert code == 1
    assert "this plan was planned without credentials for: service account" in text
    assert "nothing was changed" in text and "cioctl plan -e pr --out FILE" in text
    code, out = cli("show", str(saved))
    assert code == 0 and "planned without credentials for: service account" in flat(out)


def test_apply_without_credentials_stops_and_has_no_way_around(cli: Cli, ws: Path) -> None:
    code, out = cli("apply", "-w", str(ws), "-e", "pr", "--auto-approve", env={})
    text = flat(out)
    assert code == 1
    assert "lacks credentials: App API key (CIO_PR_APP_API_KEY), service account" in text
    assert "--allow-missing" not in text
    code, out = cli("apply", "-w", str(ws), "-e", "pr", "--auto-approve", "--allow-missing",
                    env={})
    assert code == 1 and "No such option" in out


@pytest.mark.parametrize("args", [
    ("drift", "-e", "pr"),
    ("diff", "--from", "pr", "--to", "pr2"),
    ("promote", "--from", "pr", "--to", "pr2"),
    ("import", "-e", "pr"),
])
def test_every_command_that_reads_live_stops_the_same_way(cli: Cli, ws: Path, tmp_path: Path,
                                                          args: tuple[str, ...]) -> None:
    extra = ("--out", str(tmp_path / "imported")) if args[0] == "import" else ()
    code, out = cli(*args, "-w", str(ws), *extra, env={})
    text = flat(out)
    assert code == 1, out
    assert "environment 'pr' lacks credentials: App API key (CIO_PR_APP_API_KEY), service " \
        "account (CIO_PR_SERVICE_ACCOUNT); nothing was read" in text
    assert f"--allow-missing to {args[0]}" in text
    assert not (tmp_path / "imported").exists()


def test_drift_and_diff_with_allow_missing_carry_the_banner(cli: Cli, ws: Path) -> None:
    code, out = cli("drift", "-w", str(ws), "-e", "pr", "--allow-missing", "--format",
                    "markdown", env={})
    assert code == 2 and BANNER in flat(out)
    code, out = cli("diff", "--from", "pr", "--to", "pr2", "-w", str(ws), "--allow-missing",
                    env={})
    assert code in (0, 2) and f"pr: {BANNER}" in flat(out)


def test_the_embedded_workspace_needs_no_credentials(cli: Cli, ws: Path) -> None:
    code, out = cli("plan", "-w", str(ws), "-e", "local", "--detailed-exitcode", env={})
    assert code == 2 and "planned without credentials" not in out
