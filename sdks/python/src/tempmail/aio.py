"""``AsyncTempMail`` and ``AsyncAnonymousTempMail``: the asyncio clients. Same calls and answers as
the blocking ones; each request runs in a worker thread (``asyncio.to_thread``), so nothing
blocks the event loop and no dependency is needed."""
from __future__ import annotations

from typing import Any, AsyncIterator, List, Mapping, Optional

from . import _calls as calls
from ._transport import DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES, HttpCore, run_async
from ._waiting import AsyncPredicate, Filters, value_of, wait_async
from .client import Since, _auth
from .models import AttachmentContent, Domain, Mailbox, Message, MessageSummary, OwnedMailbox, RateLimit, Webhook


class AsyncWebhooks:
    """``client.webhooks`` of :class:`AsyncTempMail` (see :class:`tempmail.client.Webhooks`)."""

    def __init__(self, http: HttpCore) -> None:
        self._http = http

    async def create(self, email: str, url: str) -> Webhook:
        return await run_async(self._http, calls.webhook_create(email, url))

    async def list(self, email: str) -> List[Webhook]:
        return await run_async(self._http, calls.webhook_list(email))

    async def get(self, webhook_id: str) -> Webhook:
        return await run_async(self._http, calls.webhook_get(webhook_id))

    async def delete(self, webhook_id: str) -> bool:
        return await run_async(self._http, calls.webhook_delete(webhook_id))


class AsyncDomains:
    """``client.domains`` of :class:`AsyncTempMail` (see :class:`tempmail.client.Domains`)."""

    def __init__(self, http: HttpCore) -> None:
        self._http = http

    async def create(self, domain: str) -> Domain:
        return await run_async(self._http, calls.domain_create(domain))

    async def list(self, verify: bool = False) -> List[Domain]:
        return await run_async(self._http, calls.domain_list(verify))

    async def get(self, domain: str, verify: bool = False) -> Domain:
        return await run_async(self._http, calls.domain_get(domain, verify))

    async def verify(self, domain: str) -> Domain:
        return await self.get(domain, verify=True)

    async def delete(self, domain: str) -> bool:
        return await run_async(self._http, calls.domain_delete(domain))


class AsyncTempMail:
    """asyncio client of the keyed API v1; every method of :class:`tempmail.TempMail`, awaitable.

    >>> async with AsyncTempMail("tm_...") as tm:
    ...     box = await tm.generate()
    ...     message = await tm.wait_for_message(box.email, timeout=60)
    """

    def __init__(self, key: str, base_url: str = DEFAULT_BASE_URL, *, timeout: float = 30.0, max_retries: int = DEFAULT_MAX_RETRIES,
                 max_retry_delay: float = 60.0, headers: Optional[Mapping[str, str]] = None) -> None:
        if not key:
            raise ValueError("AsyncTempMail: key (the API key) is required")
        self._http = HttpCore(base_url, key, timeout, max_retries, max_retry_delay, headers)
        self.webhooks = AsyncWebhooks(self._http)
        self.domains = AsyncDomains(self._http)

    @property
    def base_url(self) -> str:
        return self._http.base_url

    @property
    def rate_limit(self) -> Optional[RateLimit]:
        """``X-RateLimit-*`` of the latest answer; None before the first call."""
        return self._http.rate_limit

    async def generate(self, domain: Optional[str] = None, ttl: Optional[int] = None) -> Mailbox:
        return await run_async(self._http, calls.generate(domain, ttl))

    async def mailboxes(self, limit: Optional[int] = None, before: Optional[str] = None) -> List[OwnedMailbox]:
        """The key's live mailboxes, newest first; ``before`` is the last address of the previous page."""
        return await run_async(self._http, calls.mailboxes(limit, before))

    async def iter_mailboxes(self, page_size: int = 100) -> AsyncIterator[OwnedMailbox]:
        """Every live mailbox of the key, page by page (newest first)."""
        before = None
        while True:
            page = await self.mailboxes(limit=page_size, before=before)
            for mailbox in page:
                yield mailbox
            if len(page) < page_size:
                return
            before = page[-1].email

    async def inbox(self, email: str, limit: Optional[int] = None, before: Optional[str] = None, *, match: Optional[str] = None,
                    sender: Optional[str] = None, subject: Optional[str] = None, since: Since = None,
                    from_domain: Optional[str] = None, require_auth: bool = False) -> List[MessageSummary]:
        return await run_async(self._http, calls.inbox("/v1", {"email": email}, limit, before, Filters(match, sender, subject, since, from_domain, require_auth).query()))

    async def iter_inbox(self, email: str, page_size: int = 100) -> AsyncIterator[MessageSummary]:
        """Every summary of the mailbox, page by page (newest first)."""
        before = None
        while True:
            page = await self.inbox(email, limit=page_size, before=before)
            for summary in page:
                yield summary
            if len(page) < page_size:
                return
            before = page[-1].id

    async def read(self, email: str, message_id: str) -> Message:
        return await run_async(self._http, calls.read("/v1", {"email": email}, message_id))

    async def raw(self, email: str, message_id: str) -> bytes:
        return await run_async(self._http, calls.raw("/v1", {"email": email}, message_id))

    async def attachment(self, email: str, message_id: str, index: int) -> AttachmentContent:
        return await run_async(self._http, calls.attachment("/v1", {"email": email}, message_id, index))

    async def delete_message(self, email: str, message_id: str) -> bool:
        return await run_async(self._http, calls.delete_message("/v1", {"email": email}, message_id))

    async def delete(self, email: str) -> bool:
        return await run_async(self._http, calls.delete("/v1", {"email": email}))

    async def wait_for_message(self, email: str, timeout: float = 30.0, predicate: Optional[AsyncPredicate] = None,
                               interval: float = 1.0, *, match: Optional[str] = None, sender: Optional[str] = None,
                               subject: Optional[str] = None, since: Since = None,
                               from_domain: Optional[str] = None, require_auth: bool = False, transport: str = "auto") -> Message:
        """As :meth:`tempmail.TempMail.wait_for_message`; ``predicate`` may be sync or async."""
        return await wait_async(self._http, "/v1", {"email": email}, Filters(match, sender, subject, since, from_domain, require_auth), timeout, predicate,
                                transport, lambda: self.inbox(email), lambda i: self.read(email, i), interval)

    async def wait_for_otp(self, email: str, timeout: float = 30.0, **filters: Any) -> str:
        return value_of(await self.wait_for_message(email, timeout, match="otp", **filters), "otp")

    async def wait_for_link(self, email: str, timeout: float = 30.0, **filters: Any) -> str:
        return value_of(await self.wait_for_message(email, timeout, match="link", **filters), "confirmation_link")

    async def __aenter__(self) -> "AsyncTempMail":
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    def __repr__(self) -> str:
        return f"AsyncTempMail(base_url={self.base_url!r})"


