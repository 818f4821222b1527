"""Webhook signatures: ``X-TempMail-Signature: t=UNIX_SECONDS,v1=HEX`` where HEX is HMAC-SHA256
over ``t + "." + body`` keyed with the webhook's secret (the whole ``whsec_...`` string, UTF-8)."""
from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from typing import List, Optional, Tuple, Union

from .errors import TempMailError
from .models import WebhookEvent

Body = Union[bytes, bytearray, memoryview, str]
_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")


def _bytes(value: Body) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


def parse_signature_header(header: str) -> Optional[Tuple[int, List[str]]]:
    """``(t, [v1, ...])`` from ``t=...,v1=...[,v1=...]``; None when malformed."""
    t: Optional[int] = None
    v1: List[str] = []
    for part in header.split(","):
        key, sep, value = part.partition("=")
        if not sep:
            return None
        key, value = key.strip(), value.strip()
        if key == "t":
            if not re.fullmatch(r"\d{1,12}", value):
                return None
            t = int(value)
        elif key == "v1" and _HEX64.match(value):
            v1.append(value.lower())
    return (t, v1) if t is not None and v1 else None


def _mac(secret: Union[str, bytes], t: int, body: Body) -> bytes:
    return hmac.new(_bytes(secret), f"{t}.".encode() + _bytes(body), hashlib.sha256).digest()


def verify_webhook_signature(secret: Union[str, bytes], header: Optional[str], body: Body,
                             tolerance_seconds: int = 300, now: Optional[float] = None) -> bool:
    """True when ``header`` (the ``X-TempMail-Signature`` value) signs ``body`` -- the RAW request
    body, before any JSON parsing -- with ``secret`` and its timestamp is within
    ``tolerance_seconds`` of now (``0`` or less skips the time check). Constant-time compare."""
    if not header or not secret:
        return False
    parsed = parse_signature_header(header)
    if parsed is None:
        return False
    t, candidates = parsed
    current = time.time() if now is None else now
    if tolerance_seconds > 0 and abs(current - t) > tolerance_seconds:
        return False
    expected = _mac(secret, t, body)
    ok = False
    for candidate in candidates:
        ok |= hmac.compare_digest(expected, bytes.fromhex(candidate))
    return ok


def sign_webhook_payload(secret: Union[str, bytes], body: Body, t: Optional[int] = None) -> str:
    """The ``X-TempMail-Signature`` value the server would send for ``body`` at ``t`` (for tests)."""
    t = int(time.time()) if t is None else t
    return f"t={t},v1={_mac(secret, t, body).hex()}"


def parse_webhook_event(secret: Union[str, bytes], header: Optional[str], body: Body,
                        tolerance_seconds: int = 300) -> WebhookEvent:
    """Verifies a delivery and parses its event; raises TempMailError (``code ==
    "invalid_signature"``) when it does not verify."""
    if not verify_webhook_signature(secret, header, body, tolerance_seconds):
        raise TempMailError("Webhook signature does not verify (wrong secret, altered body or stale timestamp)",
                            code="invalid_signature")
    return WebhookEvent.from_dict(json.loads(_bytes(body).decode("utf-8")))
