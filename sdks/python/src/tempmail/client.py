"""``TempMail`` (keyed API v1) and ``AnonymousTempMail`` (token mailboxes): the blocking clients."""
from __future__ import annotations

import time
from typing import Callable, Iterator, List, Mapping, Optional, Set

from . import _calls as calls
from ._transport import DEFAULT_BASE_URL, HttpCore, run_sync
from .errors import NotFoundError, WaitTimeoutError
from .models import AttachmentContent, Domain, Mailbox, Message, MessageSummary, RateLimit, Webhook

Predicate = Callable[[Message], bool]


class Webhooks:
    """``client.webhooks``: register, list, show and remove webhooks (premium keys)."""

    def __init__(self, http: HttpCore) -> None:
        self._http = http

    def create(self, email: str, url: str) -> Webhook:
        """Registers ``url`` for mailbox ``email``; the answer's ``secret`` signs every delivery
        and is not shown again. The same URL again answers the same webhook."""
        return run_sync(self._http, calls.webhook_create(email, url))

    def list(self, email: str) -> List[Webhook]:
        """The mailbox's webhooks with their recent deliveries (newest first)."""
        return run_sync(self._http, calls.webhook_list(email))

    def get(self, webhook_id: str) -> Webhook:
        """One webhook by id."""
        return run_sync(self._http, calls.webhook_get(webhook_id))

    def delete(self, webhook_id: str) -> bool:
        """Removes a webhook; its pending deliveries are dropped."""
        return run_sync(self._http, calls.webhook_delete(webhook_id))


class Domains:
    """``client.domains``: custom receiving domains (premium keys)."""

    def __init__(self, http: HttpCore) -> None:
        self._http = http

    def create(self, domain: str) -> Domain:
        """Claims ``domain`` (the server checks its MX record once right away)."""
        return run_sync(self._http, calls.domain_create(domain))

    def list(self, verify: bool = False) -> List[Domain]:
        """The key's domains, oldest first; ``verify=True`` re-checks every MX record first."""
        return run_sync(self._http, calls.domain_list(verify))

    def get(self, domain: str, verify: bool = False) -> Domain:
        """One of the key's domains (NotFoundError when it is not the key's)."""
        return run_sync(self._http, calls.domain_get(domain, verify))

    def verify(self, domain: str) -> Domain:
        """Checks the domain's MX record now and answers its new status."""
        return self.get(domain, verify=True)

    def delete(self, domain: str) -> bool:
        """Releases the domain: its addresses stop receiving mail."""
        return run_sync(self._http, calls.domain_delete(domain))


def _wait(list_fn: Callable[[], List[MessageSummary]], read_fn: Callable[[str], Message],
          timeout: float, predicate: Optional[Predicate], interval: float) -> Message:
    deadline = time.monotonic() + timeout
    seen: Set[str] = set()
    while True:
        for summary in reversed(list_fn()):
            if summary.id in seen:
                continue
            seen.add(summary.id)
            try:
                message = read_fn(summary.id)
            except NotFoundError:
                continue
            if predicate is None or predicate(message):
                return message
        left = deadline - time.monotonic()
        if left <= 0:
            raise WaitTimeoutError(f"No matching message within {timeout} s", code="wait_timeout")
        time.sleep(min(interval, left))


