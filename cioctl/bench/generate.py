"""Generate workspace L (design.md §11) — or a scaled copy — as YAML files in a folder.

5,000 attributes, 2,000 events with 5 properties each, 1,000 segments (a third referencing
other segments), 300 flows of 10 steps and 200 snippets, split over several files like a real
team would. Everything generated is valid, so validate exercises the whole pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

WORKSPACE_YAML = """\
workspace: bench-l
variables: {sender: "Bench <bench@example.test>"}
environments:
  local: {backend: embedded}
"""
TYPES = ("string", "integer", "number", "boolean", "timestamp")


@dataclass(frozen=True)
class Size:
    """How many definitions of each kind."""

    attributes: int = 5000
    events: int = 2000
    segments: int = 1000
    flows: int = 300
    snippets: int = 200

    def scaled(self, factor: float) -> Size:
        """A proportionally smaller (or larger) workspace; at least one of each."""
        return Size(*(max(1, int(n * factor)) for n in (
            self.attributes, self.events, self.segments, self.flows, self.snippets)))


def _chunks(count: int, per_file: int) -> list[range]:
    return [range(i, min(i + per_file, count)) for i in range(0, count, per_file)]


def _attributes(ids: range) -> str:
    lines = ["attributes:"]
    for i in ids:
        kind = TYPES[i % len(TYPES)]
        lines.append(f"  - {{name: attr_{i}, type: {kind}, description: Attribute {i}}}")
    return "\n".join(lines) + "\n"


def _events(ids: range) -> str:
    lines = ["events:"]
    for i in ids:
        lines += [f"  - name: event_{i}", f"    description: Event number {i}", "    properties:"]
        lines += [f"      prop_{p}: {{type: {TYPES[p % 4]}}}" for p in range(5)]
    return "\n".join(lines) + "\n"


def _segment(i: int, size: Size) -> list[str]:
    head = [f"  - name: Segment {i}", f"    description: Generated segment {i}"]
    attr = (i * 5) % size.attributes  # a string attribute (TYPES[0])
    if i % 3 == 1 and i > 0:
        return [*head, "    conditions:", "      all:",
                f"        - {{segment: segment_{i - 1}}}",
                f"        - {{attribute: attr_{attr}, operator: exists}}"]
    event = i % size.events
    return [*head, "    conditions:", "      any:",
            f"        - {{attribute: attr_{attr}, operator: eq, value: v{i}}}",
            f"        - {{event: event_{event}, at_least: 2, within: 30d, where: "
            f"[{{property: prop_0, operator: eq, value: x}}]}}"]


def _segments(ids: range, size: Size) -> str:
    lines = ["segments:"]
    for i in ids:
        lines += _segment(i, size)
    return "\n".join(lines) + "\n"


def _flow(i: int, size: Size) -> list[str]:
    event = i % size.events
    snippet = i % size.snippets
    lines = [f"  - name: Flow {i}", f"    trigger: {{event: event_{event}}}",
             f"    goal: {{event: event_{(i + 1) % size.events}, within: 7d}}", "    steps:"]
    for s in range(5):
        lines += [f"      - wait: {s + 1}h", "      - email:", f"          id: msg_{s}",
                  "          from: ${var.sender}",
                  f"          subject: \"Step {s} of flow {i} for {{{{ customer.attr_0 }}}}\"",
                  f"          body: \"<p>Flow {i}: {{{{ event.prop_0 }}}} "
                  f"{{{{ snippets.snippet_{snippet} }}}}</p>\""]
    return lines


def _flows(ids: range, size: Size) -> str:
    lines = ["flows:"]
    for i in ids:
        lines += _flow(i, size)
    return "\n".join(lines) + "\n"


def _snippets(ids: range) -> str:
    lines = ["snippets:"]
    lines += [f"  - {{name: snippet_{i}, value: \"Snippet {i} for {{{{ customer.attr_0 }}}}\"}}"
              for i in ids]
    return "\n".join(lines) + "\n"


def generate_workspace(root: Path, size: Size | None = None) -> Path:
    """Write the workspace into ``root`` (created) and return it."""
    size = size or Size()
    root.mkdir(parents=True, exist_ok=True)
    (root / "workspace.yaml").write_text(WORKSPACE_YAML, encoding="utf-8")
    files: dict[str, str] = {}
    for n, ids in enumerate(_chunks(size.attributes, 500)):
        files[f"data/attributes_{n:02}.yaml"] = _attributes(ids)
    for n, ids in enumerate(_chunks(size.events, 200)):
        files[f"data/events_{n:02}.yaml"] = _events(ids)
    for n, ids in enumerate(_chunks(size.segments, 100)):
        files[f"segments/segments_{n:02}.yaml"] = _segments(ids, size)
    for n, ids in enumerate(_chunks(size.flows, 30)):
        files[f"flows/flows_{n:02}.yaml"] = _flows(ids, size)
    files["content/snippets.yaml"] = _snippets(range(size.snippets))
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
