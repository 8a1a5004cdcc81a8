"""Doctor's network checks: reachability and identity per API surface, and clock skew."""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime

import httpx

from cioctl.api import workspace
from cioctl.api.http import ApiClient
from cioctl.doctor.report import Report, Status
from cioctl.errors import CioctlError

MAX_SKEW_SECONDS = 30.0


def network_transport() -> httpx.AsyncBaseTransport:
    """The transport doctor uses to reach Customer.io (tests replace this function)."""
    return httpx.AsyncHTTPTransport()


class DateWatch(httpx.AsyncBaseTransport):
    """Passes requests on and keeps the last ``Date`` response header with the local time."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.date: str | None = None
        self.local_time: float = 0.0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if "date" in response.headers:
            self.date, self.local_time = response.headers["date"], time.time()
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def _failure(report: Report, name: str, error: CioctlError) -> None:
    report.add(name, Status.FAIL, error.message, error.hint)


async def check_app_api(report: Report, client: ApiClient, has_key: bool, ws_id: int) -> None:
    """With a key: ``GET /v1/workspaces`` and the workspace id; without: the no-auth route."""
    name = "App API reachable"
    if not has_key:
        try:
            await workspace.ip_addresses(client)
        except CioctlError as error:
            _failure(report, name, error)
            return
        report.add(name, Status.OK, "GET /v1/info/ip_addresses answered (key not checked)")
        return
    try:
        spaces = await workspace.list_workspaces(client)
    except CioctlError as error:
        _failure(report, name, error)
        return
    report.add(name, Status.OK, f"GET /v1/workspaces answered with the key ({len(spaces)} "
               f"workspace{'s' if len(spaces) != 1 else ''})")
    ids = sorted(space.id for space in spaces)
    if ws_id in ids:
        report.add("App API workspace", Status.OK, f"the key belongs to workspace {ws_id}")
    else:
        report.add("App API workspace", Status.FAIL,
                   f"workspace {ws_id} is not among the key's workspaces {ids}",
                   "check workspace_id in workspace.yaml, the region, and that the App API key "
                   "was created in this workspace")


async def check_journeys(
    report: Report, client: ApiClient, ws_id: int, region: str | None
) -> None:
    """Token exchange, then ``GET /v1/environments/{ws}``; its id and region must match."""
    name = "Journeys reachable"
    try:
        environment = await workspace.get_environment(client)
    except CioctlError as error:
        _failure(report, name, error)
        return
    report.add(name, Status.OK, f"token exchange and GET /v1/environments/{ws_id} answered "
               f"({environment.name!r})")
    if environment.id != ws_id:
        report.add("Journeys workspace", Status.FAIL,
                   f"the service account sees workspace {environment.id}, not {ws_id}",
                   "check workspace_id in workspace.yaml")
    elif region and environment.region and environment.region != region:
        report.add("Journeys workspace", Status.WARN,
                   f"workspace {ws_id} is in region {environment.region}, not {region}",
                   f"set region: {environment.region} for this environment")
    else:
        report.add("Journeys workspace", Status.OK, f"workspace {ws_id} matches")


def check_clock(report: Report, watch: DateWatch | None) -> None:
    """Compare the last response's ``Date`` header with the local clock."""
    name = "clock"
    if watch is None:
        report.add(name, Status.OK, "same machine (embedded workspace in process)")
        return
    if watch.date is None:
        report.add(name, Status.WARN, "no response carried a Date header; skew not checked")
        return
    try:
        remote = parsedate_to_datetime(watch.date).timestamp()
    except (TypeError, ValueError):
        report.add(name, Status.WARN, f"unreadable Date header {watch.date!r}")
        return
    skew = watch.local_time - remote
    detail = f"local clock is {abs(skew):.0f} s {'ahead of' if skew > 0 else 'behind'} the API"
    if abs(skew) > MAX_SKEW_SECONDS:
        report.add(name, Status.WARN, detail,
                   "synchronise the clock (NTP): token expiry and timestamps depend on it")
    else:
        report.add(name, Status.OK, detail if abs(skew) >= 1 else "in sync with the API")
