"""Whether an environment has every credential a full read of it needs, before it is read.

Without a credential, a kind cannot be read and every definition of it would plan as a create
("credential missing"): a first-time user would see a wall of creates instead of the one thing
to fix. So every command that reads a live environment stops first, naming the variables to
export in order (App API key, then service account), unless ``--allow-missing`` asks for a
partial plan — for PR checks that have no secrets — which carries a banner in every rendering
and which apply refuses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cioctl.errors import ConfigError, Location
from cioctl.model.config import WorkspaceConfig

_ALLOW = "--allow-missing"


@dataclass(frozen=True)
class MissingCredential:
    """One credential an environment lacks: its ``workspace.yaml`` field, its label, and the
    variable it is read from (None when workspace.yaml declares no reference). Never a value."""

    credential: str
    label: str
    env_var: str | None

    def describe(self) -> str:
        """``App API key (CIO_STAGING_APP_API_KEY)``."""
        where = self.env_var or f"credentials.{self.credential} not set in workspace.yaml"
        return f"{self.label} ({where})"


class CredentialsMissingError(ConfigError):
    """An environment lacks credentials, and the command was not told to go on without them."""


def missing_credentials(
    config: WorkspaceConfig, env_name: str, environ: Mapping[str, str]
) -> tuple[MissingCredential, ...]:
    """The credentials environment ``env_name`` lacks, App API key first (the embedded
    workspace lacks none)."""
    from cioctl.environments import CREDENTIAL_FIELDS, CREDENTIAL_LABELS, credential_status

    status = credential_status(config, env_name, environ)
    return tuple(MissingCredential(CREDENTIAL_FIELDS[surface], CREDENTIAL_LABELS[surface],
                                   state.env_var)
                 for surface, state in status.items() if not state.present)


def banner(missing: tuple[MissingCredential, ...]) -> str:
    """The line every rendering of a plan made without credentials starts with."""
    return ("planned without credentials for: " + ", ".join(m.describe() for m in missing)
            + " — this plan cannot be applied")


def require_credentials(
    root: Path, config: WorkspaceConfig, env_name: str, environ: Mapping[str, str], *,
    allow_missing: bool, command: str = "plan",
) -> tuple[MissingCredential, ...]:
    """What is missing when ``allow_missing``; otherwise stop with what to set, in order."""
    missing = missing_credentials(config, env_name, environ)
    if not missing or allow_missing:
        return missing
    raise CredentialsMissingError(
        f"environment '{env_name}' lacks credentials: "
        + ", ".join(m.describe() for m in missing) + "; nothing was read",
        location=_environment_line(root, env_name), hint=fix_hint(missing, env_name, command))


def fix_hint(missing: tuple[MissingCredential, ...], env_name: str, command: str) -> str:
    """How to provide them (variables in order), how to check, and the way around."""
    exports = [f"export {m.env_var}=<the {m.label}>" for m in missing if m.env_var]
    declare = [f"add {m.credential}: ${{env:CIO_{env_name.upper()}_{m.credential.upper()}}} "
               f"under environments.{env_name}.credentials" for m in missing if not m.env_var]
    steps = "; ".join(declare + exports)
    around = "" if command == "apply" else (
        f"; or pass {_ALLOW} to {command} only what the present credentials can read"
        + (" (for PR checks without secrets; such a plan cannot be applied)"
           if command in ("plan", "drift", "promote") else ""))
    return f"{steps}; then check with: cioctl doctor -e {env_name}{around}"


def _environment_line(root: Path, env_name: str) -> Location | None:
    """Where ``workspace.yaml`` declares the environment (the place the credentials go)."""
    path = root / "workspace.yaml"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    pattern = re.compile(rf"^\s+{re.escape(env_name)}\s*:")
    for number, line in enumerate(lines, start=1):
        if pattern.match(line):
            return Location(path, number, len(line) - len(line.lstrip()) + 1)
    return None
