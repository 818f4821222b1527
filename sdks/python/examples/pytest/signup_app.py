"""Stands in for the application under test: signing up mails a six-digit code and a
confirmation link to the address given. Replace it with your own application."""
import os
import secrets
import smtplib
from email.message import EmailMessage


def sign_up(email: str) -> str:
    """Registers ``email`` and mails it a code (the one answered) and a confirmation link."""
    code = str(100000 + secrets.randbelow(900000))
    token = secrets.token_urlsafe(16)
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "Example App <no-reply@app.example>", email, "Confirm your account"
    msg.set_content(f"Your verification code is {code}.\nOr confirm here: https://app.example/confirm?token={token}\n")
    msg.add_alternative(f'<p>Your verification code is <b>{code}</b>.</p>'
                        f'<p><a href="https://app.example/confirm?token={token}">Confirm your account</a></p>', subtype="html")
    with smtplib.SMTP(os.environ.get("SMTP_HOST", "127.0.0.1"), int(os.environ.get("SMTP_PORT", "2525")), timeout=30) as smtp:
        smtp.send_message(msg)
    return code
