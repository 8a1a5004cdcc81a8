"""The embedded workspace: an emulator of Customer.io's App API and the Journeys routes.

It is Customer.io's stand-in, so it shares no code with cioctl's client, models or wire mapping;
it is written from the App API reference and, for the Journeys routes, ``docs/journeys-wire.md``
(the evidence on the live service and the decisions where it is silent).
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
