"""The shapes the API answers with, as dataclasses. Field names are the wire names of the
published contract. Fields the server adds later are kept in ``raw`` (the whole JSON object)."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Optional, Type, TypeVar

T = TypeVar("T")


def _build(cls: Type[T], data: Dict[str, Any], **override: Any) -> T:
    """``cls`` from a JSON object: known fields only (missing optional ones get their default)."""
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    values = {k: v for k, v in data.items() if k in names and k != "raw"}
    values.update(override)
    return cls(**values, raw=data)  # type: ignore[call-arg]


def parse_time(value: str) -> datetime:
    """An ISO 8601 UTC timestamp of the API (``...Z``) as an aware datetime."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@dataclass(frozen=True)
class Mailbox:
    """A mailbox. ``token`` is set for anonymous mailboxes only (the secret that reads it)."""

    email: str
    expires_at: str
    token: Optional[str] = None
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def expires(self) -> datetime:
        """``expires_at`` as an aware datetime."""
        return parse_time(self.expires_at)

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "Mailbox":
        return _build(cls, data)


@dataclass(frozen=True)
class MessageSummary:
    """One entry of an inbox list (newest first). ``sender_name``: the From header's display name
    (``GitHub`` in ``GitHub <noreply@github.com>``), or None."""

    id: str
    sender: str
    subject: str
    date_received: str
    sender_name: Optional[str] = None
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "MessageSummary":
        return _build(cls, data)


@dataclass(frozen=True)
class Attachment:
    """Metadata of one attachment; fetch its bytes with ``attachment(email, id, index)``."""

    filename: str
    content_type: str
    size: int
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "Attachment":
        return _build(cls, data)


@dataclass(frozen=True)
class MessageLink:
    """One link a person can click: ``url`` as the message has it, ``text`` what it shows."""

    url: str
    text: str
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "MessageLink":
        return _build(cls, data)


@dataclass(frozen=True)
class Authentication:
    """Who really sent a message, as the server checked it after receiving it: SPF, each DKIM
    signature, DMARC and ARC results (dicts with the wire fields, e.g. ``dmarc["result"]``), and
    ``verified_domains``: the From domain when DMARC passed, then each passing DKIM ``d=``."""

    spf: Dict[str, Any] = field(default_factory=dict)
    dkim: List[Dict[str, Any]] = field(default_factory=list)
    dmarc: Dict[str, Any] = field(default_factory=dict)
    arc: Dict[str, Any] = field(default_factory=dict)
    verified_domains: List[str] = field(default_factory=list)
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "Authentication":
        return _build(cls, data)


@dataclass(frozen=True)
class Message:
    """One message as ``read.php`` answers it, with the extracted ``otp`` and ``confirmation_link``
    and every clickable link in order (``links``). ``authentication`` is None until the server
    has checked the sender (the results follow the message)."""

    id: str
    sender: str
    subject: str
    date_received: str
    email: str
    body: str
    html: Optional[str] = None
    otp: Optional[str] = None
    confirmation_link: Optional[str] = None
    attachments: List[Attachment] = field(default_factory=list)
    sender_name: Optional[str] = None
    links: List[MessageLink] = field(default_factory=list)
    authentication: Optional[Authentication] = None
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "Message":
        auth = data.get("authentication")
        return _build(cls, data, attachments=[Attachment.from_dict(a) for a in data.get("attachments") or []],
                      links=[MessageLink.from_dict(link) for link in data.get("links") or []],
                      authentication=Authentication.from_dict(auth) if isinstance(auth, dict) else None)


@dataclass(frozen=True)
class OwnedMailbox:
    """One of the key's live mailboxes (``mailboxes()``)."""

    email: str
    created_at: str
    expires_at: str
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def expires(self) -> datetime:
        return parse_time(self.expires_at)

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "OwnedMailbox":
        return _build(cls, data)


@dataclass(frozen=True)
class AttachmentContent:
    """The bytes of one attachment, with the name and type the server sent."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class WebhookDelivery:
    """One delivery attempt in a webhook's log (newest first)."""

    message_id: str
    attempt: int
    at: str
    status_code: Optional[int] = None
    latency_ms: Optional[int] = None
    error: Optional[str] = None
    outcome: str = ""
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "WebhookDelivery":
        return _build(cls, data)


@dataclass(frozen=True)
class Webhook:
    """A webhook. ``secret`` is set only in the answer of ``webhooks.create`` (keep it: it signs
    every delivery and is never listed); ``deliveries`` only in listings."""

    id: str
    email: str
    url: str
    secret: Optional[str] = field(default=None, repr=False)
    active: bool = True
    created_at: Optional[str] = None
    disabled_at: Optional[str] = None
    disabled_reason: Optional[str] = None
    deliveries: List[WebhookDelivery] = field(default_factory=list)
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "Webhook":
        return _build(cls, data, deliveries=[WebhookDelivery.from_dict(d) for d in data.get("deliveries") or []])


@dataclass(frozen=True)
class Domain:
    """A custom receiving domain: ``status`` is ``pending``, ``verified`` or ``suspended``;
    ``mx`` the host its MX record must name."""

    domain: str
    status: str
    mx: str
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "Domain":
        return _build(cls, data)


@dataclass(frozen=True)
class WebhookEvent:
    """A webhook POST body (``event == "message.received"``); ``id`` is the message id, the
    same on every retry (drop duplicates by it)."""

    event: str
    id: str
    email: str
    sender: str = ""
    subject: str = ""
    otp: Optional[str] = None
    confirmation_link: Optional[str] = None
    received_at: str = ""
    #: The From header's display name, or None (also from servers that predate the field).
    sender_name: Optional[str] = None
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "WebhookEvent":
        return _build(cls, data)


@dataclass(frozen=True)
class RateLimit:
    """``X-RateLimit-*`` of the latest answer: ``reset`` in seconds as the server said, and
    ``reset_at`` the absolute time computed when the answer arrived."""

    limit: int
    remaining: int
    reset: int
    reset_at: datetime

    @classmethod
    def from_headers(cls, headers: Dict[str, str]) -> Optional["RateLimit"]:
        try:
            limit, remaining, reset = (int(float(headers[h])) for h in ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"))
        except (KeyError, ValueError):
            return None
        return cls(limit, remaining, reset, datetime.now(timezone.utc) + timedelta(seconds=reset))
