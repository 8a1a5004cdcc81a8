"""``apply --contract off|warn|strict``: the option, ready for ``apply`` to take.

Wired: apply passes it to :func:`cioctl.engine.execute_plan`, which calls
:func:`cioctl.contract.preflight.apply_preflight` in :func:`cioctl.engine.execute_plan`, right
after ``preflight(plan, workspace, live)`` and before ``run_changes``. Without the option
(``None``) the mode is :func:`cioctl.contract.preflight.default_mode` of the environment.
"""

from __future__ import annotations

from typing import Annotated

import typer

from cioctl.contract.mode import ContractMode

ContractModeOption = Annotated[
    ContractMode | None,
    typer.Option("--contract", case_sensitive=False,
                 help="Check every request body against Customer.io's published OpenAPI "
                 "documents before the first write: strict refuses on disagreement, warn "
                 "reports and goes on [default: strict for a real region, off for the "
                 "embedded workspace and a served emulator]."),
]
