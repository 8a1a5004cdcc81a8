"""Paths and the token exchange of the Journeys routes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cioctl.api._wire import (
    as_object,
    opt_int,
    req_int,
    req_str,
    unwrap,
)
from cioctl.api.secret import Secret

TOKEN_PATH = "/v1/service_accounts/oauth/token"
ACCOUNT_PATH = "/v1/accounts/current"

MAX_CONDITION_DEPTH = 10
"""The nesting depth validation allows (the root is level 1; each ``and``/``or`` item and each
``not`` is one level more): the definitions' limit, checked up front."""


def env_path(workspace_id: int, *parts: str | int) -> str:
    """``/v1/environments/{workspace_id}/<parts...>``."""
    tail = "".join(f"/{part}" for part in parts)
    return f"/v1/environments/{workspace_id}{tail}"


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



