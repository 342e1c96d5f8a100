"""The one HTTP client paperlens talks to the network with.

Everything remote (arXiv, OpenAlex, Semantic Scholar, Hugging Face) goes through
:class:`Client`, which puts together well-kept libraries:

- ``requests`` + ``requests-cache``: every answer is kept in an on-disk SQLite
  cache (folder: ``cache_dir``, default ``platformdirs.user_cache_dir("paperlens")``),
  so a second run, or an interrupted enrichment run again, is answered from disk.
  ``offline=True`` answers only from the cache and raises :class:`OfflineError`
  naming the URL when an answer is not there. A cache that cannot be used (a
  folder that cannot be made, a corrupted file, a full disk) gives a
  :class:`SourceWarning` and an in-memory cache for the rest of the session.
- urllib3's :class:`~urllib3.util.Retry` decides what is retried and how long to
  wait: 429 and 5xx answers, connect and read timeouts, and broken bodies (a body
  cut short, or JSON that does not parse), with exponential backoff and the
  server's ``Retry-After`` honoured (capped by ``max_retry_after``). The client
  drives the Retry object itself instead of mounting it on the transport adapter,
  because a body read after the adapter returns (a truncated download) is beyond
  the adapter's reach and because the waits must go through ``sleep`` so tests
  never sleep.
- A polite per-host rate limit: a minimum interval between two requests to the
  same host (``min_interval``), applied only to requests that really go out,
  never to cache hits.
- API keys come from the environment (``OPENALEX_API_KEY`` sent as the
  ``api_key`` parameter, ``S2_API_KEY`` as the ``x-api-key`` header) and are
  attached to the request only; they are left out of cache keys and cached
  requests, and scrubbed from every message, log record and error.

Change the defaults for the session with :func:`configure`, or per call by
passing the same names to a loader (``pl.from_arxiv(..., offline=True)``).

Examples
--------
>>> from paperlens.sources import http
>>> http.redact_url("https://api.openalex.org/works?filter=doi:10.1/x&api_key=s3cret")
'https://api.openalex.org/works?filter=doi:10.1/x&api_key=REDACTED'
>>> http.settings(offline=True, retries=0).offline
True
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

from ..errors import InvalidArgumentError, OfflineError, RequestFailedError, SourceWarning

__all__ = [
    "API_KEY_ENV",
    "Client",
    "HttpSettings",
    "RequestFailedError",
    "SourceWarning",
    "client",
    "configure",
    "progress_bar",
    "redact",
    "redact_url",
    "settings",
]

log = logging.getLogger("paperlens.sources")
T = TypeVar("T")

API_KEY_ENV: dict[str, str] = {"openalex": "OPENALEX_API_KEY", "semantic_scholar": "S2_API_KEY"}
"""Environment variable holding each service's API key."""

SECRET_PARAMS = ("api_key",)
SECRET_HEADERS = ("x-api-key", "X-API-KEY", "Authorization")

SOURCE_NAMES = {
    "arxiv": "arXiv",
    "openalex": "OpenAlex",
    "semantic_scholar": "Semantic Scholar",
    "huggingface": "Hugging Face",
}

DEFAULT_MIN_INTERVAL: dict[str, float] = {
    "export.arxiv.org": 3.0,  # arXiv asks for one request every three seconds
    "api.openalex.org": 0.1,
    "api.semanticscholar.org": 1.0,  # one request a second with a key; the shared pool is tighter
    "huggingface.co": 0.5,
}
"""Seconds to leave between two requests to the same host (polite defaults)."""

DEFAULT_OPENALEX_URL = "https://api.openalex.org"
DEFAULT_SEMANTIC_SCHOLAR_URL = "https://api.semanticscholar.org/graph/v1"

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
PROGRESS_MIN_REQUESTS = 4  # a bar appears when a job needs more than a few requests


# --------------------------------------------------------------------------- settings


