"""MODELED, NOT PUBLISHED: every Journeys-route body cioctl sends or reads.

Customer.io does not publish the request/response bodies of the Journeys management routes
(``/v1/environments/{workspace_id}/...`` on ``us|eu.fly.customer.io``) nor of the
service-account token exchange. The bodies below follow the modeled contract in
``docs/journeys-modeled.md`` (shaped on the App API's documented objects) and must be checked
against the real service (``cioctl doctor``). Nothing else in :mod:`cioctl.api` builds or parses
a Journeys body; the wire modules (``segments``, ``campaigns``, ``data_index``, ``workspace``)
call into this one, so a correction lands in one place.

The module is a package only to stay readable: ``common`` (paths, shared types, the token
exchange), ``builders`` (conditions, triggers, goals, workflow steps, and their construction
from cioctl's canonical form), ``objects`` (segments, campaigns, the environment) and
``data_index`` (event names and attributes, evidence §6). Import it as one:
``from cioctl.api import journeys_modeled as jm``.
"""

from cioctl.api.journeys_modeled.builders import (
    SegmentIds,
    all_of,
    any_of,
    attribute,
    attribute_update_step,
    branch_step,
    date_trigger,
    delay_step,
    event,
    event_filter,
    event_goal,
    event_trigger,
    exit_step,
    message_step,
    negate,
    resolve_condition,
    segment_ref,
    segment_trigger,
    trigger_from,
    wait_until_step,
    workflow_from,
)
from cioctl.api.journeys_modeled.common import (
    ACCOUNT_PATH,
    CAMPAIGN_UPDATE_FIELDS,
    SEGMENT_UPDATE_FIELDS,
    TOKEN_PATH,
    Account,
    AttrOp,
    Condition,
    CountOp,
    StepType,
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
from cioctl.api.journeys_modeled.objects import (
    CampaignSpec,
    Environment,
    JourneysCampaign,
    JourneysSegment,
    campaign_create_body,
    campaign_from,
    campaign_update_body,
    parse_campaign,
    parse_campaign_body,
    parse_environment,
    parse_segment,
    parse_segment_body,
    segment_create_body,
    segment_update_body,
)

__all__ = [
    "ACCOUNT_PATH",
    "CAMPAIGN_UPDATE_FIELDS",
    "SEGMENT_UPDATE_FIELDS",
    "TOKEN_PATH",
    "Account",
    "AttrOp",
    "AttributeInfo",
    "CampaignSpec",
    "Condition",
    "CountOp",
    "Environment",
    "EventInfo",
    "JourneysCampaign",
    "JourneysSegment",
    "SegmentIds",
    "StepType",
    "TokenGrant",
    "all_of",
    "any_of",
    "attribute",
    "attribute_update_step",
    "branch_step",
    "campaign_create_body",
    "campaign_from",
    "campaign_update_body",
    "date_trigger",
    "delay_step",
    "env_path",
    "event",
    "event_filter",
    "event_goal",
    "event_name_items",
    "event_trigger",
    "exit_step",
    "message_step",
    "negate",
    "parse_account",
    "parse_attributes",
    "parse_campaign",
    "parse_campaign_body",
    "parse_environment",
    "parse_events",
    "parse_segment",
    "parse_segment_body",
    "parse_token",
    "resolve_condition",
    "segment_create_body",
    "segment_ref",
    "segment_trigger",
    "segment_update_body",
    "token_request_form",
    "trigger_from",
    "wait_until_step",
    "workflow_from",
]
