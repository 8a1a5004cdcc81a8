"""cioctl's Customer.io API client: HTTP, auth, retry, rate limit, and wire mapping per kind.

Build a client with :func:`cioctl.api.http.ApiClient` (or :func:`connect`), then call the wire
modules (``segments``, ``campaigns``, ``snippets``, ``collections``, ``reporting_webhooks``,
``data_index``, ``workspace``) with it.
"""

from cioctl.api.endpoints import Endpoints, Surface
from cioctl.api.http import ApiClient, Credentials, RequestStats
from cioctl.api.ratelimit import RateLimiter
from cioctl.api.retry import RetryPolicy
from cioctl.api.secret import Secret

__all__ = [
    "ApiClient",
    "Credentials",
    "Endpoints",
    "RateLimiter",
    "RequestStats",
    "RetryPolicy",
    "Secret",
    "Surface",
]
