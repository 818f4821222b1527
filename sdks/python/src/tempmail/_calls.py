"""Every API call as a :class:`Call` (path, parameters, parser), shared by the sync and async
clients so both speak exactly the same protocol."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from ._transport import Call, Response, disposition_filename
from .models import AttachmentContent, Domain, Mailbox, Message, MessageSummary, OwnedMailbox, Webhook

#: Time beyond the hold a wait request may take (the answer itself, a busy server).
HOLD_SLACK_SECONDS = 15.0


def _ok(resp: Response) -> bool:
    return bool(resp.json().get("deleted", True))


def _summaries(resp: Response) -> List[MessageSummary]:
    return [MessageSummary.from_dict(m) for m in resp.json()]


def _attachment(index: int):
    def parse(resp: Response) -> AttachmentContent:
        return AttachmentContent(
            filename=disposition_filename(resp.headers.get("content-disposition")) or f"attachment-{index}",
            content_type=resp.headers.get("content-type", "application/octet-stream"),
            data=resp.body,
        )
    return parse


def generate(domain: Optional[str], ttl: Optional[int]) -> Call[Mailbox]:
    return Call("GET", "/v1/generate_email.php", lambda r: Mailbox.from_dict(r.json()), {"domain": domain, "ttl": ttl})


def generate_anonymous(domain: Optional[str], ttl: Optional[int]) -> Call[Mailbox]:
    return Call("GET", "/api/generate_email.php", lambda r: Mailbox.from_dict(r.json()), {"domain": domain, "ttl": ttl})


def inbox(prefix: str, auth: Dict[str, Any], limit: Optional[int], before: Optional[str],
          filters: Optional[Dict[str, Any]] = None) -> Call[List[MessageSummary]]:
    return Call("GET", f"{prefix}/inbox.php", _summaries, {**auth, "limit": limit, "before": before, **(filters or {})})


def mailboxes(limit: Optional[int], before: Optional[str]) -> Call[List[OwnedMailbox]]:
    return Call("GET", "/v1/mailboxes.php", lambda r: [OwnedMailbox.from_dict(m) for m in r.json()], {"limit": limit, "before": before})


def wait(prefix: str, auth: Dict[str, Any], filters: Dict[str, Any], hold: float) -> Call[Message]:
    """One held ``wait.php`` request of ``hold`` seconds (408 when nothing matched in time)."""
    return Call("GET", f"{prefix}/wait.php", lambda r: Message.from_dict(r.json()),
                {**auth, **filters, "timeout": f"{max(hold, 0.001):.3f}"}, timeout=hold + HOLD_SLACK_SECONDS)


def delete_message(prefix: str, auth: Dict[str, Any], message_id: str) -> Call[bool]:
    return Call("POST", f"{prefix}/delete_message.php", _ok, form={**auth, "id": message_id})


def read(prefix: str, auth: Dict[str, Any], message_id: str) -> Call[Message]:
    return Call("GET", f"{prefix}/read.php", lambda r: Message.from_dict(r.json()), {**auth, "id": message_id})


def raw(prefix: str, auth: Dict[str, Any], message_id: str) -> Call[bytes]:
    return Call("GET", f"{prefix}/raw.php", lambda r: r.body, {**auth, "id": message_id})


def attachment(prefix: str, auth: Dict[str, Any], message_id: str, index: int) -> Call[AttachmentContent]:
    return Call("GET", f"{prefix}/attachment.php", _attachment(index), {**auth, "id": message_id, "index": index})


def delete(prefix: str, auth: Dict[str, Any]) -> Call[bool]:
    return Call("POST", f"{prefix}/delete.php", _ok, form=auth)


def webhook_create(email: str, url: str) -> Call[Webhook]:
    return Call("POST", "/v1/webhook.php", lambda r: Webhook.from_dict(r.json()), form={"email": email, "url": url})


def webhook_list(email: str) -> Call[List[Webhook]]:
    return Call("GET", "/v1/webhook.php", lambda r: [Webhook.from_dict(w) for w in r.json()], {"email": email})


def webhook_get(webhook_id: str) -> Call[Webhook]:
    return Call("GET", "/v1/webhook.php", lambda r: Webhook.from_dict(r.json()), {"id": webhook_id})


def webhook_delete(webhook_id: str) -> Call[bool]:
    return Call("DELETE", "/v1/webhook.php", _ok, {"id": webhook_id})


def domain_create(domain: str) -> Call[Domain]:
    return Call("POST", "/v1/domains.php", lambda r: Domain.from_dict(r.json()), form={"domain": domain})


def domain_list(verify: bool) -> Call[List[Domain]]:
    return Call("GET", "/v1/domains.php", lambda r: [Domain.from_dict(d) for d in r.json()], {"verify": 1 if verify else None})


def domain_get(domain: str, verify: bool) -> Call[Domain]:
    return Call("GET", "/v1/domains.php", lambda r: Domain.from_dict(r.json()), {"domain": domain, "verify": 1 if verify else None})


def domain_delete(domain: str) -> Call[bool]:
    return Call("DELETE", "/v1/domains.php", _ok, {"domain": domain})
