"""Test support: puts ``src`` on sys.path, reads the live service's coordinates, sends mail with
smtplib (a real SMTP client) and runs an HTTP receiver for webhook deliveries.

TEMPMAIL_URL, TEMPMAIL_KEY (premium) and TEMPMAIL_SMTP_PORT enable the live tests;
TEMPMAIL_FREE_KEY (403 checks), TEMPMAIL_LIMITED_KEY (a key with a low rate limit, 429 checks)
TEMPMAIL_TEST_DOMAIN (a custom domain whose MX already points at the service) add more.
TEMPMAIL_AUTH_URL, TEMPMAIL_AUTH_KEY and TEMPMAIL_AUTH_SMTP_PORT name a service that checks
senders, and TEMPMAIL_AUTH_SENDER_DOMAIN a domain whose SPF passes for 127.0.0.1 (with a DMARC
record) there: the verified-sender tests.
"""
import os
import smtplib
import sys
import threading
import time
import uuid
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Optional

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

URL = os.environ.get("TEMPMAIL_URL", "")
KEY = os.environ.get("TEMPMAIL_KEY", "")
FREE_KEY = os.environ.get("TEMPMAIL_FREE_KEY", "")
LIMITED_KEY = os.environ.get("TEMPMAIL_LIMITED_KEY", "")
SMTP_HOST = os.environ.get("TEMPMAIL_SMTP_HOST", "127.0.0.1")
SMTP_PORT = int(os.environ.get("TEMPMAIL_SMTP_PORT", "0") or 0)
TEST_DOMAIN = os.environ.get("TEMPMAIL_TEST_DOMAIN", "")
AUTH_URL = os.environ.get("TEMPMAIL_AUTH_URL", "")
AUTH_KEY = os.environ.get("TEMPMAIL_AUTH_KEY", "")
AUTH_SMTP_PORT = int(os.environ.get("TEMPMAIL_AUTH_SMTP_PORT", "0") or 0)
AUTH_SENDER_DOMAIN = os.environ.get("TEMPMAIL_AUTH_SENDER_DOMAIN", "")
AUTH_LIVE = bool(AUTH_URL and AUTH_KEY and AUTH_SMTP_PORT and AUTH_SENDER_DOMAIN)
LIVE = bool(URL and KEY and SMTP_PORT)
SKIP_REASON = "set TEMPMAIL_URL, TEMPMAIL_KEY and TEMPMAIL_SMTP_PORT to run the live tests"
if not LIVE:
    print(f"\n*** tempmail (python) live tests SKIPPED: {SKIP_REASON} ***\n", file=sys.stderr)


def rand() -> str:
    return uuid.uuid4().hex[:8]


def send(msg: EmailMessage, envelope_from: Optional[str] = None, port: Optional[int] = None) -> None:
    """Sends over SMTP to the service (the envelope sender is the From address unless given)."""
    with smtplib.SMTP(SMTP_HOST, port or SMTP_PORT, timeout=10) as smtp:
        smtp.send_message(msg, from_addr=envelope_from)


def text_mail(to: str, subject: str, text: str, sender: str = "Sender <sender@example.com>") -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, subject
    msg.set_content(text)
    return msg


def rich_mail(to: str, subject: str, filename: str, content: bytes) -> EmailMessage:
    """HTML with a code and a confirm button, plus one text/plain attachment."""
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "GitHub <noreply@github.com>", to, subject
    msg.set_content('<p>Your code is <b>482910</b>.</p><p><a href="https://github.com/confirm?token=abc&amp;u=1">'
                    "Confirm your email</a></p>", subtype="html")
    msg.add_attachment(content, maintype="text", subtype="plain", filename=filename)
    return msg


def eventually(fn, timeout: float = 10.0, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(step)


class Receiver:
    """An HTTP server on 127.0.0.1 that records every POST (path, headers, raw body) and answers 204."""

    def __init__(self) -> None:
        hits = self.hits = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                hits.append((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
