"""Waiting for a message, sync and asyncio.

The server holds the request (``wait.php``, at most 60 s each, renewed until the caller's
timeout): no polling and no rate-limit cost while held. A predicate the server cannot evaluate
is checked here; a message it refuses moves ``since`` past it, so the next request asks for the
one after. A server without ``wait.php`` (404 ``unknown_endpoint``) is polled instead, with the
filters checked here.
"""
from __future__ import annotations

import asyncio
import inspect
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any, Awaitable, Callable, Dict, List, Optional, Set, Union

from . import _calls as calls
from ._transport import HttpCore, run_async, run_sync
from .errors import NotFoundError, TempMailError, WaitTimeoutError
from .models import Message, MessageSummary, parse_time

#: The longest a server holds one wait request (TEMPMAIL_WAIT_MAX_SECONDS's default and ceiling).
MAX_HOLD_SECONDS = 60.0
MATCHES = ("any", "otp", "link")

Predicate = Callable[[Message], bool]
AsyncPredicate = Callable[[Message], Union[bool, Awaitable[bool]]]


@dataclass(frozen=True)
class Filters:
    """The server-side filters of ``wait.php`` and ``inbox.php``.

    ``match``: ``"otp"`` (a message with a code), ``"link"`` (one with a confirmation link) or
    ``"any"``; ``sender``: the sender's address or display name contains it (the API's
    ``from``); ``subject``: the subject contains it (both case-insensitive); ``since``: a message
    id (only newer ones) or a time (received at or after it).

    Verified senders: ``from_domain``: the sender's domain is this one or under it; with
    ``require_auth``, a domain the server authenticated the message for (DMARC-aligned From, or a
    passing DKIM ``d=``), so a forged From does not count; ``require_auth`` alone: DMARC passed.
    A message whose checks have not finished yet does not match (yet).
    """

    match: Optional[str] = None
    sender: Optional[str] = None
    subject: Optional[str] = None
    since: Optional[Union[str, datetime]] = None
    from_domain: Optional[str] = None
    require_auth: bool = False

    def __post_init__(self) -> None:
        if self.match is not None and self.match not in MATCHES:
            raise ValueError(f"match must be one of {', '.join(MATCHES)}, not {self.match!r}")

    def query(self) -> Dict[str, Any]:
        since = self.since
        if isinstance(since, datetime):
            since = (since if since.tzinfo else since.replace(tzinfo=timezone.utc)).isoformat()
        return {"match": self.match if self.match != "any" else None, "from": self.sender,
                "subject": self.subject, "since": since, "from_domain": self.from_domain,
                "require_auth": "1" if self.require_auth else None}

    def matches(self, m: Message) -> bool:
        """The filters checked here (for a server without ``wait.php``); a message-id ``since``
        is not known here and passes."""
        if self.match == "otp" and not m.otp:
            return False
        if self.match == "link" and not m.confirmation_link:
            return False
        if self.sender:
            needle = self.sender.lower()
            if needle not in m.sender.lower() and needle not in (m.sender_name or "").lower():
                return False
        if self.subject and self.subject.lower() not in m.subject.lower():
            return False
        if not self._sender_verified(m):
            return False
        since = self.since
        if isinstance(since, str) and not since.startswith("msg_"):
            since = parse_time(since)
        if isinstance(since, datetime):
            at = since if since.tzinfo else since.replace(tzinfo=timezone.utc)
            if parse_time(m.date_received) < at.replace(microsecond=0):
                return False
        return True

    def _sender_verified(self, m: Message) -> bool:
        """``from_domain`` / ``require_auth``, as the server applies them."""
        wanted = self.from_domain.lower().rstrip(".") if self.from_domain else None
        if self.require_auth:
            auth = m.authentication
            if auth is None:
                return False
            if wanted is None:
                return auth.dmarc.get("result") == "pass"
            return any(_domain_matches(d, wanted) for d in auth.verified_domains)
        if wanted is None:
            return True
        at = m.sender.rfind("@")
        return at > 0 and _domain_matches(m.sender[at + 1:].lower(), wanted)


def _domain_matches(domain: str, wanted: str) -> bool:
    return domain == wanted or domain.endswith("." + wanted)


