"""The vendor-contract preflight: cioctl's request bodies against Customer.io's OpenAPI documents.

Customer.io publishes its OpenAPI documents unauthenticated (the Journeys one at
:data:`JOURNEYS_URL`, the App API's at :data:`APP_URL`). Before cioctl writes to a real
workspace it can check every body the plan will send against them and refuse with a field-level
report when they disagree — the modeled Journeys bodies are the part most likely to be wrong.

- :mod:`cioctl.contract.document`: load a document from a file or URL (cached per URL with its
  ETag, revalidated with ``If-None-Match``, the cached copy used when the network fails).
- :mod:`cioctl.contract.validate`: find the operation of a concrete request and validate its
  JSON body against the operation's request schema; typed :class:`Finding` values.
- :mod:`cioctl.contract.dryrun`: the exact requests a plan's apply will send
  (:class:`PlannedRequest`), by running the real apply code against a recording transport;
  :mod:`cioctl.contract.dry_campaigns` answers a flow's re-reads of its own writes there.
- :mod:`cioctl.contract.preflight`: the two together, for ``doctor --contract`` and ``apply``.

This package imports only the light modules; import ``dryrun`` and ``preflight`` directly (they
pull in the apply engine).
"""

from __future__ import annotations

import importlib
from typing import Any

# Names are resolved on first use: importing this package (``cioctl.contract.mode`` is on every
# CLI start) must not import jsonschema, whose format checkers take seconds to load.
_HOMES = {
    "APP_URL": "document", "JOURNEYS_URL": "document", "ContractDocument": "document",
    "load_contract": "document", "PlannedRequest": "request", "Contract": "validate",
    "Finding": "validate", "Severity": "validate",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'cioctl.contract' has no attribute {name!r}")
    return getattr(importlib.import_module(f"cioctl.contract.{home}"), name)


__all__ = sorted(_HOMES)
