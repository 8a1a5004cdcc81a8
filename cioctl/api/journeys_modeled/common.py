"""Paths, shared types and the token exchange of the modeled Journeys routes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from cioctl.api._wire import (
    JSON,
    as_object,
    opt_int,
    req_int,
    req_str,
    unwrap,
)
from cioctl.api.secret import Secret

TOKEN_PATH = "/v1/service_accounts/oauth/token"
ACCOUNT_PATH = "/v1/accounts/current"

Condition = dict[str, Any]
"""One node of the modeled condition grammar (an object with exactly one key)."""
MAX_CONDITION_DEPTH = 10
"""docs/journeys-modeled.md: "Nesting depth is at most 10" (the root is level 1; each
``and``/``or`` item and each ``not`` is one level more). Validation checks it up front."""

AttrOp = Literal[
    "eq", "neq", "exists", "not_exists", "gt", "gte", "lt", "lte", "contains",
    "not_contains", "starts_with", "in", "not_in",
]
CountOp = Literal["at_least", "at_most", "exactly"]
StepType = Literal["email", "sms", "push", "webhook", "in_app", "slack"]


_NO_VALUE: Any = object()
SEGMENT_UPDATE_FIELDS = frozenset({"name", "description", "conditions", "tags"})
CAMPAIGN_UPDATE_FIELDS = frozenset({
    "name", "description", "tags", "trigger", "filter", "goal", "frequency", "workflow", "state",
})


def env_path(workspace_id: int, *parts: str | int) -> str:
    """``/v1/environments/{workspace_id}/<parts...>``."""
    tail = "".join(f"/{part}" for part in parts)
    return f"/v1/environments/{workspace_id}{tail}"


def _partial(fields: Mapping[str, Any], allowed: frozenset[str]) -> JSON:
    """A partial-update object: given fields only (None = explicit null), lists copied."""
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    return {k: list(v) if isinstance(v, tuple | list) else v for k, v in fields.items()}


# -- auth ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TokenGrant:
    """A JWT from the token exchange and its lifetime in seconds."""

    access_token: Secret
    expires_in: int

    @property
    def cache_seconds(self) -> float:
        """How long to reuse the token: its lifetime less a margin (10 %, at most 60 s)."""
        return max(0.0, self.expires_in - min(60.0, self.expires_in * 0.1))


def token_request_form(service_account: Secret, scope: str | None = None) -> dict[str, str]:
    """Form fields of ``POST /v1/service_accounts/oauth/token``."""
    form = {"grant_type": "client_credentials", "client_secret": service_account.reveal()}
    if scope:
        form["scope"] = scope
    return form


def parse_token(body: Any) -> TokenGrant:
    """``{"access_token", "token_type", "expires_in"}`` → :class:`TokenGrant`."""
    obj = as_object(body, "token")
    expires = opt_int(obj, "expires_in", "token")
    return TokenGrant(Secret(req_str(obj, "access_token", "token")), expires or 3600)


@dataclass(frozen=True, slots=True)
class Account:
    """``GET /v1/accounts/current``."""

    id: int
    data_center: str


def parse_account(body: Any) -> Account:
    """``{"account": {"id", "data_center"}}`` → :class:`Account`."""
    obj = unwrap(body, "account")
    return Account(req_int(obj, "id", "account"), req_str(obj, "data_center", "account"))