def _hold(deadline: float) -> float:
    return min(MAX_HOLD_SECONDS, max(0.001, deadline - time.monotonic()))


def _timed_out(timeout: float) -> WaitTimeoutError:
    return WaitTimeoutError(f"No matching message within {timeout} s", code="wait_timeout")


def _no_server_wait(e: TempMailError) -> bool:
    return isinstance(e, NotFoundError) and e.code == "unknown_endpoint"


def wait_sync(http: HttpCore, prefix: str, auth: Dict[str, Any], filters: Filters, timeout: float,
              predicate: Optional[Predicate], transport: str, list_fn: Callable[[], List[MessageSummary]],
              read_fn: Callable[[str], Message], interval: float) -> Message:
    deadline = time.monotonic() + timeout
    if transport in ("auto", "server"):
        current = filters
        while True:
            if time.monotonic() >= deadline:
                raise _timed_out(timeout)
            try:
                message = run_sync(http, calls.wait(prefix, auth, current.query(), _hold(deadline)))
            except TempMailError as e:
                if e.status == 408:
                    continue  # held to its end: ask again while time is left
                if transport == "auto" and _no_server_wait(e):
                    break
                raise
            if predicate is None or predicate(message):
                return message
            current = replace(current, since=message.id)
    return _poll_sync(list_fn, read_fn, deadline, timeout, lambda m: filters.matches(m) and (predicate is None or predicate(m)), interval)


async def wait_async(http: HttpCore, prefix: str, auth: Dict[str, Any], filters: Filters, timeout: float,
                     predicate: Optional[AsyncPredicate], transport: str,
                     list_fn: Callable[[], Awaitable[List[MessageSummary]]],
                     read_fn: Callable[[str], Awaitable[Message]], interval: float) -> Message:
    deadline = time.monotonic() + timeout

    async def accepted(m: Message) -> bool:
        ok = True if predicate is None else predicate(m)
        return bool(await ok) if inspect.isawaitable(ok) else bool(ok)

    if transport in ("auto", "server"):
        current = filters
        while True:
            if time.monotonic() >= deadline:
                raise _timed_out(timeout)
            try:
                message = await run_async(http, calls.wait(prefix, auth, current.query(), _hold(deadline)))
            except TempMailError as e:
                if e.status == 408:
                    continue
                if transport == "auto" and _no_server_wait(e):
                    break
                raise
            if await accepted(message):
                return message
            current = replace(current, since=message.id)

    async def local(m: Message) -> bool:
        return filters.matches(m) and await accepted(m)
    return await _poll_async(list_fn, read_fn, deadline, timeout, local, interval)


def _poll_sync(list_fn: Callable[[], List[MessageSummary]], read_fn: Callable[[str], Message], deadline: float,
               timeout: float, accept: Predicate, interval: float) -> Message:
    seen: Set[str] = set()
    while True:
        for summary in reversed(list_fn()):
            if summary.id in seen:
                continue
            seen.add(summary.id)
            try:
                message = read_fn(summary.id)
            except NotFoundError:
                continue  # deleted in between
            if accept(message):
                return message
        left = deadline - time.monotonic()
        if left <= 0:
            raise _timed_out(timeout)
        time.sleep(min(interval, left))


async def _poll_async(list_fn: Callable[[], Awaitable[List[MessageSummary]]], read_fn: Callable[[str], Awaitable[Message]],
                      deadline: float, timeout: float, accept: Callable[[Message], Awaitable[bool]], interval: float) -> Message:
    seen: Set[str] = set()
    while True:
        for summary in reversed(await list_fn()):
            if summary.id in seen:
                continue
            seen.add(summary.id)
            try:
                message = await read_fn(summary.id)
            except NotFoundError:
                continue
            if await accept(message):
                return message
        left = deadline - time.monotonic()
        if left <= 0:
            raise _timed_out(timeout)
        await asyncio.sleep(min(interval, left))


def value_of(message: Message, attr: str) -> str:
    """The message's ``otp`` or ``confirmation_link``, which the server's ``match=`` promised."""
    value = getattr(message, attr)
    if not isinstance(value, str):
        raise TempMailError(f"Message {message.id} has no {attr}", code="bad_response", body=message.raw)
    return value
