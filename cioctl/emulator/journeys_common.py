"""What every Journeys route of the embedded workspace shares: the environment check, the error
shapes of evidence §2, the base64-of-URL-encoded strings of §5 and the live-data setting.

The contract is ``docs/journeys-wire.md`` ("Decisions where the evidence is silent", cited as
D1…D14); facts come from the evidence page on the live service (cited as §N).
"""

from __future__ import annotations

import base64
import binascii
import json
import urllib.parse
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from cioctl.emulator.context import workspace
from cioctl.emulator.store import Doc, Tx
from cioctl.emulator.web import ApiError, not_found, path_int, query_int

# App API reference §10: the Journeys routes live under /v1/environments/{environment_id}/...,
# environment_id = the workspace id.
BASE = "/v1/environments/{ws}"
LIVE_DATA_KEY = "allow_agent_edit_live_data"
EMPTY_LIST_B64 = "JTVCJTVE"  # base64(encodeURIComponent("[]")), §5


@dataclass
class FieldError(ApiError):
    """A 422 in the map shape ``{"errors": {"field": ["message"]}}`` (§2, S1 auth_test.go)."""

    field_name: str = ""

    def response(self) -> Response:
        return JSONResponse({"errors": {self.field_name: [self.detail]}}, self.status)


def invalid(field_name: str, message: str, status: int = 422) -> FieldError:
    return FieldError(status, message, field_name=field_name)


def server_error() -> ApiError:
    """The opaque 500 the live service answers to malformed trees (§2, §4, §5)."""
    return ApiError(500, "Internal Server Error")


def check_env(request: Request) -> None:
    """Any ``/v1/environments/{ws}`` route with another workspace id is a 404.

    Not in the references: cioctl assumes a foreign environment id answers like an unknown id
    (D1: 404, list shape)."""
    if path_int(request, "ws") != workspace(request).workspace_id:
        raise not_found(f"environment {request.path_params['ws']}")


def page(request: Request, tx: Tx, kind: str, default_size: int | None) -> tuple[list[Doc], Doc]:
    """One page, 0-based (evidence §3: campaigns are 20 a page from page 0; segments page only
    when ``size`` > 0 is given). ``meta`` says where the page is, never how many there are.

    Not in the references: list ``meta`` is unknown (§8) and D10/D12 point to a "Paging"
    section that docs/journeys-wire.md does not contain; cioctl assumes ``{"page", "size"}``
    (the client never reads it, §3 "never trust total")."""
    number = query_int(request, "page", 0, 0, 10**9)
    size = query_int(request, "size", default_size or 0, 0, 1000)
    if size == 0:
        return tx.docs(kind), {"page": 0}
    return tx.page(kind, number * size, size), {"page": number, "size": size}


def encode_b64(value: Any) -> str:
    """``base64(encodeURIComponent(JSON))`` as D2 writes it (compact JSON, padded base64)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return base64.b64encode(urllib.parse.quote(text, safe="-_.!~*'()").encode()).decode()


class NotEncodedError(ValueError):
    """A string that is not base64 of URL-encoded JSON."""


def decode_b64(value: Any) -> Any:
    """The JSON value inside a §5 encoded string; :class:`NotEncodedError` when it is not one."""
    if not isinstance(value, str):
        raise NotEncodedError("not a string")
    try:
        raw = base64.b64decode(value, validate=True).decode()
        return json.loads(urllib.parse.unquote(raw, errors="strict"))
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise NotEncodedError(str(exc)) from exc


def live_data_allowed(tx: Tx) -> bool:
    """The "Allow agent to edit live data" workspace setting (§2); on unless switched off."""
    return tx.meta(LIVE_DATA_KEY) != "false"


def refuse_live_edit(request: Request, tx: Tx) -> None:
    """403 with the settings link, when the setting is off (§2, D9)."""
    if live_data_allowed(tx):
        return
    ws = workspace(request).workspace_id
    raise ApiError(403, "Allow agent to edit live data is off: "
                        f"https://fly.customer.io/workspaces/{ws}/settings/privacy")


def tag_id_list(tx: Tx, value: Any, field_name: str = "tag_ids") -> list[str]:
    """Validated tag ids (strings, §4; integers accepted) naming existing tags."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise invalid(field_name, "must be an array of tag ids")
    ids: list[str] = []
    for item in value:
        text = str(item) if type(item) is int else item
        if not isinstance(text, str) or not text.isdigit() or tx.get("tag", int(text)) is None:
            raise invalid(field_name, f"tag {item!r} not found")
        if text not in ids:
            ids.append(text)
    return ids


def tag_names(tx: Tx, ids: list[str]) -> list[str]:
    names = []
    for tag_id in ids:
        tag = tx.get("tag", int(tag_id))
        if tag is not None:
            names.append(str(tag["name"]))
    return names
