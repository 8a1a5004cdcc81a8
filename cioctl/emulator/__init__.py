"""The embedded workspace: an emulator of Customer.io's App API and the modeled Journeys routes.

It is Customer.io's stand-in, so it shares no code with cioctl's client, models or wire mapping;
it is written from Customer.io's App API reference (its OpenAPI excerpt is copied in
``tests/fixtures/contracts/``) and ``docs/journeys-modeled.md``.
"""

from cioctl.emulator.app import create_app
from cioctl.emulator.context import LOCAL_APP_API_KEY, LOCAL_SERVICE_ACCOUNT
from cioctl.emulator.faults import FAULTS_HELP, DroppedConnection, FaultSpec, FaultSpecError
from cioctl.emulator.serve import running_emulator, serve
from cioctl.emulator.store import reset

__all__ = [
    "FAULTS_HELP",
    "LOCAL_APP_API_KEY",
    "LOCAL_SERVICE_ACCOUNT",
    "DroppedConnection",
    "FaultSpec",
    "FaultSpecError",
    "create_app",
    "reset",
    "running_emulator",
    "serve",
]
