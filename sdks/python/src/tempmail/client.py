"""``TempMail`` (keyed API v1) and ``AnonymousTempMail`` (token mailboxes): the blocking clients."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Iterator, List, Mapping, Optional, Union

from . import _calls as calls
from ._transport import DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES, HttpCore, run_sync
from ._waiting import Filters, Predicate, value_of, wait_sync
from .models import AttachmentContent, Domain, Mailbox, Message, MessageSummary, OwnedMailbox, RateLimit, Webhook

Since = Union[str, datetime, None]


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


class TempMail:
    """Client of the keyed API v1 (the key is sent as ``Authorization: Bearer``).

    >>> tm = TempMail("tm_...", base_url="https://tempmail.example")
    >>> box = tm.generate()
    >>> message = tm.wait_for_message(box.email, timeout=60)
    >>> message.otp

    ``max_retries`` (0 to 5, default 3) retries a 429 or 503 answer after its ``Retry-After``
    (1 s when it has none) when that is at most ``max_retry_delay`` seconds; ``0`` raises at
    once. ``rate_limit`` holds the latest ``X-RateLimit-*``.
    """

    def __init__(self, key: str, base_url: str = DEFAULT_BASE_URL, *, timeout: float = 30.0, max_retries: int = DEFAULT_MAX_RETRIES,
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

    def mailboxes(self, limit: Optional[int] = None, before: Optional[str] = None) -> List[OwnedMailbox]:
        """The key's live mailboxes, newest first; ``before`` is the last address of the previous page."""
        return run_sync(self._http, calls.mailboxes(limit, before))

    def iter_mailboxes(self, page_size: int = 100) -> Iterator[OwnedMailbox]:
        """Every live mailbox of the key, page by page (newest first)."""
        before = None
        while True:
            page = self.mailboxes(limit=page_size, before=before)
            yield from page
            if len(page) < page_size:
                return
            before = page[-1].email

    def inbox(self, email: str, limit: Optional[int] = None, before: Optional[str] = None, *, match: Optional[str] = None,
              sender: Optional[str] = None, subject: Optional[str] = None, since: Since = None,
              from_domain: Optional[str] = None, require_auth: bool = False) -> List[MessageSummary]:
        """Message summaries, newest first; ``limit`` and ``before`` (a message id) page through
        them; ``match``, ``sender``, ``subject``, ``since``, ``from_domain`` and ``require_auth`` filter
        them (see :class:`Filters`)."""
        return run_sync(self._http, calls.inbox("/v1", {"email": email}, limit, before, Filters(match, sender, subject, since, from_domain, require_auth).query()))

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

    def delete_message(self, email: str, message_id: str) -> bool:
        """Deletes one message (its raw source and attachments too); NotFoundError when it is not there."""
        return run_sync(self._http, calls.delete_message("/v1", {"email": email}, message_id))

    def delete(self, email: str) -> bool:
        """Deletes the mailbox and its messages now."""
        return run_sync(self._http, calls.delete("/v1", {"email": email}))

    def wait_for_message(self, email: str, timeout: float = 30.0, predicate: Optional[Predicate] = None,
                         interval: float = 1.0, *, match: Optional[str] = None, sender: Optional[str] = None,
                         subject: Optional[str] = None, since: Since = None,
                         from_domain: Optional[str] = None, require_auth: bool = False, transport: str = "auto") -> Message:
        """The first message (already there or arriving, oldest first) that passes the filters and
        ``predicate``, fully read; raises WaitTimeoutError after ``timeout`` seconds.

        The server holds the request (``/v1/wait.php``), so nothing polls; ``transport="poll"``
        (or a server without ``wait.php``) lists the inbox every ``interval`` seconds instead."""
        return wait_sync(self._http, "/v1", {"email": email}, Filters(match, sender, subject, since, from_domain, require_auth), timeout, predicate,
                         transport, lambda: self.inbox(email), lambda i: self.read(email, i), interval)

    def wait_for_otp(self, email: str, timeout: float = 30.0, **filters: Any) -> str:
        """The code of the first message that has one (``wait_for_message`` with ``match="otp"``)."""
        return value_of(self.wait_for_message(email, timeout, match="otp", **filters), "otp")

    def wait_for_link(self, email: str, timeout: float = 30.0, **filters: Any) -> str:
        """The confirmation link of the first message that has one (``match="link"``)."""
        return value_of(self.wait_for_message(email, timeout, match="link", **filters), "confirmation_link")

    def __enter__(self) -> "TempMail":
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def __repr__(self) -> str:
        return f"TempMail(base_url={self.base_url!r})"


