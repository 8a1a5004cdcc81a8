"""Evidence §6: on the real service ``GET /v1/environments/{id}/data_index/events`` answers 204
and queues an export. plan, apply, drift and import must never call it (nor the unevidenced
``/data_index/attributes``). The embedded workspace records every export that route queues, and
the served emulator logs every request: both are checked after each command, through the CLI.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
from typer.testing import CliRunner

from cioctl.cli import app
from cioctl.emulator import LOCAL_SERVICE_ACCOUNT, running_emulator
from cioctl.emulator.journeys_data_index import queued_exports
from cioctl.emulator.store import Store
from tests.conftest import EXAMPLE
from tests.served import KEYS, add_environments, served_environment

RUNNER = CliRunner()


def _cli(*args: str) -> int:
    result = RUNNER.invoke(app, list(args), env={"NO_COLOR": "1", **KEYS})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code


def _exports(db: Path) -> int:
    store = Store(db, lambda: 0.0)
    try:
        return len(queued_exports(store))
    finally:
        store.close()


def test_plan_apply_drift_import_never_read_the_exporting_route(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".cioctl"))
    db = tmp_path / "served.sqlite3"
    with running_emulator(db, rate_limit=False) as url:
        add_environments(root, served_environment("served", url))
        common = ("-w", str(root), "-e", "served")
        assert _cli("plan", *common) in (0, 2)
        assert _cli("apply", *common, "--auto-approve") == 0
        assert _cli("drift", *common) == 0  # events and attributes converge
        assert _cli("import", *common, "--out", str(tmp_path / "imported")) == 0
        assert _exports(db) == 0
        # the check can fail: the route does queue one when called
        token = httpx.post(f"{url}/v1/service_accounts/oauth/token", data={
            "grant_type": "client_credentials", "client_secret": LOCAL_SERVICE_ACCOUNT,
        }).json()["access_token"]
        answer = httpx.get(f"{url}/v1/environments/1/data_index/events",
                           headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 204 and answer.content == b""
        assert _exports(db) == 1
