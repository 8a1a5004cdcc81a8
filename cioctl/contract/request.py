"""One request body cioctl will send: what the contract preflight validates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cioctl.api.endpoints import Surface


@dataclass(frozen=True, slots=True)
class PlannedRequest:
    """A write as it goes on the wire: method, concrete path, parsed JSON body (None when the
    request has none), the API surface, and the plan address it carries out (when known)."""

    method: str
    path: str
    body: Any
    surface: Surface
    address: str | None = None
