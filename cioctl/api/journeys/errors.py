"""Errors of the Journeys codecs."""

from __future__ import annotations

from cioctl.errors import CioctlError


class SegmentWireError(CioctlError):
    """Segment conditions read from the service that the definitions cannot say exactly."""

    def __init__(self, message: str) -> None:
        super().__init__(
            f"segment conditions from Customer.io: {message}",
            hint="edit the segment in Customer.io into a form cioctl can express "
            "(docs/journeys-wire.md), or manage it as manual: true",
        )


class CampaignWireError(CioctlError):
    """A campaign read from the service that the definitions cannot say exactly."""

    def __init__(self, message: str) -> None:
        super().__init__(
            f"campaign from Customer.io: {message}",
            hint="edit the campaign in Customer.io into a form cioctl can express "
            "(docs/journeys-wire.md, campaigns), or leave it unmanaged",
        )


class CampaignEncodeError(CioctlError):
    """A flow the campaign routes cannot take as it is (a refusal, an unknown sender, a
    segment without an id yet); the message names the flow path."""
