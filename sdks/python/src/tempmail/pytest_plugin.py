"""The pytest plugin (registered through the ``pytest11`` entry point, so installing the package
is enough): a fresh mailbox per test as the ``tempmail_inbox`` fixture, deleted afterwards.

Where the service is and which key to use: ``--tempmail-url`` / ``--tempmail-key``, the
``tempmail_url`` / ``tempmail_key`` ini options, or the ``TEMPMAIL_URL`` / ``TEMPMAIL_KEY``
environment variables (in that order). Without a key the mailbox is an anonymous one (``/api``).
``tempmail_ttl`` (ini) sets the mailbox lifetime in seconds.

.. code-block:: python

    def test_sign_up(tempmail_inbox):
        sign_up(tempmail_inbox.email)                     # the code under test sends mail
        code = tempmail_inbox.wait_for_otp(timeout=60)    # held on the server, no polling
        assert confirm(code)
"""
from __future__ import annotations

import os
from typing import Any, Iterator, List, Optional, Union

import pytest

from ._transport import DEFAULT_BASE_URL
from .client import AnonymousTempMail, TempMail
from .errors import NotFoundError
from .models import Mailbox, Message, MessageSummary


class TempMailInbox:
    """One mailbox and the calls a test needs on it, whichever API made it."""

    def __init__(self, client: Union[TempMail, AnonymousTempMail], mailbox: Mailbox) -> None:
        self.client = client
        self.mailbox = mailbox
        # The keyed calls take the address, the anonymous ones the Mailbox (with its token).
        self._ref: Any = mailbox.email if isinstance(client, TempMail) else mailbox

    @property
    def email(self) -> str:
        return self.mailbox.email

    def messages(self, **filters: Any) -> List[MessageSummary]:
        """The summaries, newest first (``match``, ``sender``, ``subject``, ``since`` filter)."""
        return self.client.inbox(self._ref, **filters)

    def read(self, message_id: str) -> Message:
        return self.client.read(self._ref, message_id)

    def wait_for_message(self, timeout: float = 30.0, **options: Any) -> Message:
        """See :meth:`tempmail.TempMail.wait_for_message` (filters, ``predicate``)."""
        return self.client.wait_for_message(self._ref, timeout, **options)

    def wait_for_otp(self, timeout: float = 30.0, **filters: Any) -> str:
        return self.client.wait_for_otp(self._ref, timeout, **filters)

    def wait_for_link(self, timeout: float = 30.0, **filters: Any) -> str:
        return self.client.wait_for_link(self._ref, timeout, **filters)

    def delete(self) -> None:
        try:
            self.client.delete(self._ref)
        except NotFoundError:
            pass  # already gone (deleted by the test, or expired)

    def __repr__(self) -> str:
        return f"TempMailInbox(email={self.email!r})"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("tempmail", "TempMail disposable inboxes")
    group.addoption("--tempmail-url", dest="tempmail_url", default=None, help="TempMail service URL (else TEMPMAIL_URL)")
    group.addoption("--tempmail-key", dest="tempmail_key", default=None, help="API key (else TEMPMAIL_KEY; none: anonymous mailboxes)")
    parser.addini("tempmail_url", "TempMail service URL", default="")
    parser.addini("tempmail_key", "TempMail API key", default="")
    parser.addini("tempmail_ttl", "lifetime of each test mailbox in seconds", default="")


def _setting(config: pytest.Config, name: str) -> Optional[str]:
    value = config.getoption(name, default=None) or config.getini(name) or os.environ.get(name.upper())
    return str(value) if value else None


@pytest.fixture(scope="session")
def tempmail_client(pytestconfig: pytest.Config) -> Union[TempMail, AnonymousTempMail]:
    """The client the fixtures use: keyed when a key is configured, else anonymous."""
    url = _setting(pytestconfig, "tempmail_url") or DEFAULT_BASE_URL
    key = _setting(pytestconfig, "tempmail_key")
    return TempMail(key, base_url=url) if key else AnonymousTempMail(base_url=url)


@pytest.fixture
def tempmail_inbox(tempmail_client: Union[TempMail, AnonymousTempMail], pytestconfig: pytest.Config) -> Iterator[TempMailInbox]:
    """A new mailbox for this test, deleted when the test ends."""
    ttl = _setting(pytestconfig, "tempmail_ttl")
    mailbox = tempmail_client.generate(ttl=int(ttl) if ttl else None)
    inbox = TempMailInbox(tempmail_client, mailbox)
    yield inbox
    inbox.delete()