class TempMail:
    """Client of the keyed API v1 (the key is sent as ``Authorization: Bearer``).

    >>> tm = TempMail("tm_...", base_url="https://tempmail.example")
    >>> box = tm.generate()
    >>> message = tm.wait_for_message(box.email, timeout=60)
    >>> message.otp

    ``max_retries`` (0 to 5, default 0) retries a 429 answer after its ``Retry-After`` when that
    is at most ``max_retry_delay`` seconds. ``rate_limit`` holds the latest ``X-RateLimit-*``.
    """

    def __init__(self, key: str, base_url: str = DEFAULT_BASE_URL, *, timeout: float = 30.0, max_retries: int = 0,
                 max_retry_delay: float = 60.0, headers: Optional[Mapping[str, str]] = None) -> None:
        if not key:
            raise ValueError("TempMail: key (the API key) is required")
        self._http = HttpCore(base_url, key, timeout, max_retries, max_retry_delay, headers)
        self.webhooks = Webhooks(self._http)
        self.domains = Domains(self._http)

    @property
    def base_url(self) -> str:
        return self._http.base_url

    @property
    def rate_limit(self) -> Optional[RateLimit]:
        """``X-RateLimit-*`` of the latest answer; None before the first call."""
        return self._http.rate_limit

    def generate(self, domain: Optional[str] = None, ttl: Optional[int] = None) -> Mailbox:
        """Makes a new mailbox owned by this key (``domain``: a service or verified custom domain)."""
        return run_sync(self._http, calls.generate(domain, ttl))

    def inbox(self, email: str, limit: Optional[int] = None, before: Optional[str] = None) -> List[MessageSummary]:
        """Message summaries, newest first; ``limit`` and ``before`` (a message id) page through them."""
        return run_sync(self._http, calls.inbox("/v1", {"email": email}, limit, before))

    def iter_inbox(self, email: str, page_size: int = 100) -> Iterator[MessageSummary]:
        """Every summary of the mailbox, page by page (newest first)."""
        before = None
        while True:
            page = self.inbox(email, limit=page_size, before=before)
            yield from page
            if len(page) < page_size:
                return
            before = page[-1].id

    def read(self, email: str, message_id: str) -> Message:
        """One message with body, html, otp, confirmation_link and attachment list."""
        return run_sync(self._http, calls.read("/v1", {"email": email}, message_id))

    def raw(self, email: str, message_id: str) -> bytes:
        """The original message (RFC 822 bytes)."""
        return run_sync(self._http, calls.raw("/v1", {"email": email}, message_id))

    def attachment(self, email: str, message_id: str, index: int) -> AttachmentContent:
        """Attachment ``index`` (0-based, the order of ``message.attachments``)."""
        return run_sync(self._http, calls.attachment("/v1", {"email": email}, message_id, index))

    def delete(self, email: str) -> bool:
        """Deletes the mailbox and its messages now."""
        return run_sync(self._http, calls.delete("/v1", {"email": email}))

    def wait_for_message(self, email: str, timeout: float = 30.0, predicate: Optional[Predicate] = None,
                         interval: float = 1.0) -> Message:
        """Polls the inbox until a message (already there or new) matches ``predicate`` (default:
        any) and answers it, fully read; raises WaitTimeoutError after ``timeout`` seconds."""
        return _wait(lambda: self.inbox(email), lambda i: self.read(email, i), timeout, predicate, interval)

    def __enter__(self) -> "TempMail":
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def __repr__(self) -> str:
        return f"TempMail(base_url={self.base_url!r})"


class AnonymousTempMail:
    """Client of the anonymous API (``/api``): no key; each mailbox is read with the token that
    ``generate`` answered (pass the ``Mailbox`` back in)."""

    def __init__(self, base_url: str = DEFAULT_BASE_URL, *, timeout: float = 30.0, max_retries: int = 0,
                 max_retry_delay: float = 60.0, headers: Optional[Mapping[str, str]] = None) -> None:
        self._http = HttpCore(base_url, None, timeout, max_retries, max_retry_delay, headers)

    def generate(self, ttl: Optional[int] = None, domain: Optional[str] = None) -> Mailbox:
        """Makes a mailbox; its ``token`` is the only way to read it."""
        return run_sync(self._http, calls.generate_anonymous(domain, ttl))

    def inbox(self, mailbox: Mailbox, limit: Optional[int] = None, before: Optional[str] = None) -> List[MessageSummary]:
        return run_sync(self._http, calls.inbox("/api", _auth(mailbox), limit, before))

    def read(self, mailbox: Mailbox, message_id: str) -> Message:
        return run_sync(self._http, calls.read("/api", _auth(mailbox), message_id))

    def raw(self, mailbox: Mailbox, message_id: str) -> bytes:
        return run_sync(self._http, calls.raw("/api", _auth(mailbox), message_id))

    def attachment(self, mailbox: Mailbox, message_id: str, index: int) -> AttachmentContent:
        return run_sync(self._http, calls.attachment("/api", _auth(mailbox), message_id, index))

    def delete(self, mailbox: Mailbox) -> bool:
        return run_sync(self._http, calls.delete("/api", _auth(mailbox)))

    def wait_for_message(self, mailbox: Mailbox, timeout: float = 30.0, predicate: Optional[Predicate] = None,
                         interval: float = 1.0) -> Message:
        """As :meth:`TempMail.wait_for_message`."""
        return _wait(lambda: self.inbox(mailbox), lambda i: self.read(mailbox, i), timeout, predicate, interval)


def _auth(mailbox: Mailbox) -> dict:
    if not mailbox.token:
        raise ValueError("an anonymous mailbox needs its token (use the Mailbox that generate() answered)")
    return {"email": mailbox.email, "token": mailbox.token}
