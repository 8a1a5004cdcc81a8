"""Markdown helpers shared by every renderer that writes tables (plans, events, scenarios)."""

from __future__ import annotations


def cell(text: str) -> str:
    """``text`` fit for one Markdown table cell: pipes escaped, line breaks flattened."""
    return text.replace("|", "\\|").replace("\n", " ")
