"""What apply does with the vendor-contract preflight (light: the CLI imports it for --help)."""

from __future__ import annotations

import enum

from cioctl.model.config import Environment


class ContractMode(enum.StrEnum):
    """What apply does with the contract preflight."""

    OFF = "off"
    WARN = "warn"
    STRICT = "strict"


def default_mode(env: Environment) -> ContractMode:
    """Strict against a real region; off for the embedded workspace or a served emulator."""
    real = env.backend != "embedded" and not env.endpoint
    return ContractMode.STRICT if real else ContractMode.OFF
