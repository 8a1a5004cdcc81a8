"""Small, strict readers for API JSON (unknown keys are ignored, wrong types are errors)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cioctl.api.errors import ApiProtocolError

JSON = dict[str, Any]


def _bad(what: str, key: str, expected: str) -> ApiProtocolError:
    return ApiProtocolError(f"unexpected API response: {what}.{key} is not {expected}")


def as_object(value: Any, what: str) -> JSON:
    """``value`` as a JSON object, or a protocol error."""
    if not isinstance(value, dict):
        raise ApiProtocolError(f"unexpected API response: {what} is not an object")
    return value


def unwrap(body: Any, key: str) -> JSON:
    """The object under the single wrapper key (``{"segment": {...}}`` → ``{...}``)."""
    return as_object(as_object(body, "body").get(key), key)


def unwrap_list(body: Any, key: str) -> list[JSON]:
    """The list of objects under ``key`` (``{"segments": [...]}``)."""
    items = as_object(body, "body").get(key)
    if not isinstance(items, list):
        raise _bad("body", key, "a list")
    return [as_object(item, key) for item in items]


def req_int(obj: Mapping[str, Any], key: str, what: str = "object") -> int:
    """A required integer (ints sent as digit strings are accepted)."""
    value = obj.get(key)
    if isinstance(value, bool):
        raise _bad(what, key, "an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    raise _bad(what, key, "an integer")


def opt_int(obj: Mapping[str, Any], key: str, what: str = "object") -> int | None:
    """An optional integer."""
    return None if obj.get(key) is None else req_int(obj, key, what)


def req_str(obj: Mapping[str, Any], key: str, what: str = "object") -> str:
    """A required string."""
    value = obj.get(key)
    if not isinstance(value, str):
        raise _bad(what, key, "a string")
    return value


def opt_str(obj: Mapping[str, Any], key: str, what: str = "object") -> str | None:
    """An optional string (None when absent or null)."""
    return None if obj.get(key) is None else req_str(obj, key, what)


def opt_bool(obj: Mapping[str, Any], key: str, what: str = "object") -> bool | None:
    """An optional boolean."""
    value = obj.get(key)
    if value is None or isinstance(value, bool):
        return value
    raise _bad(what, key, "a boolean")


def str_tuple(obj: Mapping[str, Any], key: str, what: str = "object") -> tuple[str, ...]:
    """A list of strings (absent or null → empty)."""
    value = obj.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _bad(what, key, "a list of strings")
    return tuple(value)


def int_tuple(obj: Mapping[str, Any], key: str, what: str = "object") -> tuple[int, ...]:
    """A list of integers (absent or null → empty)."""
    value = obj.get(key) or []
    if not isinstance(value, list):
        raise _bad(what, key, "a list of integers")
    return tuple(req_int({"v": v}, "v", f"{what}.{key}") for v in value)


def opt_object(obj: Mapping[str, Any], key: str, what: str = "object") -> JSON | None:
    """An optional JSON object."""
    value = obj.get(key)
    return None if value is None else as_object(value, f"{what}.{key}")


def drop_none(**fields: Any) -> JSON:
    """A request body from keyword fields, leaving out the ones that are None."""
    return {k: v for k, v in fields.items() if v is not None}
