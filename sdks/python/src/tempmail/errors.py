"""Typed errors. Every failure is a :class:`TempMailError`; HTTP errors carry the contract's
``{"error":{"code","message"}}`` and the status, one subclass per status."""
from __future__ import annotations

import json
import time
from email.utils import parsedate_to_datetime
from typing import Any, Mapping, Optional

from .models import RateLimit


class TempMailError(Exception):
    """Base class of every error this SDK raises.

    ``status`` is the HTTP status (0 when no HTTP answer was received), ``code`` the API's error
    code (``not_found``, ``rate_limited``, ...) or an SDK code (``network_error``, ``timeout``,
    ``wait_timeout``), ``body`` the parsed error body when there was one.
    """

    def __init__(self, message: str, *, status: int = 0, code: str = "error", body: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.body = body

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status}, code={self.code!r}, message={self.message!r})"


class BadRequestError(TempMailError):
    """400: a parameter is missing or invalid."""


class AuthenticationError(TempMailError):
    """401: the key is missing, unknown or revoked (or the mailbox token is wrong)."""


class PermissionDeniedError(TempMailError):
    """403: the key's plan does not allow this (webhooks and custom domains need premium)."""


class NotFoundError(TempMailError):
    """404: no such mailbox, message, webhook or domain (also an expired one, or another key's)."""


class ConflictError(TempMailError):
    """409: conflict (domain claimed elsewhere or not verified, too many webhooks, ...)."""


class PayloadTooLargeError(TempMailError):
    """413 / 414: the request or the stored message is too large."""


class ServerError(TempMailError):
    """5xx: the service failed or is unavailable. ``retry_after``: the server's ``Retry-After`` in
    seconds (a 503 while it is busy or shutting down), or None."""

    def __init__(self, message: str, *, retry_after: Optional[float] = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class RateLimitError(TempMailError):
    """429: rate limited. ``retry_after`` is the server's ``Retry-After`` in seconds (or None)."""

    def __init__(self, message: str, *, retry_after: Optional[float], rate_limit: Optional[RateLimit], **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after
        self.rate_limit = rate_limit


class NetworkError(TempMailError):
    """No HTTP answer: connection refused, DNS failure, reset, or a timeout (``code == "timeout"``)."""


class WaitTimeoutError(TempMailError, TimeoutError):
    """``wait_for_message`` saw no matching message before its timeout."""


_BY_STATUS = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: PayloadTooLargeError,
    414: PayloadTooLargeError,
}


def parse_retry_after(value: Optional[str]) -> Optional[float]:
    """``Retry-After`` in seconds: delta-seconds or an HTTP date; None when absent or unreadable."""
    if value is None or not value.strip():
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def error_from_response(status: int, body: bytes, headers: Mapping[str, str], rate_limit: Optional[RateLimit]) -> TempMailError:
    """The fitting error for a non-2xx answer (``headers`` keys lower-case)."""
    text = body.decode("utf-8", "replace")
    code, message, parsed = f"http_{status}", f"HTTP {status}", text
    try:
        parsed = json.loads(text)
        err = parsed.get("error") if isinstance(parsed, dict) else None
        if isinstance(err, dict):
            code = err.get("code") if isinstance(err.get("code"), str) else code
            message = err.get("message") if isinstance(err.get("message"), str) else message
    except ValueError:
        if text.strip():
            message = f"HTTP {status}: {text.strip()[:200]}"
    if status == 429:
        return RateLimitError(message, status=status, code=code, body=parsed,
                              retry_after=parse_retry_after(headers.get("retry-after")), rate_limit=rate_limit)
    if status >= 500 and status not in _BY_STATUS:
        return ServerError(message, status=status, code=code, body=parsed, retry_after=parse_retry_after(headers.get("retry-after")))
    kind = _BY_STATUS.get(status) or TempMailError
    return kind(message, status=status, code=code, body=parsed)
