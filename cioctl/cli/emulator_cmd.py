"""``cioctl emulator serve`` and ``cioctl emulator reset``: the embedded workspace over HTTP."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from cioctl.cli.group import CioctlCommand, CioctlGroup
from cioctl.cli.options import WorkspaceOption

DEFAULT_PORT = 8787


class _FaultsHelpCommand(CioctlCommand):
    """Shows the fault grammar under ``--help``; loaded only then (the emulator is heavy)."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        from cioctl.emulator import FAULTS_HELP

        self.epilog = FAULTS_HELP
        super().format_help(ctx, formatter)


emulator_app = typer.Typer(
    name="emulator",
    cls=CioctlGroup,
    help="Serve or reset the embedded workspace (an emulator of both Customer.io API surfaces).",
    no_args_is_help=True,
)

PortOption = Annotated[int, typer.Option("--port", min=1, max=65535, help="Loopback TCP port.")]
FaultsOption = Annotated[
    str | None,
    typer.Option("--faults", metavar="SPEC", help="Inject faults; the grammar is shown below."),
]
SeedOption = Annotated[int, typer.Option("--seed", help="Seed of the fault draws.")]
NoLimitsOption = Annotated[
    bool, typer.Option("--no-limits", help="Disable the 10 req/s workspace rate limit.")
]
WorkspaceIdOption = Annotated[
    int | None,
    typer.Option("--workspace-id", min=1,
                 help="Workspace id to emulate (default: the local environment's, else 1)."),
]


@emulator_app.command("serve", cls=_FaultsHelpCommand)
def serve(
    workspace: WorkspaceOption = Path(),
    port: PortOption = DEFAULT_PORT,
    faults: FaultsOption = None,
    seed: SeedOption = 0,
    no_limits: NoLimitsOption = False,
    workspace_id: WorkspaceIdOption = None,
) -> None:
    """Serve the embedded workspace of -w DIR (state in DIR/.cioctl/embedded.sqlite3) with
    uvicorn on 127.0.0.1 until interrupted. Point an environment at it with
    'endpoint: http://127.0.0.1:PORT' and the printed local credentials.
    """
    from cioctl import emulator
    from cioctl.cli.console import stdout_console
    from cioctl.definitions.discover import find_root
    from cioctl.environments import embedded_db

    root = find_root(workspace)
    spec = _parse_faults(faults)
    ws_id = workspace_id or _local_workspace_id(root)
    _check_port_free(port)
    db = embedded_db(root)
    base = f"http://127.0.0.1:{port}"
    stdout_console().print(_banner(base, ws_id, db, faults), markup=False)
    emulator.serve(
        db, port=port, faults=spec, seed=seed, rate_limit=not no_limits, workspace_id=ws_id
    )


@emulator_app.command("reset", cls=CioctlCommand)
def reset(workspace: WorkspaceOption = Path()) -> None:
    """Delete the embedded workspace's state of -w DIR; the next use starts empty."""
    from cioctl import emulator
    from cioctl.definitions.discover import find_root
    from cioctl.environments import EMBEDDED_DB, STATE_DIR

    db = find_root(workspace) / STATE_DIR / EMBEDDED_DB
    existed = db.exists()
    emulator.reset(db)
    typer.echo(f"removed {db}" if existed else f"nothing to remove: {db} does not exist")


def _parse_faults(faults: str | None) -> Any:
    from cioctl.emulator import FaultSpec, FaultSpecError
    from cioctl.errors import ConfigError

    if faults is None:
        return None
    try:
        return FaultSpec.parse(faults)
    except FaultSpecError as exc:
        raise ConfigError(
            f"--faults: {str(exc).split('. Fault spec:')[0]}",
            hint="see 'cioctl emulator serve --help'; e.g. --faults latency=10-80ms,429=0.1",
        ) from None


def _local_workspace_id(root: Path) -> int:
    from cioctl.definitions.load import load_config
    from cioctl.environments import workspace_id_of

    env = load_config(root).environment("local")
    return workspace_id_of(env) if env is not None else 1


def _check_port_free(port: int) -> None:
    import socket

    from cioctl.errors import ConfigError

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as exc:
            raise ConfigError(
                f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}",
                hint="choose another --port (is an emulator already running there?)",
            ) from None


def _banner(base: str, workspace_id: int, db: Path, faults: str | None) -> str:
    from cioctl.emulator import LOCAL_APP_API_KEY, LOCAL_SERVICE_ACCOUNT

    lines = [
        f"embedded workspace {workspace_id} serving at {base}",
        f"  state:           {db}",
        f"  App API key:     {LOCAL_APP_API_KEY}",
        f"  service account: {LOCAL_SERVICE_ACCOUNT}",
        f"  faults:          {faults or 'none'}",
        "",
        "Use it from workspace.yaml:",
        "  environments:",
        "    emulator:",
        f"      endpoint: {base}",
        f"      workspace_id: {workspace_id}",
        "      credentials:",
        "        app_api_key: ${env:CIO_EMULATOR_APP_API_KEY}",
        "        service_account: ${env:CIO_EMULATOR_SERVICE_ACCOUNT}",
        "then:",
        f"  export CIO_EMULATOR_APP_API_KEY={LOCAL_APP_API_KEY}",
        f"  export CIO_EMULATOR_SERVICE_ACCOUNT={LOCAL_SERVICE_ACCOUNT}",
        "Stop with Ctrl-C.",
    ]
    return "\n".join(lines)