class AsyncAnonymousTempMail:
    """asyncio client of the anonymous API (see :class:`tempmail.AnonymousTempMail`)."""

    def __init__(self, base_url: str = DEFAULT_BASE_URL, *, timeout: float = 30.0, max_retries: int = DEFAULT_MAX_RETRIES,
                 max_retry_delay: float = 60.0, headers: Optional[Mapping[str, str]] = None) -> None:
        self._http = HttpCore(base_url, None, timeout, max_retries, max_retry_delay, headers)

    async def generate(self, ttl: Optional[int] = None, domain: Optional[str] = None) -> Mailbox:
        return await run_async(self._http, calls.generate_anonymous(domain, ttl))

    async def inbox(self, mailbox: Mailbox, limit: Optional[int] = None, before: Optional[str] = None, *, match: Optional[str] = None,
                    sender: Optional[str] = None, subject: Optional[str] = None, since: Since = None,
                    from_domain: Optional[str] = None, require_auth: bool = False) -> List[MessageSummary]:
        return await run_async(self._http, calls.inbox("/api", _auth(mailbox), limit, before, Filters(match, sender, subject, since, from_domain, require_auth).query()))

    async def read(self, mailbox: Mailbox, message_id: str) -> Message:
        return await run_async(self._http, calls.read("/api", _auth(mailbox), message_id))

    async def raw(self, mailbox: Mailbox, message_id: str) -> bytes:
        return await run_async(self._http, calls.raw("/api", _auth(mailbox), message_id))

    async def attachment(self, mailbox: Mailbox, message_id: str, index: int) -> AttachmentContent:
        return await run_async(self._http, calls.attachment("/api", _auth(mailbox), message_id, index))

    async def delete_message(self, mailbox: Mailbox, message_id: str) -> bool:
        return await run_async(self._http, calls.delete_message("/api", _auth(mailbox), message_id))

    async def delete(self, mailbox: Mailbox) -> bool:
        return await run_async(self._http, calls.delete("/api", _auth(mailbox)))

    async def wait_for_message(self, mailbox: Mailbox, timeout: float = 30.0, predicate: Optional[AsyncPredicate] = None,
                               interval: float = 1.0, *, match: Optional[str] = None, sender: Optional[str] = None,
                               subject: Optional[str] = None, since: Since = None,
                               from_domain: Optional[str] = None, require_auth: bool = False, transport: str = "auto") -> Message:
        return await wait_async(self._http, "/api", _auth(mailbox), Filters(match, sender, subject, since, from_domain, require_auth), timeout, predicate,
                                transport, lambda: self.inbox(mailbox), lambda i: self.read(mailbox, i), interval)

    async def wait_for_otp(self, mailbox: Mailbox, timeout: float = 30.0, **filters: Any) -> str:
        return value_of(await self.wait_for_message(mailbox, timeout, match="otp", **filters), "otp")

    async def wait_for_link(self, mailbox: Mailbox, timeout: float = 30.0, **filters: Any) -> str:
        return value_of(await self.wait_for_message(mailbox, timeout, match="link", **filters), "confirmation_link")
