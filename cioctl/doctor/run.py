"""One doctor run: configuration and credentials, then the network checks, then the document."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import anyio
import httpx

from cioctl.api.endpoints import Surface
from cioctl.definitions.discover import find_root
from cioctl.definitions.load import load_config, select_environment
from cioctl.doctor import probes
from cioctl.doctor.report import Report, Status
from cioctl.environments import (
    CREDENTIAL_FIELDS,
    CREDENTIAL_LABELS,
    credential_status,
    embedded_db,
    endpoints_of,
    open_client,
    workspace_id_of,
)
from cioctl.errors import CioctlError
from cioctl.model.config import Environment, WorkspaceConfig

DOCTOR_ATTEMPTS = 2
_NEEDS = {
    Surface.APP: "snippets, collections, reporting webhooks, event/attribute metadata and "
    "message content",
    Surface.JOURNEYS: "data-driven segments, flows and reading the data index",
}


def diagnose(
    workspace: Path,
    env_name: str,
    environ: Mapping[str, str],
    *,
    openapi: Path | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Report:
    """Check one environment; ``transport`` replaces the network (tests)."""
    report = Report(env_name)
    found = _load_workspace(report, workspace)
    if found is None:  # nothing else can be checked without a valid workspace.yaml
        return report
    root, config = found
    env = config.environment(env_name)
    if env is None:
        report.add("environment", Status.FAIL, f"'{env_name}' is not defined in workspace.yaml",
                   "choose one of: " + ", ".join(config.environment_names()))
    else:
        report.add("environment", Status.OK, f"'{env_name}' found in {root / 'workspace.yaml'}")
        _describe_backend(report, root, env)
        present = _check_credentials(report, config, env_name, environ)
        anyio.run(_network, report, root, config, env_name, environ, present, transport)
    if openapi is not None:
        from cioctl.doctor.openapi import check_document

        check_document(report, openapi)
    return report


def _load_workspace(report: Report, workspace: Path) -> tuple[Path, WorkspaceConfig] | None:
    """First: ``workspace.yaml`` found and valid (or why not, as the first thing to fix)."""
    try:
        root = find_root(workspace)
        config = load_config(root)
    except CioctlError as error:
        where = f"{error.location}: " if error.location else ""
        report.add("workspace.yaml", Status.FAIL, where + error.message, error.hint)
        return None
    report.add("workspace.yaml", Status.OK, f"{root / 'workspace.yaml'} is valid "
               f"(workspace '{config.workspace}')")
    return root, config


def _describe_backend(report: Report, root: Path, env: Environment) -> None:
    endpoints = endpoints_of(env)
    if endpoints is None:
        report.add("backend", Status.OK, f"embedded workspace {workspace_id_of(env)}, state in "
                   f"{embedded_db(root)} (in process)")
        return
    where = f"endpoint {env.endpoint} (served emulator)" if env.endpoint else f"region {env.region}"
    report.add("backend", Status.OK, f"customerio, {where}, workspace {env.workspace_id}")
    report.add("App API", Status.OK, endpoints.app)
    report.add("Journeys API", Status.OK, endpoints.journeys)


def _check_credentials(
    report: Report, config: WorkspaceConfig, env_name: str, environ: Mapping[str, str]
) -> dict[Surface, bool]:
    present: dict[Surface, bool] = {}
    for surface, (var, is_set) in credential_status(config, env_name, environ).items():
        label, field = CREDENTIAL_LABELS[surface], CREDENTIAL_FIELDS[surface]
        present[surface] = is_set
        name = f"credentials: {label}"
        if var is None and is_set:
            report.add(name, Status.OK, "the embedded workspace's local credential")
        elif var is None:  # plan stops on it too (cioctl.credential_gate): so doctor fails
            report.add(name, Status.FAIL, f"credentials.{field} is not configured",
                       f"without it cioctl cannot read or manage {_NEEDS[surface]}; add "
                       f"{field}: ${{env:CIO_{env_name.upper()}_{field.upper()}}} under "
                       f"environments.{env_name}.credentials in workspace.yaml")
        elif is_set:
            report.add(name, Status.OK, f"{var} is set")
        else:
            report.add(name, Status.FAIL, f"{var} is not set",
                       f"export {var}=<the {label} of this workspace>")
    return present


async def _network(
    report: Report, root: Path, config: WorkspaceConfig, env_name: str,
    environ: Mapping[str, str], present: dict[Surface, bool],
    transport: httpx.AsyncBaseTransport | None,
) -> None:
    env = select_environment(config, env_name)
    watch = None if env.backend == "embedded" else probes.DateWatch(
        transport or probes.network_transport())
    client = open_client(root, config, env_name, environ, throttle=False, transport=watch,
                         max_attempts=DOCTOR_ATTEMPTS)
    ws_id = workspace_id_of(env)
    region = None if env.endpoint or env.backend == "embedded" else env.region
    async with client:
        await probes.check_app_api(report, client, present[Surface.APP], ws_id)
        if present[Surface.JOURNEYS]:
            await probes.check_journeys(report, client, ws_id, region)
        else:
            report.add("Journeys reachable", Status.WARN, "not checked: no service account")
    probes.check_clock(report, watch)
