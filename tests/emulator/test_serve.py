"""The served embedded workspace: uvicorn on loopback, concurrency, faults over TCP."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import pytest

from cioctl.emulator import (
    LOCAL_APP_API_KEY,
    LOCAL_SERVICE_ACCOUNT,
    FaultSpec,
    running_emulator,
    serve,
)

AUTH = {"Authorization": f"Bearer {LOCAL_APP_API_KEY}"}


def test_serve_refuses_a_public_host(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="loopback"):
        serve(tmp_path / "db.sqlite3", host="0.0.0.0", port=0)
    with pytest.raises(ValueError, match="loopback"), running_emulator(
        tmp_path / "db.sqlite3", host="example.test",
    ):
        pass


def test_local_credentials_are_accepted_by_default(tmp_path: Path) -> None:
    assert not LOCAL_SERVICE_ACCOUNT.startswith("sa_live_")
    with running_emulator(tmp_path / "db.sqlite3") as base_url, httpx.Client(
        base_url=base_url,
    ) as client:
        assert base_url.startswith("http://127.0.0.1:")
        assert client.get("/v1/segments", headers=AUTH).status_code == 200
        token = client.post("/v1/service_accounts/oauth/token", data={
            "grant_type": "client_credentials", "client_secret": LOCAL_SERVICE_ACCOUNT})
        assert token.status_code == 200


def test_concurrent_clients_leave_consistent_state(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    errors: list[BaseException] = []

    def writer(base_url: str, n: int) -> None:
        try:
            with httpx.Client(base_url=base_url, headers=AUTH) as client:
                for i in range(10):
                    response = client.post("/v1/segments",
                                           json={"segment": {"name": f"w{n}-{i}"}})
                    assert response.status_code == 200
                    response = client.post("/v1/snippets", json={"name": f"s{n}-{i}",
                                                                 "value": "v"})
                    assert response.status_code == 200
        except BaseException as exc:
            errors.append(exc)

    with running_emulator(db, rate_limit=False) as first, running_emulator(
        db, rate_limit=False,
    ) as second:
        threads = [threading.Thread(target=writer, args=(url, n))
                   for n, url in enumerate([first, second] * 3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        with httpx.Client(base_url=first, headers=AUTH) as client:
            segments = client.get("/v1/segments").json()["segments"]
            snippets = client.get("/v1/snippets").json()["snippets"]
    assert len(segments) == 60 and len({s["id"] for s in segments}) == 60
    assert len({s["name"] for s in snippets}) == 60


def test_dropped_connection_over_tcp(tmp_path: Path) -> None:
    with running_emulator(tmp_path / "db.sqlite3", faults=FaultSpec(rate_lost=1.0)) as url, \
            httpx.Client(base_url=url, headers=AUTH) as client, pytest.raises(httpx.TransportError):
        client.post("/v1/snippets", json={"name": "s", "value": "v"})
    with running_emulator(tmp_path / "db.sqlite3") as url, httpx.Client(
        base_url=url, headers=AUTH,
    ) as client:
        assert [s["name"] for s in client.get("/v1/snippets").json()["snippets"]] == ["s"]
