"""Typed API errors and the mapping from an HTTP response to one of them.

All derive from :class:`cioctl.errors.ApiError` (status, request id, the API's detail). The API
answers errors in several shapes (reference §1.3): A/B ``{"errors": [{"detail", "status",
"source": {"pointer"}}]}``, C ``{"meta": {"error"}}``, D no documented body. :func:`error_for`
reads any of them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from cioctl.errors import ApiError, ConfigError

_MAX_TEXT = 300


class ApiValidationError(ApiError):
    """400/422: the API rejected the request's content."""

    def __init__(self, message: str, *, problems: tuple[Problem, ...] = (), **kw: Any) -> None:
        super().__init__(message, **kw)
        self.problems = problems


class ApiAuthError(ApiError):
    """401: the credential is missing, wrong or expired."""


class ApiForbiddenError(ApiError):
    """403: the credential is valid but lacks the scope for this request."""


class ApiNotFound(ApiError):  # noqa: N818 - the name the engine expects
    """404: no such resource (or route)."""


class ApiRateLimited(ApiError):  # noqa: N818 - the name the engine expects
    """429 after every retry was used up."""


class ApiServerError(ApiError):
    """5xx after retries (or a non-idempotent request that could not be retried)."""


class ApiConnectionError(ApiError):
    """The request never got an HTTP answer (connect/read errors, timeouts)."""


class ApiProtocolError(ApiError):
    """The API answered with a body cioctl cannot read (unexpected shape)."""


class MissingCredentialError(ConfigError):
    """The environment lacks the credential a request needs."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One item of an error body: the API's text and, if given, the JSON pointer it is about."""

    detail: str
    pointer: str | None = None
    code: str | None = None

    def __str__(self) -> str:
        return f"{self.pointer}: {self.detail}" if self.pointer else self.detail


def parse_problems(response: httpx.Response) -> tuple[Problem, ...]:
    """Problems from an error body in shape A/B or C; a text snippet for anything else."""
    body = _json_or_none(response)
    if isinstance(body, dict):
        items = body.get("errors")
        if isinstance(items, list) and items:
            return tuple(_problem(item) for item in items)
        meta = body.get("meta")
        if isinstance(meta, dict) and isinstance(meta.get("error"), str):
            return (Problem(meta["error"]),)
    text = response.text.strip()
    return (Problem(text[:_MAX_TEXT]),) if text else ()


def _problem(item: object) -> Problem:
    if not isinstance(item, dict):
        return Problem(str(item)[:_MAX_TEXT])
    source = item.get("source")
    pointer = source.get("pointer") if isinstance(source, dict) else None
    code = item.get("code")
    return Problem(
        detail=str(item.get("detail", "")),
        pointer=pointer if isinstance(pointer, str) else None,
        code=code if isinstance(code, str) else None,
    )


def _json_or_none(response: httpx.Response) -> object:
    try:
        return json.loads(response.content) if response.content else None
    except (ValueError, UnicodeDecodeError):
        return None


_MAX_BODY = 2000


def response_excerpt(response: httpx.Response, scrub: Callable[[str], str] = str) -> str:
    """The response body for ``-v``, credentials masked: secret-named JSON fields and header
    values, credentials in URLs, and the client's own keys and tokens wherever they appear."""
    from cioctl.render.mask import mask_text, mask_value

    body = _json_or_none(response)
    if body is not None:
        text = json.dumps(mask_value(body), ensure_ascii=False)
    else:
        text = mask_text(response.text.strip()) or "(empty)"
    text = scrub(text)
    return text if len(text) <= _MAX_BODY else text[:_MAX_BODY] + f"… ({len(text):,} chars)"


_BY_STATUS: dict[int, tuple[type[ApiError], str]] = {
    400: (ApiValidationError, "rejected the request"),
    401: (ApiAuthError, "refused the credential"),
    403: (ApiForbiddenError, "denied access"),
    404: (ApiNotFound, "found no such resource"),
    422: (ApiValidationError, "rejected the request"),
    429: (ApiRateLimited, "kept rate-limiting the request"),
}


def _kind(status: int) -> tuple[type[ApiError], str]:
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if status >= 500:
        return ApiServerError, "had a server error"
    return ApiError, "answered with an error"


def error_for(
    response: httpx.Response,
    *,
    what: str,
    hint: str | None = None,
    scrub: Callable[[str], str] = str,
) -> ApiError:
    """The typed error for a non-2xx ``response``; ``what`` names the call (``GET /v1/x``)."""
    status = response.status_code
    cls, verb = _kind(status)
    problems = tuple(
        Problem(scrub(p.detail), p.pointer, p.code) for p in parse_problems(response)
    )
    detail = "; ".join(str(p) for p in problems) or None
    request_id = response.headers.get("x-request-id")
    message = f"{what}: the API {verb} (HTTP {status})"
    if detail:
        message += f": {detail}"
    if request_id:
        message += f" [request id {request_id}]"
    kwargs: dict[str, Any] = {
        "status": status, "request_id": request_id, "detail": detail, "hint": hint,
    }
    if cls is ApiValidationError:
        return ApiValidationError(message, problems=problems, **kwargs)
    return cls(message, **kwargs)


def hint_for_status(status: int) -> str | None:
    """A generic fix hint for statuses whose cause is usually on the user's side."""
    if status == 429:
        return "the workspace's rate limit was hit repeatedly; retry later or lower concurrency"
    if status >= 500:
        return "Customer.io had a server error; retry later (the request id helps support)"
    return None


def connection_failure(exc: Exception, base: str, *, loopback: bool, write: bool) -> (
    tuple[str, str]
):
    """What happened to a request that got no HTTP answer, and a fix hint.

    Only a refused or unreachable connection suggests that nothing is listening; a connection
    that was opened and then dropped or reset is reported as such (the server or the network
    closed it mid-request, so a write may have landed)."""
    if isinstance(exc, httpx.ConnectTimeout | httpx.ConnectError):
        hint = ("is the emulator running? (cioctl emulator serve)" if loopback
                else "check the network and the environment's region")
        return f"could not connect to {base}", hint
    if isinstance(exc, httpx.TimeoutException):
        return (f"{base} did not answer in time",
                "the API is slow or unreachable; retry later (re-running converges)")
    landed = ("a write may have landed anyway: run cioctl plan to see the workspace as it is; "
              if write else "")
    return (f"the connection to {base} was dropped by the server or reset before the "
            "answer arrived", f"{landed}retry — re-running converges")
