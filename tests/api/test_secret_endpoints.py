from __future__ import annotations

import pickle

import pytest

from cioctl.api import endpoints
from cioctl.api.endpoints import Surface
from cioctl.api.secret import Secret, scrub
from cioctl.errors import ConfigError

CANARY = "canary-app-key-XYZ123"


def test_secret_masks_everywhere() -> None:
    secret = Secret(CANARY)
    texts = [repr(secret), str(secret), f"{secret}", f"{secret:>30}", format(secret, "")]
    for text in [*texts, "%s" % (secret,)]:  # noqa: UP031
        assert CANARY not in text
        assert "***" in text
    assert str(secret) == "***23"
    assert secret.reveal() == CANARY


def test_short_secret_shows_no_tail() -> None:
    assert str(Secret("abc12")) == "***"


def test_secret_equality_and_no_pickle() -> None:
    assert Secret("a-long-secret-1") == Secret("a-long-secret-1")
    assert Secret("a-long-secret-1") != Secret("a-long-secret-2")
    with pytest.raises(TypeError):
        pickle.dumps(Secret(CANARY))


def test_scrub_replaces_values() -> None:
    assert CANARY not in scrub(f"bad key {CANARY}!", [Secret(CANARY), None])


def test_region_endpoints() -> None:
    us, eu = endpoints.for_region("us"), endpoints.for_region("eu")
    assert us.base(Surface.APP) == "https://api.customer.io"
    assert us.base(Surface.JOURNEYS) == "https://us.fly.customer.io"
    assert eu.app == "https://api-eu.customer.io"
    assert eu.journeys == "https://eu.fly.customer.io"


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8765", "http://localhost:1/", "http://[::1]:9000", "http://127.3.4.5"]
)
def test_loopback_override_serves_both_surfaces(url: str) -> None:
    ep = endpoints.resolve(region="us", endpoint=url)
    assert ep.app == ep.journeys == url.rstrip("/")
    assert ep.is_loopback


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1:8765",
        "http://10.0.0.1:80",
        "http://api.customer.io",
        "http://127.0.0.1:8765/v1",
        "http://user:pw@127.0.0.1:1",
        "ftp://localhost",
        "http://127.0.0.1:notaport",
    ],
)
def test_bad_override_is_config_error_with_hint(url: str) -> None:
    with pytest.raises(ConfigError) as info:
        endpoints.resolve(endpoint=url)
    assert info.value.hint and "loopback" in info.value.hint


def test_unknown_region_and_missing_config() -> None:
    with pytest.raises(ConfigError, match="unknown region"):
        endpoints.resolve(region="ap")
    with pytest.raises(ConfigError):
        endpoints.resolve()
