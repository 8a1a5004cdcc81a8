"""The ``cli`` fixture: run cioctl in process through the real boundary, capturing both streams."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

from cioctl.cli import app
from cioctl.cli.boundary import run_cli

Cli = Callable[..., tuple[int, str]]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    """``cli(*args, env={...})`` → (exit code, stdout + stderr); ``env`` replaces os.environ."""

    def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
        if env is not None:
            for name in [n for n in os.environ if n.startswith("CIO_")]:
                monkeypatch.delenv(name)
            for name, value in env.items():
                monkeypatch.setenv(name, value)
        monkeypatch.setenv("NO_COLOR", "1")
        monkeypatch.setenv("COLUMNS", "100")
        capsys.readouterr()
        code = run_cli(lambda: app(list(args), prog_name="cioctl"), False)
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    return invoke
