"""What remains of the modeled Journeys contract that is still true: the service-account token
exchange, the account, the environment object and the data-index reads (evidence §6).

Segments and campaigns (flows) follow the evidence page instead: their codecs are
:mod:`cioctl.api.journeys` (docs/journeys-wire.md), which superseded docs/journeys-modeled.md.
Import it as one: ``from cioctl.api import journeys_modeled as jm``.
"""

from cioctl.api.journeys_modeled.common import (
    ACCOUNT_PATH,
    MAX_CONDITION_DEPTH,
    TOKEN_PATH,
    Account,
    TokenGrant,
    env_path,
    parse_account,
    parse_token,
    token_request_form,
)
from cioctl.api.journeys_modeled.data_index import (
    AttributeInfo,
    EventInfo,
    event_name_items,
    parse_attributes,
    parse_events,
)
from cioctl.api.journeys_modeled.objects import Environment, parse_environment

__all__ = [
    "ACCOUNT_PATH",
    "MAX_CONDITION_DEPTH",
    "TOKEN_PATH",
    "Account",
    "AttributeInfo",
    "Environment",
    "EventInfo",
    "TokenGrant",
    "env_path",
    "event_name_items",
    "parse_account",
    "parse_attributes",
    "parse_environment",
    "parse_events",
    "parse_token",
    "token_request_form",
]
