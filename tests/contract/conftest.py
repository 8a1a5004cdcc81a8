"""The CLI fixture, shared with tests/cli."""

from tests.cli.conftest import cli

__all__ = ["cli"]
