"""Import never writes a credential into definitions: placeholders instead of live secrets.

A live header or URL query value is written as ``${env:NAME}`` when the workspace's own
definitions fill that field from ``${env:NAME}`` (the value may have rotated since), or when it
looks like a credential (an ``Authorization`` header, a name with token/key/secret/auth/
password/signature, a user:password in a URL). The entry gets a comment naming the variable
to export before planning.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from cioctl.importer.build import Entry, Imported
from cioctl.kinds.address import Address
from cioctl.kinds.registry import Kind
from cioctl.render.mask import SECRET_NAME

Slot = tuple[str, str]  # (field, header name): where a value sits in a resource
_SCHEME = re.compile(r"^(Bearer|Basic|Token|Bot)(\s+)(\S.*)$", re.IGNORECASE | re.DOTALL)
_QUERY = re.compile(r"([?&])([^=&#]+)=([^&#]*)")
_USERINFO = re.compile(r"^(https?://)([^/@\s]+)@")
_NONE: tuple[str, ...] = ()


class Placeholdered(str):
    """Text already escaped for the YAML writer, with ``${env:NAME}`` placeholders in it."""

    __slots__ = ()


@dataclass(frozen=True)
class Template:
    """A desired value with secrets in it: the live text it matches, and what to write."""

    pattern: re.Pattern[str]
    text: str
    names: tuple[str, ...]


@dataclass
class Templates:
    """Per resource and slot, the desired values the definitions fill from ``${env:…}``."""

    by_resource: dict[Address, dict[Slot, list[Template]]] = field(default_factory=dict)


def _dollars(text: str) -> str:
    return text.replace("${", "$${")


def templates_of(fields_by_address: Mapping[Address, dict[str, Any]],
                 secrets: Mapping[str, str]) -> Templates:
    """Templates from desired fields (real values) and the secret values → variable names."""
    usable = sorted((s for s in secrets if len(s) >= 4), key=len, reverse=True)
    found = Templates()
    if not usable:
        return found
    split = re.compile("|".join(re.escape(s) for s in usable))
    for address, fields in fields_by_address.items():
        for slot, value in _canonical_slots(fields, ""):
            used = split.findall(value)
            if not used:
                continue
            pieces = split.split(value)
            names = tuple(secrets[s] for s in used)
            text = _dollars(pieces[0]) + "".join(
                f"${{env:{n}}}" + _dollars(p) for n, p in zip(names, pieces[1:], strict=True))
            pattern = re.compile("(.*?)".join(re.escape(p) for p in pieces), re.DOTALL)
            found.by_resource.setdefault(address, {}).setdefault(slot, []).append(
                Template(pattern, text, names))
    return found


def _canonical_slots(value: Any, key: str) -> Iterator[tuple[Slot, str]]:
    if isinstance(value, dict):
        for name, item in value.items():
            if name == "headers" and isinstance(item, dict):  # the definitions' mapping
                yield from ((("headers", str(h)), str(v)) for h, v in item.items())
            else:
                yield from _canonical_slots(item, str(name))
    elif isinstance(value, list):
        for item in value:
            yield from _canonical_slots(item, key)
    elif isinstance(value, str):
        yield (key, ""), value


def use_placeholders(imported: Imported, templates: Templates) -> list[str]:
    """Replace live secrets in every imported entry; the variables to export, one line each."""
    exports: list[str] = []
    for kind, document in imported.documents.items():
        for entry in document.entries:
            if entry.data is None:
                continue
            key = str(entry.data.get("key") or _key(kind, entry.data))
            slots = templates.by_resource.get(Address(kind, key), {})
            replaced: list[tuple[str, tuple[str, ...]]] = []
            entry.data = _walk(entry.data, "", key, slots, replaced, "")
            if replaced:
                _comment(entry, kind, key, replaced, exports)
    return exports


def _key(kind: Kind, data: dict[str, Any]) -> str:
    from cioctl.model.base import slugify

    if kind in (Kind.SEGMENT, Kind.FLOW, Kind.REPORTING_WEBHOOK):
        return slugify(str(data["name"]))
    return str(data["name"])


def _walk(value: Any, field_name: str, key: str, slots: dict[Slot, list[Template]],
          replaced: list[tuple[str, tuple[str, ...]]], where: str) -> Any:
    if isinstance(value, dict):
        result: dict[str, Any] = {}
        for name, item in value.items():
            path = f"{where}.{name}" if where else str(name)
            if name == "headers" and isinstance(item, dict):
                result[name] = {h: _value(v, ("headers", h), key, slots, replaced, f"{path}.{h}")
                                for h, v in item.items()}
            else:
                result[name] = _walk(item, str(name), key, slots, replaced, path)
        return result
    if isinstance(value, list):
        return [_walk(item, field_name, key, slots, replaced, f"{where}[{i}]")
                for i, item in enumerate(value)]
    if isinstance(value, str) and field_name in ("url", "endpoint"):
        return _value(value, (field_name, ""), key, slots, replaced, where)
    return value


def _value(live: str, slot: Slot, key: str, slots: dict[Slot, list[Template]],
           replaced: list[tuple[str, tuple[str, ...]]], where: str) -> str:
    for template in slots.get(slot, []):
        if template.pattern.fullmatch(live):
            text, more = template.text, _NONE
            if slot[0] != "headers":  # the rest of a URL may hold literal credentials too
                text, more = _guess_url(text, key)
            replaced.append((where, (*template.names, *more)))
            return Placeholdered(text)
    if slot[0] == "headers":
        guessed, names = _guess_header(live, slot[1], key)
    else:
        guessed, names = _guess_url(_dollars(live), key)
    if names:
        replaced.append((where, names))
        return Placeholdered(guessed)
    return live


def _variable(*parts: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "_", "_".join(parts).upper()).strip("_")


def _guess_header(live: str, header: str, key: str) -> tuple[str, tuple[str, ...]]:
    """A credential-looking header's value as a placeholder (keeping ``Bearer`` and such)."""
    if not live or not SECRET_NAME.search(header):
        return live, ()
    name = _variable(key, header)
    scheme = _SCHEME.match(live)
    prefix = f"{scheme.group(1)}{scheme.group(2)}" if scheme else ""
    return f"{_dollars(prefix)}${{env:{name}}}", (name,)


