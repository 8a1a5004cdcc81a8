"""OpenAPI schemas as JSON Schema (2020-12), and validation errors as field-level findings.

OpenAPI 3.1 schemas are JSON Schema 2020-12 already. OpenAPI 3.0 differs in two ways that
matter for validating a request: ``nullable: true`` (3.1 writes ``type: [T, "null"]``) and the
boolean ``exclusiveMinimum``/``exclusiveMaximum``; :func:`to_json_schema` rewrites both so one
validator serves either version. ``readOnly`` is an annotation in JSON Schema; here it is
enforced (a request must not send what the server sets), by an extra keyword.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from jsonschema import (  # type: ignore[import-untyped]
    Draft202012Validator,
    ValidationError,
    validators,
)
from jsonschema.exceptions import (  # type: ignore[import-untyped]
    SchemaError,
    UnknownType,
    best_match,
)
from referencing.exceptions import Unresolvable, Unretrievable

from cioctl.events.schema import json_type

__all__ = ["json_type"]

Validator = Any  # jsonschema ships no type information


def to_json_schema(node: Any, openapi_30: bool) -> Any:
    """A copy of ``node`` (any part of the document) in JSON Schema 2020-12 terms."""
    if isinstance(node, list):
        return [to_json_schema(item, openapi_30) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: to_json_schema(value, openapi_30) for key, value in node.items()}
    if not openapi_30:
        return out
    for bound, limit in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        # 3.0's boolean form goes either way; ``true`` turns the plain limit exclusive.
        if isinstance(out.get(bound), bool) and out.pop(bound) and limit in out:
            out[bound] = out.pop(limit)
    if out.pop("nullable", None) is True:
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
        elif "type" not in out:
            return {"anyOf": [out, {"type": "null"}]}
    return out


def _read_only(
    validator: Validator, value: Any, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    # Reached only for a value the request actually carries (``properties`` applies its
    # subschemas to present keys), so "present and read-only" is exactly what this flags.
    if value is True:
        yield ValidationError("read-only", validator="readOnly", validator_value=True)


RequestValidator = validators.extend(Draft202012Validator, {"readOnly": _read_only})


def validator_for(document: dict[str, Any], body_schema: Any) -> Validator:
    """A validator of ``body_schema`` whose ``#/...`` references resolve in ``document``."""
    # The document is the root resource (its OpenAPI keys are not schema keywords and are
    # ignored), so local references like ``#/components/schemas/X`` resolve as written.
    root = {**document, "allOf": [body_schema]}
    validator: Validator = RequestValidator(root)
    return validator


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One disagreement: where in the body, what the document expects, what was there."""

    pointer: str
    expected: str
    got: str


class UnusableSchemaError(Exception):
    """The document's schema cannot be used (an external or broken ``$ref``, an unknown type)."""


def mismatches(validator: Validator, body: Any) -> list[Mismatch]:
    """Every disagreement of ``body`` with the schema (values never appear, only types)."""
    found: list[Mismatch] = []
    try:
        for error in validator.iter_errors(body):
            for focused in _focus(error):
                found.extend(_describe(focused))
    except (Unresolvable, Unretrievable, UnknownType, SchemaError, RecursionError) as exc:
        # The document is outside input: a schema it gets wrong is its problem, reported.
        raise UnusableSchemaError(type(exc).__name__) from None
    return sorted(set(found), key=lambda m: (m.pointer, m.expected))


def _focus(error: ValidationError) -> list[ValidationError]:
    """The telling errors beneath ``error``: every error of a oneOf/anyOf branch when only
    that branch can have been meant (the other is the ``null`` of a nullable value, and the
    value is not null), else jsonschema's best match."""
    if not error.context or not isinstance(error.validator_value, list):
        return [error]
    branches: dict[Any, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    meant = [errors for index, errors in branches.items()
             if error.validator_value[index] != {"type": "null"}]
    if len(meant) == 1:
        return [focused for sub in meant[0] for focused in _focus(sub)]
    return [best_match([error]) or error]


def pointer_of(parts: Any) -> str:
    """A JSON pointer (RFC 6901) from path parts."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _describe(error: ValidationError) -> Iterator[Mismatch]:
    here = pointer_of(error.absolute_path)
    keyword = "False" if error.validator is None else str(error.validator)
    value, instance = error.validator_value, error.instance
    if keyword == "required":
        name = ast.literal_eval(error.message.split(" is a required property")[0])
        yield Mismatch(f"{here}/{name}", "a required property", "absent")
    elif keyword in ("additionalProperties", "unevaluatedProperties") and isinstance(
            instance, dict):
        known = set(error.schema.get("properties") or {}) if isinstance(error.schema,
                                                                        dict) else set()
        for extra in sorted(set(instance) - known):
            yield Mismatch(f"{here}/{extra}", "no such property (the schema allows no others)",
                           "present")
    else:
        yield Mismatch(here, _expectation(keyword, value), json_type(instance))


def _expectation(keyword: str, value: Any) -> str:
    if keyword == "type":
        return "type " + (" or ".join(value) if isinstance(value, list) else str(value))
    if keyword == "enum":
        return "one of " + ", ".join(_short(v) for v in value)
    if keyword == "const":
        return "exactly " + _short(value)
    if keyword == "readOnly":
        return "not sent: read-only (the server sets it)"
    if keyword in ("oneOf", "anyOf") and isinstance(value, list):
        names = ", ".join(_alternative(v) for v in value)
        return f"{'exactly one' if keyword == 'oneOf' else 'one'} of the alternatives: {names}"
    if keyword == "not":
        return "a value the schema's 'not' allows"
    if keyword == "False":
        return "nothing (the document allows no value here)"
    return f"{keyword} {_short(value)}"


def _alternative(schema: Any) -> str:
    """A short name for one branch of a oneOf/anyOf (its component name when it has one)."""
    if not isinstance(schema, dict):
        return _short(schema)
    if isinstance(schema.get("allOf"), list) and len(schema["allOf"]) == 1:
        return _alternative(schema["allOf"][0])
    if isinstance(schema.get("$ref"), str):
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if schema.get("required"):
        return "an object with " + "+".join(map(str, schema["required"]))
    return str(schema.get("title") or schema.get("type") or "a schema")


def _short(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= 80 else text[:77] + "..."
