"""Serving the embedded workspace over HTTP with uvicorn, on loopback only."""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from cioctl.emulator.app import create_app
from cioctl.emulator.context import LOCAL_APP_API_KEY, LOCAL_SERVICE_ACCOUNT
from cioctl.emulator.faults import DroppedConnection, FaultSpec

DEFAULT_KEYS = frozenset({LOCAL_APP_API_KEY})
DEFAULT_ACCOUNTS = frozenset({LOCAL_SERVICE_ACCOUNT})


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _HideInjectedDrops(logging.Filter):
    """Injected dropped connections are expected; keep their tracebacks out of the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], DroppedConnection))


def _server(
    db_path: Path, host: str, port: int, *, faults: FaultSpec | None, seed: int,
    rate_limit: bool, workspace_id: int, app_api_keys: frozenset[str],
    service_account_tokens: frozenset[str], log_level: str,
) -> uvicorn.Server:
    if not is_loopback(host):
        raise ValueError(f"the embedded workspace serves on loopback only, not {host!r}")
    app = create_app(db_path, workspace_id=workspace_id, app_api_keys=app_api_keys,
                     service_account_tokens=service_account_tokens, rate_limit=rate_limit,
                     faults=faults, seed=seed)
    logging.getLogger("uvicorn.error").addFilter(_HideInjectedDrops())
    config = uvicorn.Config(app, host=host, port=port, log_level=log_level, access_log=False,
                            lifespan="off")
    return uvicorn.Server(config)


def serve(
    db_path: Path, *, host: str = "127.0.0.1", port: int, faults: FaultSpec | None = None,
    seed: int = 0, rate_limit: bool = True, workspace_id: int = 1,
    app_api_keys: frozenset[str] = DEFAULT_KEYS,
    service_account_tokens: frozenset[str] = DEFAULT_ACCOUNTS,
) -> None:
    """Serve the embedded workspace until interrupted (refuses a non-loopback host)."""
    server = _server(db_path, host, port, faults=faults, seed=seed, rate_limit=rate_limit,
                     workspace_id=workspace_id, app_api_keys=app_api_keys,
                     service_account_tokens=service_account_tokens, log_level="info")
    server.run()


@contextmanager
def running_emulator(
    db_path: Path, *, host: str = "127.0.0.1", port: int = 0, faults: FaultSpec | None = None,
    seed: int = 0, rate_limit: bool = True, workspace_id: int = 1,
    app_api_keys: frozenset[str] = DEFAULT_KEYS,
    service_account_tokens: frozenset[str] = DEFAULT_ACCOUNTS,
) -> Iterator[str]:
    """Serve in a background thread (port 0 = a free port); yield the base URL; stop cleanly."""
    server = _server(db_path, host, port, faults=faults, seed=seed, rate_limit=rate_limit,
                     workspace_id=workspace_id, app_api_keys=app_api_keys,
                     service_account_tokens=service_account_tokens, log_level="warning")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto must be IPPROTO_TCP: asyncio only sets TCP_NODELAY on accepted sockets whose proto
    # says TCP, and without it every keep-alive answer waits ~40 ms (Nagle + delayed ACK).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound_port = sock.getsockname()[1]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        _wait_started(server, thread)
        url_host = f"[{host}]" if ":" in host else host
        yield f"http://{url_host}:{bound_port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def _wait_started(server: uvicorn.Server, thread: threading.Thread, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the embedded workspace did not start")
        time.sleep(0.01)
