"""``cioctl show``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cioctl.cli.options import PlanFormat, PlanFormatOption


def show(
    plan_file: Annotated[Path, typer.Argument(help="A plan saved with 'cioctl plan --out'.")],
    output: PlanFormatOption = PlanFormat.TEXT,
) -> None:
    """Render a saved plan (text, markdown or json) without contacting Customer.io."""
    from cioctl.cli.plan_support import emit
    from cioctl.plan.value import load_plan

    emit(load_plan(plan_file), output)
