"""``cioctl doctor``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from cioctl.cli.options import EnvOption, FormatOption, OutputFormat, WorkspaceOption

OpenApiOption = Annotated[
    Path | None,
    typer.Option("--openapi", metavar="FILE",
                 help="The vendor's OpenAPI JSON document: list every route and request "
                 "field cioctl uses that it lacks."),
]
ContractOption = Annotated[
    list[str] | None,
    typer.Option("--contract", metavar="FILE|URL",
                 help="Check every request body the environment's current plan would send "
                 "against a vendor OpenAPI document (a file, a URL, 'journeys', 'app', or "
                 "'default' for both published documents; repeatable). Exit 1 on "
                 "disagreement."),
]


def doctor(
    workspace: WorkspaceOption = Path(),
    env: EnvOption = "local",
    openapi: OpenApiOption = None,
    contract: ContractOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Check that an environment is ready for plan and apply.

    Checks that it exists; its backend, region and base URLs; credentials per API surface
    (by env var name, never the value); reachability of the App
    API and the Journeys routes with the workspace id; clock skew. With --openapi, also every
    route and field cioctl uses that the vendor document lacks (modeled Journeys routes are
    listed as such). With --contract, plans the environment and validates every request body
    the plan would send against the given OpenAPI documents: one finding per field (route,
    JSON pointer, what the document expects). Exit 0 when every check passes (warnings are
    fine), 1 otherwise.
    """
    from cioctl.cli.boundary import EXIT_ERROR
    from cioctl.cli.console import stdout_console
    from cioctl.doctor import diagnose, render_json, render_text

    report = diagnose(workspace, env, os.environ, openapi=openapi)
    if contract:
        from cioctl.contract.doctor import check_contract
        from cioctl.contract.preflight import contract_sources
        from cioctl.definitions.discover import find_root

        check_contract(report, find_root(workspace), env, os.environ, contract_sources(contract))
    if output is OutputFormat.JSON:
        typer.echo(render_json(report), nl=False)
    else:
        stdout_console().print(render_text(report))
    if not report.ok:
        raise typer.Exit(EXIT_ERROR)
