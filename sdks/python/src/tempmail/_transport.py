"""The HTTP layer: one request with ``urllib.request`` (stdlib), error mapping, ``X-RateLimit-*``
bookkeeping, and the bounded retry loop (429 and 503 after ``Retry-After``) in a sync and an
asyncio flavour."""
from __future__ import annotations

import asyncio
import json
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Generic, Mapping, Optional, TypeVar

from .errors import NetworkError, RateLimitError, ServerError, TempMailError, error_from_response
from .models import RateLimit

DEFAULT_BASE_URL = "http://127.0.0.1:8080"
VERSION = "0.2.0"
DEFAULT_MAX_RETRIES = 3
T = TypeVar("T")
Params = Mapping[str, Any]


@dataclass(frozen=True)
class Response:
    """A 2xx answer: status, lower-cased headers and the body bytes."""

    status: int
    headers: Dict[str, str]
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8"))
        except ValueError as e:
            raise TempMailError(f"Expected JSON, got {self.headers.get('content-type', 'no content type')}",
                                status=self.status, code="bad_response", body=self.body) from e


@dataclass(frozen=True)
class Call(Generic[T]):
    """One API call: method, path, query, optional form body, how to read the answer, and the
    seconds it may take when that differs from the client's timeout (a held wait)."""

    method: str
    path: str
    parse: Callable[[Response], T]
    query: Params = field(default_factory=dict)
    form: Optional[Params] = None
    timeout: Optional[float] = None


def _encode(params: Params) -> str:
    items = []
    for k, v in params.items():
        if v is None:
            continue
        items.append((k, ("1" if v else "0") if isinstance(v, bool) else str(v)))
    return urllib.parse.urlencode(items)


class HttpCore:
    """Sends one request at a time; keeps the latest rate-limit info. Shared by sync and async clients."""

    def __init__(self, base_url: str, key: Optional[str], timeout: float, max_retries: int,
                 max_retry_delay: float, headers: Optional[Mapping[str, str]]) -> None:
        self.base_url = base_url.rstrip("/")
        self._key = key
        self.timeout = timeout
        self.max_retries = max(0, min(5, int(max_retries)))
        self.max_retry_delay = max_retry_delay
        self.headers = dict(headers or {})
        self.rate_limit: Optional[RateLimit] = None

    def url(self, path: str, query: Params = {}) -> str:
        qs = _encode(query)
        return f"{self.base_url}{path}{'?' + qs if qs else ''}"

    def once(self, call: Call[Any]) -> Response:
        """One attempt. Answers any HTTP status as a Response; raises NetworkError when none came."""
        headers = {"Accept": "application/json", "User-Agent": f"tempmail-python/{VERSION}", **self.headers}
        if self._key is not None:
            headers["Authorization"] = f"Bearer {self._key}"
        data = None
        if call.form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            data = _encode(call.form).encode("ascii")
        req = urllib.request.Request(self.url(call.path, call.query), data=data, headers=headers, method=call.method)
        timeout = call.timeout if call.timeout is not None else self.timeout
        try:
            with urllib.request.urlopen(req, timeout=timeout) as res:
                resp = Response(res.status, {k.lower(): v for k, v in res.headers.items()}, res.read())
        except urllib.error.HTTPError as e:
            resp = Response(e.code, {k.lower(): v for k, v in (e.headers or {}).items()}, e.read() or b"")
            e.close()
        except (socket.timeout, TimeoutError) as e:
            raise NetworkError(f"{call.method} {call.path} timed out after {timeout} s", code="timeout") from e
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            if isinstance(reason, (socket.timeout, TimeoutError)):
                raise NetworkError(f"{call.method} {call.path} timed out after {timeout} s", code="timeout") from e
            raise NetworkError(f"{call.method} {call.path} failed: {reason}", code="network_error") from e
        rl = RateLimit.from_headers(resp.headers)
        if rl is not None:
            self.rate_limit = rl
        return resp

    def error_for(self, resp: Response) -> Optional[TempMailError]:
        if 200 <= resp.status < 300:
            return None
        return error_from_response(resp.status, resp.body, resp.headers, self.rate_limit)

    def retry_delay(self, err: TempMailError, attempt: int) -> Optional[float]:
        """Seconds to wait before retrying ``err`` (a 429, or a 503 of a server that is busy or
        shutting down, within the bounds), else None."""
        if attempt >= self.max_retries:
            return None
        if isinstance(err, RateLimitError):
            retry_after = err.retry_after
        elif isinstance(err, ServerError) and err.status == 503:
            retry_after = err.retry_after
        else:
            return None
        delay = retry_after if retry_after is not None else 1.0
        return delay if delay <= self.max_retry_delay else None

    def __repr__(self) -> str:
        return f"HttpCore(base_url={self.base_url!r})"


def run_sync(http: HttpCore, call: Call[T]) -> T:
    """Sends ``call`` (retrying 429 and 503 as configured) and parses the answer."""
    attempt = 0
    while True:
        resp = http.once(call)
        err = http.error_for(resp)
        if err is None:
            return call.parse(resp)
        delay = http.retry_delay(err, attempt)
        if delay is None:
            raise err
        time.sleep(delay)
        attempt += 1


async def run_async(http: HttpCore, call: Call[T]) -> T:
    """As :func:`run_sync`; the blocking request runs in a worker thread (``asyncio.to_thread``)."""
    attempt = 0
    while True:
        resp = await asyncio.to_thread(http.once, call)
        err = http.error_for(resp)
        if err is None:
            return call.parse(resp)
        delay = http.retry_delay(err, attempt)
        if delay is None:
            raise err
        await asyncio.sleep(delay)
        attempt += 1


def disposition_filename(header: Optional[str]) -> Optional[str]:
    """The file name of a ``Content-Disposition`` header (RFC 6266 ``filename*`` preferred)."""
    if not header:
        return None
    star = re.search(r"filename\*\s*=\s*([^']*)'[^']*'([^;]+)", header, re.I)
    if star:
        try:
            return urllib.parse.unquote(star.group(2).strip(), encoding=star.group(1) or "utf-8", errors="strict")
        except (LookupError, UnicodeDecodeError):
            pass
    plain = re.search(r'filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))', header, re.I)
    if not plain:
        return None
    return re.sub(r"\\(.)", r"\1", plain.group(1)) if plain.group(1) is not None else plain.group(2).strip()
