"""Loading a vendor OpenAPI document from a file or a URL, with a per-URL ETag cache.

A URL is fetched with ``httpx`` (the transport is injectable: tests pass an
``httpx.MockTransport``, nothing here reaches the network on its own). Each URL's last good
copy is kept under the cache directory with its ``ETag``; the next fetch sends
``If-None-Match`` and a ``304`` reuses the copy without downloading the document again (the
Journeys one is large). When the fetch fails (no network, 5xx, a body that is not an OpenAPI
document) and a cached copy exists, that copy is used and the failure becomes a warning: an
offline preflight is still a preflight, against the last document seen.

Cache directory: ``$CIOCTL_CONTRACT_CACHE`` if set, else ``$XDG_CACHE_HOME/cioctl/contracts``,
else ``~/.cache/cioctl/contracts``.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from cioctl.errors import CioctlError, ConfigError

JOURNEYS_URL = "https://us.fly.customer.io/v1/openapi.json"
APP_URL = "https://docs.customer.io/files/journeys-app.json"
ALIASES = {"journeys": JOURNEYS_URL, "app": APP_URL}
CACHE_ENV = "CIOCTL_CONTRACT_CACHE"
TIMEOUT = 30.0


class ContractUnavailableError(CioctlError):
    """The document could not be read, fetched or parsed, and no cached copy exists."""


@dataclass(frozen=True, slots=True)
class ContractDocument:
    """One loaded OpenAPI document and where it came from."""

    source: str
    raw: dict[str, Any]
    etag: str | None = None
    from_cache: bool = False
    warning: str | None = None

    @property
    def partial(self) -> bool:
        """The document says it is an excerpt (``x-partial: true``, or "partial" in its
        title or description): a route missing from it proves nothing."""
        info = self.raw.get("info")
        info = info if isinstance(info, dict) else {}
        text = f"{info.get('title', '')} {info.get('description', '')}".lower()
        return self.raw.get("x-partial") is True or "partial" in text


def cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where fetched documents are kept."""
    env = os.environ if environ is None else environ
    if env.get(CACHE_ENV):
        return Path(env[CACHE_ENV])
    base = Path(env["XDG_CACHE_HOME"]) if env.get("XDG_CACHE_HOME") else Path.home() / ".cache"
    return base / "cioctl" / "contracts"


def is_url(source: str) -> bool:
    """Whether ``source`` names a URL (or an alias of one) rather than a file."""
    return source in ALIASES or source.startswith(("http://", "https://"))


def load_contract(
    source: str,
    *,
    cache: Path | None = None,
    transport: httpx.BaseTransport | None = None,
) -> ContractDocument:
    """The document at ``source``: a file path, a URL, or ``journeys`` / ``app``."""
    if not is_url(source):
        return ContractDocument(source, _parse(_read_file(Path(source)), source))
    return _fetch(ALIASES.get(source, source), cache or cache_dir(), transport)


def _read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read the contract document {path}: {exc.strerror or exc}",
                          hint="pass an OpenAPI JSON file or an https:// URL") from None


def _parse(content: bytes, source: str) -> dict[str, Any]:
    try:
        document = json.loads(content)
    except ValueError as exc:
        raise ContractUnavailableError(f"{source} is not JSON: {exc}",
                                       hint="pass the vendor's OpenAPI document in JSON") from None
    if not isinstance(document, dict) or not isinstance(document.get("paths"), dict):
        raise ContractUnavailableError(f"{source} is not an OpenAPI document (no 'paths')",
                                       hint="pass the vendor's OpenAPI document in JSON")
    return document


@dataclass(frozen=True, slots=True)
class _Cached:
    body: Path
    meta: Path

    @classmethod
    def of(cls, cache: Path, url: str) -> _Cached:
        # One file pair per URL; the name is a digest so any URL is a safe file name.
        stem = hashlib.sha256(url.encode()).hexdigest()[:24]
        return cls(cache / f"{stem}.json", cache / f"{stem}.meta.json")

    def etag(self) -> str | None:
        try:
            meta = json.loads(self.meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        etag = meta.get("etag") if isinstance(meta, dict) else None
        return etag if isinstance(etag, str) and self.body.exists() else None

    def read(self, url: str) -> dict[str, Any] | None:
        try:
            return _parse(self.body.read_bytes(), url)
        except (OSError, ContractUnavailableError):
            return None

    def write(self, url: str, content: bytes, etag: str | None) -> None:
        """Best effort and atomic (a crash leaves the old copy): a read-only cache only
        costs the next run a download."""
        try:
            self.body.parent.mkdir(parents=True, exist_ok=True)
            for path, data in ((self.body, content),
                               (self.meta, json.dumps({"url": url, "etag": etag}).encode())):
                tmp = path.with_suffix(".tmp")
                tmp.write_bytes(data)
                tmp.replace(path)
        except OSError:
            return


def _fetch(url: str, cache: Path, transport: httpx.BaseTransport | None) -> ContractDocument:
    cached = _Cached.of(cache, url)
    etag = cached.etag()
    headers = {"accept": "application/json"} | ({"if-none-match": etag} if etag else {})
    try:
        with httpx.Client(transport=transport, timeout=TIMEOUT, follow_redirects=True) as client:
            response = client.get(url, headers=headers)
        if response.status_code == 304 and etag is not None:
            document = cached.read(url)
            if document is not None:
                return ContractDocument(url, document, etag, from_cache=True)
            raise ContractUnavailableError(f"{url}: 304 but the cached copy is unreadable")
        if response.status_code != 200:
            raise ContractUnavailableError(f"{url} answered HTTP {response.status_code}")
        document = _parse(response.content, url)
    except (httpx.HTTPError, ContractUnavailableError) as exc:
        return _fallback(url, cached, _reason(exc))
    new_etag = response.headers.get("etag")
    cached.write(url, response.content, new_etag)
    return ContractDocument(url, document, new_etag)


def _reason(exc: Exception) -> str:
    if isinstance(exc, CioctlError):
        return exc.message
    return f"could not fetch it: {exc or type(exc).__name__}"


def _fallback(url: str, cached: _Cached, reason: str) -> ContractDocument:
    document = cached.read(url)
    if document is None:
        raise ContractUnavailableError(
            f"the contract document {url} is unavailable ({reason}) and there is no cached copy",
            hint="check the network, or pass a saved copy: --contract FILE")
    return ContractDocument(url, document, cached.etag(), from_cache=True,
                            warning=f"{url}: {reason}; using the cached copy")