def _default_cache_dir() -> Path:
    env = os.environ.get("PAPERLENS_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("paperlens"))


@dataclass(frozen=True)
class HttpSettings:
    """How :class:`Client` caches, retries and paces requests.

    Attributes
    ----------
    cache_dir : folder of the on-disk cache (``None``: ``$PAPERLENS_CACHE_DIR`` or the user cache dir).
    cache : keep answers on disk (``False``: a throw-away in-memory cache).
    expire_after : seconds an answer stays fresh (``-1``: never expires). Stale answers are
        used when the service fails and when offline.
    offline : answer only from the cache; raise :class:`OfflineError` otherwise.
    retries : how many times a failed request is tried again.
    backoff_factor : exponential backoff base in seconds (``factor * 2 ** (n - 1)``).
    backoff_max : the longest backoff wait, in seconds.
    max_retry_after : the longest ``Retry-After`` wait honoured, in seconds (longer: give up).
    timeout : ``(connect, read)`` timeouts in seconds.
    min_interval : seconds between two requests to one host, by host name.
    progress : ``True``/``False`` to force the progress bar on or off; ``None``: on for long jobs.
    sleep, clock : the wait and the monotonic clock (tests replace them so nothing sleeps).
    openalex_url : the OpenAlex API root (``None`` or ``""``: ``$PAPERLENS_OPENALEX_URL`` or the public API);
        an institution's mirror, or a stand-in server in tests.
    semantic_scholar_url : the Semantic Scholar Graph API root (``None`` or ``""``:
        ``$PAPERLENS_SEMANTIC_SCHOLAR_URL`` or the public API), as ``openalex_url``.
    """

    cache_dir: str | os.PathLike[str] | None = None
    cache: bool = True
    expire_after: float = 7 * 24 * 3600
    offline: bool = False
    retries: int = 5
    backoff_factor: float = 1.0
    backoff_max: float = 60.0
    max_retry_after: float = 300.0
    timeout: tuple[float, float] = (10.0, 60.0)
    min_interval: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_MIN_INTERVAL))
    progress: bool | None = None
    sleep: Callable[[float], Any] = time.sleep
    clock: Callable[[], float] = time.monotonic
    openalex_url: str | None = None
    semantic_scholar_url: str | None = None

    def resolved_cache_dir(self) -> Path:
        return Path(self.cache_dir) if self.cache_dir is not None else _default_cache_dir()

    def resolved_openalex_url(self) -> str:
        """The OpenAlex API root in use, without a trailing slash."""
        url = self.openalex_url or os.environ.get("PAPERLENS_OPENALEX_URL") or DEFAULT_OPENALEX_URL
        if not re.match(r"https?://[^/\s]+", url):
            raise InvalidArgumentError(f"the OpenAlex URL must start with http:// or https://, not {url!r}")
        return url.rstrip("/")

    def resolved_semantic_scholar_url(self) -> str:
        """The Semantic Scholar Graph API root in use, without a trailing slash."""
        url = (
            self.semantic_scholar_url
            or os.environ.get("PAPERLENS_SEMANTIC_SCHOLAR_URL")
            or DEFAULT_SEMANTIC_SCHOLAR_URL
        )
        if not re.match(r"https?://[^/\s]+", url):
            raise InvalidArgumentError(f"the Semantic Scholar URL must start with http:// or https://, not {url!r}")
        return url.rstrip("/")

    def _key(self) -> tuple[Any, ...]:
        values = []
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Mapping):
                value = tuple(sorted(value.items()))
            elif f.name == "cache_dir":
                value = str(self.resolved_cache_dir())
            values.append(value)
        return tuple(values)


_FIELDS = {f.name for f in dataclasses.fields(HttpSettings)}
_defaults = HttpSettings()
_clients: dict[tuple[Any, ...], Client] = {}
_clients_lock = threading.Lock()


def _check(names: Iterable[str]) -> None:
    from ..errors import FieldError

    for name in names:
        if name not in _FIELDS:
            raise FieldError(name, _FIELDS, what="HTTP setting")


