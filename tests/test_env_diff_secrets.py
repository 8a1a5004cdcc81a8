"""``cioctl diff`` and ``promote`` print a comparison of two environments (a PR comment, an
artifact): secrets never show in it, and each side's values stand under that side's name."""

from __future__ import annotations

from pathlib import Path

from cioctl.compare import compare, hide_secrets
from cioctl.pipeline import validate_workspace
from cioctl.render.env_diff import (
    render_env_diff_json,
    render_env_diff_markdown,
    render_env_diff_text,
)
from cioctl.state.desired import desired_resources

OLD, NEW = "OLDcanary-tok-1111", "NEWcanary-tok-2222"


def _with_secret_webhook(root: Path) -> None:
    flow = root / "flows" / "winback.yaml"
    text = flow.read_text(encoding="utf-8")
    text = text.replace("url: https://crm.acme.test/hooks/winback",
                        "url: https://crm.acme.test/hooks/winback?token=${env:CRM_TOKEN}&x=1")
    text = text.replace("headers: {Content-Type: application/json}",
                        "headers: {Content-Type: application/json, "
                        "Authorization: 'Bearer ${env:CRM_TOKEN}'}")
    flow.write_text(text, encoding="utf-8")


def test_rotated_secret_is_masked_and_sides_keep_their_columns(example_copy: Path) -> None:
    _with_secret_webhook(example_copy)
    stale = validate_workspace(example_copy, "local", {"CRM_TOKEN": OLD}).workspace
    current = validate_workspace(example_copy, "local", {"CRM_TOKEN": NEW}).workspace
    assert stale is not None and current is not None
    wanted = desired_resources(current)
    # "source" holds what an environment still runs after the token rotated (its live state)
    source = hide_secrets(desired_resources(stale), wanted, current.env_values)
    target = hide_secrets(wanted, wanted, current.env_values)
    result = compare("source", source, "target", target)
    paths = {f.path: f for d in result.differences for f in d.fields}
    # a stale secret still differs (the webhook after the branch is in its else path: the
    # campaign codec's one spelling per graph)
    assert "steps[3].branch.else[1].webhook.headers.Authorization" in paths
    for text in (render_env_diff_text(result), render_env_diff_markdown(result),
                 render_env_diff_json(result)):
        assert OLD not in text and NEW not in text and "canary" not in text, text


def test_each_side_s_values_are_under_its_name(example_copy: Path) -> None:
    first = validate_workspace(example_copy, "local", {}).workspace
    assert first is not None
    flow = example_copy / "flows" / "winback.yaml"
    flow.write_text(flow.read_text(encoding="utf-8").replace(
        "method: post", "method: put", 1), encoding="utf-8")
    second = validate_workspace(example_copy, "local", {}).workspace
    assert second is not None
    result = compare("staging", desired_resources(first), "production",
                     desired_resources(second))
    (field,) = [f for d in result.differences for f in d.fields if f.path.endswith("method")]
    assert (field.before, field.after) == ("post", "put")
    markdown = render_env_diff_markdown(result)
    assert "| staging | production |" in markdown
    assert any(line.endswith('`"post"` | `"put"` |') for line in markdown.splitlines())
