from __future__ import annotations

import time
from pathlib import Path

import pytest

from cioctl.definitions.located import LocatedDict, LocatedList, locate_path
from cioctl.definitions.yaml_loader import MAX_DEPTH, load_yaml, read_text
from cioctl.errors import DefinitionError

F = Path("defs.yaml")


def test_keys_and_items_keep_their_lines() -> None:
    data = load_yaml(F, "segments:\n  - name: A\n    conditions:\n      attribute: plan\n")
    assert isinstance(data, LocatedDict)
    segments = data["segments"]
    assert isinstance(segments, LocatedList)
    assert segments.item_locs[0].line == 2
    loc, value = locate_path(data, ("segments", 0, "conditions", "attribute"))
    assert loc is not None and (loc.line, loc.col) == (4, 7)
    assert value == "plan"


def test_scalars_are_typed_like_yaml_1_1_core() -> None:
    data = load_yaml(F, "a: 1\nb: 1.5\nc: true\nd: null\ne: '1'\nf: 0x10\ng: ~\n")
    assert data == {"a": 1, "b": 1.5, "c": True, "d": None, "e": "1", "f": 16, "g": None}


def test_duplicate_key_names_both_lines() -> None:
    with pytest.raises(DefinitionError) as err:
        load_yaml(F, "a: 1\nb: 2\na: 3\n")
    assert err.value.location is not None and err.value.location.line == 3
    assert "first written at line 1" in err.value.message


def test_syntax_error_has_line_and_column() -> None:
    with pytest.raises(DefinitionError) as err:
        load_yaml(F, "a:\n  - b\n c: [\n")
    assert err.value.location is not None and err.value.location.line >= 3
    assert "YAML syntax error" in err.value.message


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 10)}]")
    started = time.monotonic()
    with pytest.raises(DefinitionError) as err:
        load_yaml(F, "\n".join(lines) + "\n")
    assert "expands to more than" in err.value.message
    assert time.monotonic() - started < 30  # bounded: stops at the node limit, not at 10^10


def test_deep_nesting_is_refused() -> None:
    depth = MAX_DEPTH + 10
    with pytest.raises(DefinitionError) as err:
        load_yaml(F, "a: " + "[" * depth + "]" * depth + "\n")
    assert "nesting deeper" in err.value.message


def test_huge_string_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("a: '" + "x" * (10 * 1024 * 1024) + "'\n", encoding="utf-8")
    with pytest.raises(DefinitionError) as err:
        read_text(path)
    assert "limited to" in err.value.message


def test_large_string_below_file_limit_still_refused() -> None:
    with pytest.raises(DefinitionError) as err:
        load_yaml(F, "a: '" + "x" * (2 * 1024 * 1024) + "'\n")
    assert "characters; the limit" in err.value.message


def test_non_utf8_names_line_and_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("a: ok\nb: caf\xe9\n".encode("latin-1"))
    with pytest.raises(DefinitionError) as err:
        read_text(path)
    assert err.value.location is not None and err.value.location.line == 2
    assert "UTF-8" in err.value.message


def test_merge_keys_are_explained() -> None:
    with pytest.raises(DefinitionError) as err:
        load_yaml(F, "base: &b {x: 1}\nother:\n  <<: *b\n")
    assert "merge keys" in err.value.message


def test_non_string_keys_are_refused() -> None:
    with pytest.raises(DefinitionError):
        load_yaml(F, "? [a, b]\n: 1\n")


def test_empty_document_is_none() -> None:
    assert load_yaml(F, "# only a comment\n") is None