def _merge(base: HttpSettings, changes: Mapping[str, Any]) -> HttpSettings:
    _check(changes)
    changes = {k: v for k, v in changes.items() if v is not None}
    if "min_interval" in changes:
        changes["min_interval"] = {**base.min_interval, **changes["min_interval"]}
    if "timeout" in changes and isinstance(changes["timeout"], (int, float)):
        changes["timeout"] = (float(changes["timeout"]), float(changes["timeout"]))
    if isinstance(changes.get("expire_after"), dt.timedelta):
        changes["expire_after"] = changes["expire_after"].total_seconds()
    return dataclasses.replace(base, **changes)


def configure(**changes: Any) -> HttpSettings:
    """Change the session-wide HTTP defaults (any :class:`HttpSettings` name); returns them.

    ``min_interval`` is merged into the current table, host by host.

    >>> from paperlens.sources import http
    >>> before = http.settings()
    >>> http.configure(min_interval={"export.arxiv.org": 5.0}).min_interval["export.arxiv.org"]
    5.0
    >>> _ = http.configure(**dataclasses.asdict(before))  # put the defaults back
    """
    global _defaults
    _defaults = _merge(_defaults, changes)
    return _defaults


def settings(**overrides: Any) -> HttpSettings:
    """The session defaults with some values changed for one call (``None`` values are ignored)."""
    return _merge(_defaults, overrides)


def client(**overrides: Any) -> Client:
    """The shared :class:`Client` for these settings (one per distinct setting set)."""
    chosen = settings(**overrides)
    key = chosen._key()
    with _clients_lock:
        found = _clients.get(key)
        if found is None:
            found = _clients[key] = Client(chosen)
        return found


def close_all() -> None:
    """Close every shared client (their cache files are released)."""
    with _clients_lock:
        for c in _clients.values():
            c.close()
        _clients.clear()


# --------------------------------------------------------------------------- secrets


def _secret_values() -> list[str]:
    values = [os.environ.get(name, "") for name in API_KEY_ENV.values()]
    return [v for v in values if len(v) >= 4]


_SECRET_PARAM = re.compile(r"(?i)\b(api_key|x-api-key)=([^&\s'\"#]+)")


def redact(text: object) -> str:
    """The text with API keys (from the environment) and ``api_key=`` values removed."""
    out = str(text)
    for secret in _secret_values():
        out = out.replace(secret, "REDACTED")
    return _SECRET_PARAM.sub(lambda m: f"{m.group(1)}=REDACTED", out)


def redact_url(url: str) -> str:
    """A URL safe to show: API keys removed."""
    return redact(url)


class _RedactingFilter(logging.Filter):
    """Scrubs API keys from third-party log records (urllib3 and requests-cache log URLs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is not ours to fix
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        return True


_FILTER = _RedactingFilter()


def _guard_loggers() -> None:
    names = [n for n in logging.root.manager.loggerDict if n.startswith(("urllib3", "requests_cache", "requests"))]
    for name in [*names, "urllib3", "urllib3.connectionpool", "urllib3.util.retry", "requests_cache"]:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


# --------------------------------------------------------------------------- progress


def progress_bar(total: int, desc: str, setting: bool | None) -> Any:
    """A ``tqdm.auto`` bar for ``total`` steps when wanted, else a no-op with the same methods.

    ``setting`` ``None`` falls back to the configured ``progress``; when that is
    ``None`` too, a bar appears for more than a few requests.
    """
    if setting is None:
        setting = _defaults.progress
    show = setting if setting is not None else total >= PROGRESS_MIN_REQUESTS
    if not show:
        return _NoBar()
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="req", leave=False)


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def set_postfix_str(self, text: str) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


# --------------------------------------------------------------------------- rate limit

_last_sent: dict[str, float] = {}
_pace_lock = threading.Lock()


def _pace(host: str, chosen: HttpSettings) -> None:
    interval = float(chosen.min_interval.get(host, 0.0))
    if interval <= 0:
        return
    with _pace_lock:
        now = chosen.clock()
        last = _last_sent.get(host)
        wait = 0.0 if last is None else interval - (now - last)
        if wait > 0:
            chosen.sleep(wait)
            now = chosen.clock()
        _last_sent[host] = now


def _adapter_class() -> type:
    from requests.adapters import HTTPAdapter

    class PacedAdapter(HTTPAdapter):
        """A transport adapter that leaves ``min_interval`` between requests to a host."""

        def __init__(self, chosen: HttpSettings, counter: Callable[[], None]) -> None:
            super().__init__(max_retries=0)
            self._chosen = chosen
            self._count = counter

        def send(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
            _pace(urlsplit(request.url).hostname or "", self._chosen)
            self._count()
            return super().send(request, *args, **kwargs)

    return PacedAdapter


# --------------------------------------------------------------------------- client


class _Answer:
    """The bits of an HTTP answer urllib3's Retry reads (status, headers, no redirect)."""

    def __init__(self, status: int, headers: Mapping[str, str]) -> None:
        self.status = status
        self.headers = headers

    def get_redirect_location(self) -> bool:
        return False


