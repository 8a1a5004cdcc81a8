"""Base URLs per region and API surface.

Two surfaces: the published **App API** (``api.customer.io`` / ``api-eu.customer.io``) and the
**Journeys** management routes (``us.fly.customer.io`` / ``eu.fly.customer.io``). Real regions
are HTTPS only. An environment may instead set one ``endpoint`` override — a loopback
``http://`` URL (127.0.0.0/8, ``localhost``, ``[::1]``) of a served emulator, which answers both
surfaces on one origin.
"""

from __future__ import annotations

import enum
import ipaddress
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from cioctl.errors import ConfigError

Region = Literal["us", "eu"]


class Surface(enum.StrEnum):
    """Which Customer.io API a request goes to (and so which credential it needs)."""

    APP = "app"
    JOURNEYS = "journeys"


_REGIONS: dict[str, tuple[str, str]] = {
    "us": ("https://api.customer.io", "https://us.fly.customer.io"),
    "eu": ("https://api-eu.customer.io", "https://eu.fly.customer.io"),
}


@dataclass(frozen=True, slots=True)
class Endpoints:
    """The base URL (scheme + host [+ port], no trailing slash) of each surface."""

    app: str
    journeys: str

    def base(self, surface: Surface) -> str:
        """Base URL for ``surface``."""
        return self.app if surface is Surface.APP else self.journeys

    @property
    def is_loopback(self) -> bool:
        """True when both surfaces point at a local emulator."""
        return _is_loopback_host(urlsplit(self.app).hostname or "")


def for_region(region: str) -> Endpoints:
    """The real Customer.io endpoints of ``region`` (``us`` or ``eu``)."""
    try:
        app, journeys = _REGIONS[region]
    except KeyError:
        raise ConfigError(
            f"unknown region {region!r}", hint="set region to 'us' or 'eu'"
        ) from None
    return Endpoints(app=app, journeys=journeys)


def for_override(endpoint: str) -> Endpoints:
    """Endpoints for a loopback emulator URL, used for both surfaces."""
    base = _check_loopback(endpoint)
    return Endpoints(app=base, journeys=base)


def resolve(region: str | None = None, endpoint: str | None = None) -> Endpoints:
    """Endpoints from an environment's ``region`` or ``endpoint`` override (override wins)."""
    if endpoint is not None:
        return for_override(endpoint)
    if region is None:
        raise ConfigError(
            "no region or endpoint configured",
            hint="set region: us|eu, or endpoint: http://127.0.0.1:PORT for an emulator",
        )
    return for_region(region)


_LOOPBACK_HINT = (
    "endpoint must be a loopback http URL such as http://127.0.0.1:8765 "
    "(localhost, 127.0.0.0/8 or [::1]); real regions are chosen with region: us|eu"
)


def _check_loopback(endpoint: str) -> str:
    try:
        parts = urlsplit(endpoint)
        parts.port  # noqa: B018 - validates the port
    except ValueError:
        raise ConfigError(f"invalid endpoint {endpoint!r}", hint=_LOOPBACK_HINT) from None
    if parts.username or parts.password:
        raise ConfigError("endpoint must not carry user:password", hint=_LOOPBACK_HINT)
    if parts.scheme != "http" or not _is_loopback_host(parts.hostname or ""):
        raise ConfigError(f"endpoint {endpoint!r} is not loopback http", hint=_LOOPBACK_HINT)
    if parts.query or parts.fragment:
        raise ConfigError(f"endpoint {endpoint!r} has extra parts", hint=_LOOPBACK_HINT)
    if parts.path.strip("/"):
        raise ConfigError(f"endpoint {endpoint!r} must not have a path", hint=_LOOPBACK_HINT)
    return f"{parts.scheme}://{parts.netloc}"


def _is_loopback_host(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