def _guess_url(escaped: str, key: str) -> tuple[str, tuple[str, ...]]:
    """Credential-looking query values and user:password of an (escaped) URL as
    placeholders."""
    names: list[str] = []

    def query(match: re.Match[str]) -> str:
        value = match.group(3)
        if not value or "${env:" in value or not _secret_param(match.group(2)):
            return match.group(0)
        names.append(_variable(key, match.group(2)))
        return f"{match.group(1)}{match.group(2)}=${{env:{names[-1]}}}"

    def userinfo(match: re.Match[str]) -> str:
        if "${env:" in match.group(2):
            return match.group(0)
        names.append(_variable(key, "userinfo"))
        return f"{match.group(1)}${{env:{names[-1]}}}@"

    text = _USERINFO.sub(userinfo, escaped, count=1)
    head, mark, rest = text.partition("?")
    text = head + (_QUERY.sub(query, mark + rest) if mark else "")
    return text, tuple(names)


def _secret_param(name: str) -> bool:
    return bool(SECRET_NAME.search(name) or re.search(r"key|sig", name, re.IGNORECASE))


def _comment(entry: Entry, kind: Kind, key: str, replaced: list[tuple[str, tuple[str, ...]]],
             exports: list[str]) -> None:
    for where, names in replaced:
        variables = " and ".join(names)
        entry.comments.append(
            f"{where}: the live value was replaced by ${{env:{names[0]}}}"
            + (" (and more)" if len(names) > 1 else "") + " — cioctl never writes credentials "
            f"into definitions; export {variables} with the live value before planning")
        exports.append(f"{Address(kind, key)} {where}: export {variables}")
