"""The registry derives every kind list; the Address type names a resource one way."""

from __future__ import annotations

import pytest

from cioctl.errors import CioctlError
from cioctl.kinds.address import Address
from cioctl.kinds.operations import OPERATIONS
from cioctl.kinds.registry import KINDS, LEDGER_KINDS, Kind, Surface, credential_of, kinds_on


def test_ledger_kinds_are_the_untagged_kinds() -> None:
    # Segments and flows carry an ownership tag; everything else is recorded in the ledger.
    assert {Kind.ATTRIBUTE, Kind.EVENT, Kind.SNIPPET, Kind.COLLECTION,
                            Kind.REPORTING_WEBHOOK} == LEDGER_KINDS
    assert all(not KINDS[k].tagged for k in LEDGER_KINDS)


def test_every_kind_has_its_module_and_credential() -> None:
    assert set(OPERATIONS) == set(Kind)
    assert credential_of(Kind.SEGMENT) == "service_account"
    assert credential_of(Kind.SNIPPET) == "app_api_key"
    assert kinds_on(Surface.JOURNEYS) == (Kind.SEGMENT, Kind.FLOW)


def test_address_round_trips_and_orders_like_kind_then_key() -> None:
    address = Address.parse("segment:vip")
    assert address == Address(Kind.SEGMENT, "vip")
    assert str(address) == "segment:vip"
    assert Address.parse("flow:a:b").key == "a:b"  # only the first colon separates
    assert sorted([Address(Kind.SEGMENT, "b"), Address(Kind.ATTRIBUTE, "z")])[0].kind \
        is Kind.ATTRIBUTE


@pytest.mark.parametrize(("text", "says"), [
    ("segment", "not an address"), ("segment:", "not an address"),
    ("widget:x", "unknown kind 'widget'")])
def test_address_parse_refuses_with_a_hint(text: str, says: str) -> None:
    with pytest.raises(CioctlError) as caught:
        Address.parse(text)
    assert says in caught.value.message
    assert caught.value.hint