class _BrokenBody(ValueError):
    """The answer's body could not be decoded (cut short, not JSON, not XML)."""


def _server_message(response: Any) -> str:
    try:
        data = response.json()
    except Exception:
        text = (response.text or "").strip()
        return text[:200]
    if isinstance(data, Mapping):
        for key in ("error", "message", "detail", "description"):
            if data.get(key):
                return str(data[key])[:300]
    return str(data)[:200]


class Client:
    """A cached, retrying, rate-limited HTTP client; see the module docstring.

    ``requests_sent`` counts the requests that really went out (cache hits excluded).
    """

    def __init__(self, chosen: HttpSettings | None = None) -> None:
        self.settings = chosen or settings()
        self.requests_sent = 0
        _guard_loggers()
        backend = _disk_cache(self.settings.resolved_cache_dir()) if self.settings.cache else None
        self._session = self._new_session(backend)

    def _new_session(self, backend: Any | None) -> Any:
        """A cached session over ``backend`` (``None``: an in-memory cache)."""
        import requests_cache

        expire = self.settings.expire_after
        session = requests_cache.CachedSession(
            backend=backend if backend is not None else requests_cache.BaseCache(),
            expire_after=-1 if expire is None or expire < 0 else expire,
            allowable_codes=(200,),
            allowable_methods=("GET", "POST"),
            ignored_parameters=[*SECRET_PARAMS, *SECRET_HEADERS],
            match_headers=False,
            stale_if_error=True,
        )
        from .. import __version__

        session.headers["User-Agent"] = f"paperlens/{__version__} (research paper explorer; python-requests)"
        adapter = _adapter_class()(self.settings, self._counted)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        return session

    def _drop_disk_cache(self, exc: BaseException) -> bool:
        """The on-disk cache failed in use: warn and go on with an in-memory one. False if it was not on disk."""
        import requests_cache

        if not isinstance(self._session.cache, requests_cache.SQLiteCache):
            return False
        _warn_cache(self._session.cache.responses.db_path, exc)
        old, self._session = self._session, self._new_session(None)
        try:
            old.close()
        except Exception:  # closing a broken database may fail too; it is dropped either way
            log.debug("closing the broken HTTP cache failed", exc_info=True)
        return True

    def _counted(self) -> None:
        self.requests_sent += 1

    def close(self) -> None:
        self._session.close()

    @property
    def cache(self) -> Any:
        """The requests-cache backend (``.responses`` holds the cached answers)."""
        return self._session.cache

    # ------------------------------------------------------------------ public calls

    def get_json(self, url: str, params: Mapping[str, Any] | None = None, *, source: str) -> Any:
        """GET ``url`` and decode JSON; retries and caching as configured."""
        return self.request("GET", url, params=params, source=source, decode=_decode_json)

    def post_json(self, url: str, body: Any, params: Mapping[str, Any] | None = None, *, source: str) -> Any:
        """POST a JSON body to ``url`` and decode the JSON answer (cached by URL and body)."""
        return self.request("POST", url, params=params, body=body, source=source, decode=_decode_json)

    def get_text(self, url: str, params: Mapping[str, Any] | None = None, *, source: str) -> str:
        """GET ``url`` as text (UTF-8)."""
        return self.request("GET", url, params=params, source=source, decode=_decode_text)

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        source: str,
        decode: Callable[[Any], T],
    ) -> T:
        """Send one request with retries; return ``decode(response)``.

        ``decode`` raises ``ValueError`` for a body it cannot read; that answer is
        dropped from the cache and the request retried like a read error.
        """
        from urllib3.exceptions import MaxRetryError, ProtocolError, ReadTimeoutError
        from urllib3.util import Retry

        params = {k: v for k, v in (params or {}).items() if v is not None}
        shown = redact_url(url + ("?" + urlencode(params, safe=":,|*/") if params else ""))
        headers, params = self._authorise(source, params)
        name = SOURCE_NAMES.get(source, source)
        chosen = self.settings
        retry = Retry(
            total=chosen.retries,
            connect=chosen.retries,
            read=chosen.retries,
            status=chosen.retries,
            other=0,
            redirect=0,
            backoff_factor=chosen.backoff_factor,
            backoff_max=chosen.backoff_max,
            status_forcelist=RETRY_STATUSES,
            allowed_methods=frozenset({"GET", "POST"}),
            respect_retry_after_header=True,
        )
        attempts = 0
        while True:
            attempts += 1
            problem, answer, status = self._attempt(method, url, params, body, headers, decode, shown, name)
            if problem is None:
                return answer  # type: ignore[return-value]
            kind, message = problem
            if kind == "fatal":
                raise RequestFailedError(message + _key_hint(source, status), url=shown, status=status)
            if kind == "offline":
                raise OfflineError(message)
            try:
                if kind == "status":
                    retry = retry.increment(method, shown, response=_Answer(status or 0, answer or {}))
                elif kind == "connect":
                    from urllib3.exceptions import ConnectTimeoutError

                    retry = retry.increment(method, shown, error=ConnectTimeoutError(message))
                elif kind == "read":
                    retry = retry.increment(method, shown, error=ReadTimeoutError(None, shown, message))  # type: ignore[arg-type]
                else:
                    retry = retry.increment(method, shown, error=ProtocolError(message))
            except (MaxRetryError, ReadTimeoutError, ProtocolError, OSError):
                plural = "s" if attempts > 1 else ""
                failed = f"{name}: {message} for {method} {shown} (gave up after {attempts} attempt{plural})"
                break
            wait = retry.get_backoff_time()
            if kind == "status" and answer is not None:
                after = retry.get_retry_after(_Answer(status or 0, answer))  # type: ignore[arg-type]
                if after is not None:
                    if after > chosen.max_retry_after:
                        failed = (
                            f"{name}: {message} for {method} {shown}; the server asks to wait {after:.0f} s, more than "
                            f"max_retry_after={chosen.max_retry_after:.0f} s"
                        )
                        break
                    wait = max(wait, after)
            log.info("%s: %s; retrying in %.1f s (%s)", name, message, wait, shown)
            if wait > 0:
                chosen.sleep(wait)
        raise RequestFailedError(failed + _key_hint(source, status), url=shown, status=status)

    # ------------------------------------------------------------------ internals

    def _authorise(self, source: str, params: dict[str, Any]) -> tuple[dict[str, str], dict[str, Any]]:
        headers: dict[str, str] = {}
        key = os.environ.get(API_KEY_ENV.get(source, ""), "").strip()
        if key and source == "openalex":
            params = {**params, "api_key": key}
        elif key and source == "semantic_scholar":
            headers["x-api-key"] = key
        return headers, params

    def _attempt(
        self,
        method: str,
        url: str,
        params: dict[str, Any],
        body: Any,
        headers: dict[str, str],
        decode: Callable[[Any], T],
        shown: str,
        name: str,
    ) -> tuple[tuple[str, str] | None, Any, int | None]:
        """One try. Returns ``(problem, value, status)``; problem is ``(kind, message)`` or None."""
        import sqlite3

        import requests

        try:
            response = self._session.request(
                method,
                url,
                params=params,
                json=body,
                headers=headers,
                timeout=self.settings.timeout,
                only_if_cached=self.settings.offline,
            )
        except sqlite3.Error as exc:  # the cache file broke in use (corrupted, disk full, read-only)
            if not self._drop_disk_cache(exc):
                raise
            return self._attempt(method, url, params, body, headers, decode, shown, name)
        except requests.exceptions.ConnectTimeout as exc:
            return ("connect", f"connection timed out ({redact(exc)[:200]})"), None, None
        except requests.exceptions.ReadTimeout:
            return ("read", "read timed out"), None, None
        except requests.exceptions.ConnectionError as exc:
            return ("connect", f"could not connect ({redact(exc)[:200]})"), None, None
        except requests.exceptions.RequestException as exc:  # ChunkedEncodingError, ContentDecodingError...
            return ("body", f"broken answer ({type(exc).__name__}: {redact(exc)[:200]})"), None, None
        from_cache = bool(getattr(response, "from_cache", False))
        status = response.status_code
        if self.settings.offline and status == 504:  # requests-cache's "Not Cached" answer
            return ("offline", f"offline and not in the cache: {method} {shown}"), None, None
        if status in RETRY_STATUSES:
            return ("status", f"HTTP {status} {response.reason or ''}".strip()), response.headers, status
        if status >= 400:
            message = f"{name} answered HTTP {status} {response.reason or ''} for {method} {shown}"
            detail = redact(_server_message(response))
            return ("fatal", f"{message}: {detail}" if detail else message), None, status
        try:
            value = decode(response)
        except _BrokenBody as exc:
            self._forget(response)
            return ("body", f"broken answer from {shown}: {exc}"), None, status
        except Exception:
            self._forget(response)
            raise
        log.debug("%s %s (%s)", method, shown, "cache" if from_cache else f"HTTP {status}")
        return None, value, status

    def _forget(self, response: Any) -> None:
        key = getattr(response, "cache_key", None)
        if key:
            self._session.cache.delete(key)


