"""The Liquid names Customer.io knows: filters and top-level variables.

Sources (read 2026-11): Customer.io's "Liquid syntax list",
https://docs.customer.io/messaging/liquid/tag-list/ (keys, tags and filters; the legacy list,
https://customer.io/docs/liquid-tag-list/, names the "Customer.io Filter" rows), and "Send
messages in users' time zones", https://docs.customer.io/journeys/timezone-match (the
``timezone`` filter). The standard filters are python-liquid's own set (Shopify Liquid 5) plus
the few newer Shopify ones it lacks. The lists err on the side of accepting: a filter missing
here would be a false error that blocks a valid workspace, while the point of the check is to
catch typos such as ``defualt`` and filters from other products such as ``shout``.
"""

from __future__ import annotations

from functools import cache

# Standard Liquid filters newer than python-liquid 1.13's built-in set.
_NEWER_STANDARD = frozenset({"find", "find_index", "has", "reject"})

# Customer.io's own filters (dates, numbers, encodings, hashing, JSON).
CUSTOMERIO_FILTERS = frozenset({
    "timezone", "currency", "format_date", "format_number", "number_with_delimiter",
    "add_day", "add_days", "add_hour", "add_hours", "add_minute", "add_minutes",
    "add_month", "add_months", "add_week", "add_weeks", "add_year", "add_years",
    "subtract_day", "subtract_days", "subtract_hour", "subtract_hours", "subtract_month",
    "subtract_months", "subtract_week", "subtract_weeks", "subtract_year", "subtract_years",
    "md5", "sha1", "sha256", "hmac_sha1", "hmac_sha256", "encode_base64", "decode_base64",
    "url_param_escape", "url_escape", "uri_escape", "cgi_escape", "json", "to_json",
    "pluralize", "titlecase", "slugify", "to_integer", "to_number", "to_string",
    "push", "pop", "shift", "unshift", "group_by", "sort_by", "index",
})

# Top-level Liquid variables Customer.io fills in; any other top-level name a template reads
# is a collection (``{{ plans }}``, ``{% for p in plans %}``) and must be declared.
CUSTOMERIO_ROOTS = frozenset({
    "customer", "event", "trigger", "snippets", "collections", "campaign", "broadcast",
    "newsletter", "message", "layout", "content", "delivery", "journey", "action",
    "event_timestamp", "event_id", "event_name", "objects", "object", "relationship",
    "workspace", "now", "today", "forloop", "tablerowloop",
})


@cache
def known_filters() -> frozenset[str]:
    """Every filter name a Customer.io template may use."""
    from liquid import Environment

    return frozenset(Environment().filters) | _NEWER_STANDARD | CUSTOMERIO_FILTERS