class AnonymousTempMail:
    """Client of the anonymous API (``/api``): no key; each mailbox is read with the token that
    ``generate`` answered (pass the ``Mailbox`` back in)."""

    def __init__(self, base_url: str = DEFAULT_BASE_URL, *, timeout: float = 30.0, max_retries: int = DEFAULT_MAX_RETRIES,
                 max_retry_delay: float = 60.0, headers: Optional[Mapping[str, str]] = None) -> None:
        self._http = HttpCore(base_url, None, timeout, max_retries, max_retry_delay, headers)

    def generate(self, ttl: Optional[int] = None, domain: Optional[str] = None) -> Mailbox:
        """Makes a mailbox; its ``token`` is the only way to read it."""
        return run_sync(self._http, calls.generate_anonymous(domain, ttl))

    def inbox(self, mailbox: Mailbox, limit: Optional[int] = None, before: Optional[str] = None, *, match: Optional[str] = None,
              sender: Optional[str] = None, subject: Optional[str] = None, since: Since = None,
              from_domain: Optional[str] = None, require_auth: bool = False) -> List[MessageSummary]:
        return run_sync(self._http, calls.inbox("/api", _auth(mailbox), limit, before, Filters(match, sender, subject, since, from_domain, require_auth).query()))

    def read(self, mailbox: Mailbox, message_id: str) -> Message:
        return run_sync(self._http, calls.read("/api", _auth(mailbox), message_id))

    def raw(self, mailbox: Mailbox, message_id: str) -> bytes:
        return run_sync(self._http, calls.raw("/api", _auth(mailbox), message_id))

    def attachment(self, mailbox: Mailbox, message_id: str, index: int) -> AttachmentContent:
        return run_sync(self._http, calls.attachment("/api", _auth(mailbox), message_id, index))

    def delete_message(self, mailbox: Mailbox, message_id: str) -> bool:
        return run_sync(self._http, calls.delete_message("/api", _auth(mailbox), message_id))

    def delete(self, mailbox: Mailbox) -> bool:
        return run_sync(self._http, calls.delete("/api", _auth(mailbox)))

    def wait_for_message(self, mailbox: Mailbox, timeout: float = 30.0, predicate: Optional[Predicate] = None,
                         interval: float = 1.0, *, match: Optional[str] = None, sender: Optional[str] = None,
                         subject: Optional[str] = None, since: Since = None,
                         from_domain: Optional[str] = None, require_auth: bool = False, transport: str = "auto") -> Message:
        """As :meth:`TempMail.wait_for_message` (``/api/wait.php``)."""
        return wait_sync(self._http, "/api", _auth(mailbox), Filters(match, sender, subject, since, from_domain, require_auth), timeout, predicate,
                         transport, lambda: self.inbox(mailbox), lambda i: self.read(mailbox, i), interval)

    def wait_for_otp(self, mailbox: Mailbox, timeout: float = 30.0, **filters: Any) -> str:
        return value_of(self.wait_for_message(mailbox, timeout, match="otp", **filters), "otp")

    def wait_for_link(self, mailbox: Mailbox, timeout: float = 30.0, **filters: Any) -> str:
        return value_of(self.wait_for_message(mailbox, timeout, match="link", **filters), "confirmation_link")


def _auth(mailbox: Mailbox) -> dict:
    if not mailbox.token:
        raise ValueError("an anonymous mailbox needs its token (use the Mailbox that generate() answered)")
    return {"email": mailbox.email, "token": mailbox.token}