def _warn_cache(path: Any, exc: BaseException) -> None:
    import warnings

    warnings.warn(
        f"the HTTP cache {path} cannot be used ({type(exc).__name__}: {exc}); answers are kept in memory for "
        "this session only. Delete the file, or choose another folder with "
        "paperlens.sources.http.configure(cache_dir=...) or $PAPERLENS_CACHE_DIR",
        SourceWarning,
        stacklevel=4,
    )


def _disk_cache(folder: Path) -> Any | None:
    """The SQLite cache in ``folder``, checked readable; ``None`` (with a warning) when it cannot be used."""
    import sqlite3

    import requests_cache

    path = folder / "http_cache.sqlite"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        backend = requests_cache.SQLiteCache(str(path))
        with backend.responses.connection() as connection:  # a corrupted file fails here, not mid-request
            connection.execute("PRAGMA schema_version").fetchone()
            len(backend.responses)
    except (OSError, sqlite3.Error) as exc:
        _warn_cache(path, exc)
        return None
    return backend


def _key_hint(source: str, status: int | None) -> str:
    """A hint to set the API key when a service refused a request made without one."""
    env = API_KEY_ENV.get(source)
    if env and status in (401, 403, 429) and not os.environ.get(env, "").strip():
        return f" (no API key was sent: set the {env} environment variable)"
    return ""


def _decode_json(response: Any) -> Any:
    try:
        return json.loads(response.content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        size = len(response.content or b"")
        raise _BrokenBody(f"invalid JSON ({exc}; {size} bytes)") from None


def _decode_text(response: Any) -> str:
    try:
        return response.content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _BrokenBody(f"not UTF-8 text ({exc})") from None


def xml_decoder(check: Callable[[str], None]) -> Callable[[Any], str]:
    """A decoder for XML text: ``check(text)`` raises ``ValueError`` when the XML is broken."""

    def decode(response: Any) -> str:
        text = _decode_text(response)
        try:
            check(text)
        except ValueError as exc:
            raise _BrokenBody(str(exc)) from None
        return text

    return decode
