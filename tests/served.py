"""Environments that point a copy of the example at a served emulator on loopback."""

from __future__ import annotations

from pathlib import Path

from cioctl.emulator import LOCAL_APP_API_KEY, LOCAL_SERVICE_ACCOUNT

APP_KEY_VAR = "SERVED_APP_KEY"
SERVICE_ACCOUNT_VAR = "SERVED_SA"
KEYS = {APP_KEY_VAR: LOCAL_APP_API_KEY, SERVICE_ACCOUNT_VAR: LOCAL_SERVICE_ACCOUNT}
# The example's per-environment variables, so a served environment validates; the sender is
# the embedded workspace's identity (a template names its sender by id, D11).
VARIABLES = ('{sender: "Embedded Workspace <hello@embedded.cioctl.test>", '
             'app_url: "https://s.test", events_endpoint: "https://e.test"}')


def served_environment(name: str, url: str, *, app_key: str | None = APP_KEY_VAR,
                       service_account: str | None = SERVICE_ACCOUNT_VAR,
                       protect: bool = False) -> str:
    """The workspace.yaml stanza of environment ``name`` served at ``url``; a credential is
    the name of the env var it is read from, or None to leave it out."""
    lines = [f"  {name}:", f"    endpoint: {url}", "    workspace_id: 1"]
    if protect:
        lines.append("    protect: true")
    credentials = {"app_api_key": app_key, "service_account": service_account}
    given = [f"{field}: '${{env:{var}}}'" for field, var in credentials.items() if var]
    if given:
        lines.append("    credentials: {" + ", ".join(given) + "}")
    lines.append(f"    variables: {VARIABLES}")
    return "\n".join(lines) + "\n"


def with_environments(workspace_yaml: str, *stanzas: str) -> str:
    """``workspace.yaml`` text with ``stanzas`` added first under ``environments:``."""
    return workspace_yaml.replace("environments:\n", "environments:\n" + "".join(stanzas), 1)


def add_environments(root: Path, *stanzas: str) -> None:
    """Add ``stanzas`` to ``root/workspace.yaml``."""
    path = root / "workspace.yaml"
    path.write_text(with_environments(path.read_text(), *stanzas))
