"""Imported definitions → YAML files under ``OUT/imported/`` (and ``workspace.yaml`` if absent).

Multi-line strings are written as block scalars (``|``), short scalar-only mappings and lists
in flow style, ``${`` as ``$${`` (so cioctl's interpolation gives back the live text). Every
file starts with the editor schema header. Credentials are never written: a new
``workspace.yaml`` copies only the ``${env:NAME}`` references of the source environment.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from cioctl.errors import ConfigError
from cioctl.importer.build import Document, Entry, Imported
from cioctl.kinds.registry import KINDS, Kind
from cioctl.model.config import ENV_REFERENCE

IMPORTED_DIR = "imported"
SCHEMA_DIR = ".schema"
FLOW_WIDTH = 72
FILES = {kind: f"{KINDS[kind].plural}.yaml" for kind in Kind}
HEADERS = {
    Kind.ATTRIBUTE: "Names, descriptions and sensitivity come from the data index; types are "
                    "not readable there and are inferred from how the definitions use them.",
    Kind.EVENT: "Names and descriptions come from the data index; properties are only those "
                "the definitions use.",
}


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # lists indented under their key


def _scalar(value: Any) -> bool:
    return value is None or (isinstance(value, str | int | float | bool) and not (
        isinstance(value, str) and "\n" in value))


def _short(value: Any) -> bool:
    return len(json.dumps(value, ensure_ascii=False, default=str)) <= FLOW_WIDTH


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_dict(dumper: yaml.SafeDumper, value: dict[str, Any]) -> yaml.MappingNode:
    flow = bool(value) and _short(value) and all(
        _scalar(v) or (isinstance(v, list) and all(_scalar(i) for i in v)) for v in value.values())
    return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=flow)


def _represent_list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.SequenceNode:
    flow = not value or (all(_scalar(v) for v in value) and _short(value))
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(list, _represent_list)


def escape(value: Any) -> Any:
    """Every ``${`` as ``$${``, in keys and values, so interpolation leaves the text as it was
    (placeholders for credentials are already escaped)."""
    from cioctl.importer.secrets import Placeholdered

    if isinstance(value, Placeholdered):
        return str(value)
    if isinstance(value, str):
        return value.replace("${", "$${")
    if isinstance(value, dict):
        return {escape(k): escape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [escape(v) for v in value]
    return value


def dump(value: Any) -> str:
    """YAML text of plain data, in cioctl's house style."""
    return yaml.dump(escape(value), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     width=100, default_flow_style=False)


def _comment(text: str, indent: str = "") -> list[str]:
    return [f"{indent}# {line}".rstrip() for line in text.splitlines()]


def _entry_text(entry: Entry) -> list[str]:
    lines = [c for text in entry.comments for c in _comment(text, "  ")]
    if entry.data is None:
        return lines
    item = [f"  {line}" for line in dump([entry.data]).splitlines()]
    if entry.type_note:
        index = next((i for i, line in enumerate(item) if re.match(r"^\s+type: \w+$", line)), 0)
        item[index] += f"  # {entry.type_note}"
    return lines + item


def document_text(document: Document, schema: str, source: str) -> str:
    """One ``imported/<kind>.yaml`` file."""
    plural = KINDS[document.kind].plural
    lines = [f"# yaml-language-server: $schema={schema}", f"# Imported by cioctl from {source}."]
    if document.kind in HEADERS:
        lines += _comment(HEADERS[document.kind])
    if document.unreadable is not None:
        lines += _comment(f"{plural}: not imported — {document.unreadable}")
        lines += _comment("Run cioctl import again with that credential before planning with "
                          f"it: with no {plural} here, such a plan would delete the ones "
                          "cioctl manages.")
    lines.append(f"{plural}:")
    if document.unreadable is None and not document.entries:
        lines += _comment(f"the workspace has no {plural}", "  ")
    for entry in document.entries:
        lines += _entry_text(entry)
    return "\n".join(lines) + "\n"


def targets(out_dir: Path) -> list[Path]:
    """The files an import writes under ``out_dir/imported``."""
    return [out_dir / IMPORTED_DIR / name for name in FILES.values()]


def check_overwrite(out_dir: Path, force: bool) -> None:
    """Refuse to replace earlier imported files unless ``force``."""
    existing = [p for p in targets(out_dir) if p.exists()]
    if existing and not force:
        raise ConfigError(
            f"{len(existing)} imported file(s) already exist, e.g. {existing[0]}",
            hint="pass --force to overwrite them, or import into another folder with -o DIR")


def write_documents(imported: Imported, out_dir: Path, source: str) -> list[Path]:
    """Write every kind's file (and the editor schemas when absent); return the files."""
    from cioctl.schemas import generate_schemas

    folder = out_dir / IMPORTED_DIR
    folder.mkdir(parents=True, exist_ok=True)
    schema_dir = out_dir / SCHEMA_DIR
    if not schema_dir.exists():
        schema_dir.mkdir(parents=True)
        for name, text in generate_schemas().items():
            (schema_dir / name).write_text(text, encoding="utf-8")
    written: list[Path] = []
    for kind, document in imported.documents.items():
        path = folder / FILES[kind]
        path.write_text(document_text(document, f"../{SCHEMA_DIR}/definitions.schema.json",
                                      source), encoding="utf-8")
        written.append(path)
    return written


def workspace_yaml(source_text: str, env_name: str) -> str:
    """A ``workspace.yaml`` with only the imported environment, credentials as references.

    Variables are left out: imported definitions hold the live text, not ``${var...}``.
    """
    raw = yaml.safe_load(source_text) or {}
    environments = raw.get("environments") or {}
    env = dict(environments.get(env_name) or {"backend": "embedded"})
    env.pop("variables", None)
    credentials = env.get("credentials")
    if isinstance(credentials, dict):
        env["credentials"] = {k: v for k, v in credentials.items()
                              if isinstance(v, str) and re.fullmatch(ENV_REFERENCE, v)}
    body: dict[str, Any] = {"workspace": raw.get("workspace", "imported")}
    if raw.get("description"):
        body["description"] = raw["description"]
    body["environments"] = {env_name: env}
    return f"# yaml-language-server: $schema={SCHEMA_DIR}/workspace.schema.json\n" + \
        yaml.dump(body, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
