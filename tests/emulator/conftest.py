"""Fixtures for the embedded workspace's tests: an app on a temp database and a sync caller."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from emu_helpers import WS, Api, FakeClock
from starlette.applications import Starlette

from cioctl.emulator import LOCAL_APP_API_KEY, LOCAL_SERVICE_ACCOUNT, create_app

AppFactory = Callable[..., Starlette]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_app(tmp_path: Path, clock: FakeClock) -> AppFactory:
    def make(db: str = "embedded.sqlite3", **kwargs: Any) -> Starlette:
        options: dict[str, Any] = {
            "app_api_keys": frozenset({LOCAL_APP_API_KEY}),
            "service_account_tokens": frozenset({LOCAL_SERVICE_ACCOUNT}),
            "rate_limit": False, "clock": clock, "workspace_id": WS,
        }
        options.update(kwargs)
        return create_app(tmp_path / db, **options)

    return make


@pytest.fixture
def api(make_app: AppFactory) -> Api:
    return Api(make_app())


@pytest.fixture
def jwt(api: Api) -> str:
    return api.jwt()


