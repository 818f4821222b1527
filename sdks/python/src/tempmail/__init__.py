"""TempMail for Python: a dependency-free client of the TempMail API.

- :class:`TempMail` / :class:`AsyncTempMail`: the keyed API v1 (mailboxes, messages, webhooks,
  custom domains), blocking and asyncio.
- :class:`AnonymousTempMail` / :class:`AsyncAnonymousTempMail`: the keyless token mailboxes.
- :func:`verify_webhook_signature`: check ``X-TempMail-Signature`` on your webhook receiver.
"""
from ._transport import DEFAULT_BASE_URL
from .aio import AsyncAnonymousTempMail, AsyncDomains, AsyncTempMail, AsyncWebhooks
from .client import AnonymousTempMail, Domains, TempMail, Webhooks
from .errors import (
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NetworkError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    TempMailError,
    WaitTimeoutError,
)
from .models import (
    Attachment,
    AttachmentContent,
    Authentication,
    Domain,
    Mailbox,
    Message,
    MessageLink,
    MessageSummary,
    OwnedMailbox,
    RateLimit,
    Webhook,
    WebhookDelivery,
    WebhookEvent,
)
from ._waiting import Filters
from .signature import parse_signature_header, parse_webhook_event, sign_webhook_payload, verify_webhook_signature

__version__ = "0.2.0"

__all__ = [
    "DEFAULT_BASE_URL", "TempMail", "AsyncTempMail", "AnonymousTempMail", "AsyncAnonymousTempMail",
    "Webhooks", "Domains", "AsyncWebhooks", "AsyncDomains",
    "TempMailError", "BadRequestError", "AuthenticationError", "PermissionDeniedError", "NotFoundError",
    "ConflictError", "PayloadTooLargeError", "RateLimitError", "ServerError", "NetworkError", "WaitTimeoutError",
    "Filters", "Mailbox", "OwnedMailbox", "MessageSummary", "MessageLink", "Message", "Authentication", "Attachment", "AttachmentContent", "Webhook", "WebhookDelivery",
    "WebhookEvent", "Domain", "RateLimit",
    "verify_webhook_signature", "sign_webhook_payload", "parse_webhook_event", "parse_signature_header",
]
