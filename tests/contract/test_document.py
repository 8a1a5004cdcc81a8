"""Loading contract documents: files, URLs through a real httpx transport, the ETag cache."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from cioctl.contract import JOURNEYS_URL, load_contract
from cioctl.contract.document import ContractUnavailableError, cache_dir
from cioctl.errors import CioctlError
from tests.contract.journeys_document import DOCUMENT

URL = "https://docs.example.test/openapi.json"


class Vendor:
    """A vendor server behind ``httpx.MockTransport``: answers with an ETag, honours
    ``If-None-Match``, and can be taken down."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.etag = '"v1"'
        self.down = False
        self.status = 200

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.down:
            raise httpx.ConnectError("network unreachable", request=request)
        if request.headers.get("if-none-match") == self.etag:
            return httpx.Response(304)
        return httpx.Response(self.status, json=DOCUMENT, headers={"etag": self.etag})

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


def test_a_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(DOCUMENT))
    document = load_contract(str(path))
    assert document.raw == DOCUMENT and not document.partial and document.etag is None


@pytest.mark.parametrize("text", ["not json", "[1, 2]", '{"openapi": "3.0.0"}'])
def test_a_file_that_is_no_openapi_document_is_a_clean_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "doc.json"
    path.write_text(text)
    with pytest.raises(CioctlError) as caught:
        load_contract(str(path))
    assert "doc.json" in caught.value.message and caught.value.hint


def test_a_missing_file_is_a_clean_error(tmp_path: Path) -> None:
    with pytest.raises(CioctlError, match="cannot read"):
        load_contract(str(tmp_path / "absent.json"))


def test_the_etag_revalidates_the_cached_copy(tmp_path: Path) -> None:
    vendor = Vendor()
    first = load_contract(URL, cache=tmp_path, transport=vendor.transport)
    assert (first.raw, first.etag, first.from_cache) == (DOCUMENT, '"v1"', False)
    assert "if-none-match" not in vendor.requests[0].headers

    second = load_contract(URL, cache=tmp_path, transport=vendor.transport)
    assert vendor.requests[1].headers["if-none-match"] == '"v1"'
    assert (second.raw, second.from_cache, second.warning) == (DOCUMENT, True, None)

    vendor.etag = '"v2"'  # the vendor published a new version: downloaded and cached again
    third = load_contract(URL, cache=tmp_path, transport=vendor.transport)
    assert (third.etag, third.from_cache) == ('"v2"', False)


def test_the_cache_is_per_url(tmp_path: Path) -> None:
    vendor = Vendor()
    load_contract(URL, cache=tmp_path, transport=vendor.transport)
    load_contract(URL + "?other", cache=tmp_path, transport=vendor.transport)
    assert "if-none-match" not in vendor.requests[1].headers


@pytest.mark.parametrize("failure", ["down", "500"])
def test_a_failed_fetch_falls_back_to_the_cache_with_a_warning(
    tmp_path: Path, failure: str
) -> None:
    vendor = Vendor()
    load_contract(URL, cache=tmp_path, transport=vendor.transport)
    vendor.etag = '"v2"'
    vendor.down, vendor.status = failure == "down", 500
    document = load_contract(URL, cache=tmp_path, transport=vendor.transport)
    assert document.raw == DOCUMENT and document.from_cache
    assert document.warning is not None and "using the cached copy" in document.warning


def test_a_failed_fetch_without_a_cache_is_a_clean_error(tmp_path: Path) -> None:
    vendor = Vendor()
    vendor.down = True
    with pytest.raises(ContractUnavailableError) as caught:
        load_contract("journeys", cache=tmp_path, transport=vendor.transport)
    assert JOURNEYS_URL in caught.value.message and "--contract FILE" in str(caught.value.hint)
    assert str(vendor.requests[0].url) == JOURNEYS_URL


def test_the_cache_directory(tmp_path: Path) -> None:
    assert cache_dir({"CIOCTL_CONTRACT_CACHE": "/x", "XDG_CACHE_HOME": "/y"}) == Path("/x")
    assert cache_dir({"XDG_CACHE_HOME": "/y"}) == Path("/y/cioctl/contracts")
    assert cache_dir({}) == Path.home() / ".cache/cioctl/contracts"
