"""The environment object of the Journeys routes (``GET /v1/environments/{id}``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cioctl.api._wire import opt_str, req_int, req_str, unwrap


@dataclass(frozen=True, slots=True)
class Environment:
    """``GET /v1/environments/{id}``."""

    id: int
    name: str
    region: str | None


def parse_environment(body: Any) -> Environment:
    """``{"environment": {"id", "name", "region"}}``."""
    obj = unwrap(body, "environment")
    return Environment(
        req_int(obj, "id", "environment"), req_str(obj, "name", "environment"),
        opt_str(obj, "region", "environment"),
    )
