"""A sign-up test with the ``tempmail_inbox`` fixture (installed with the ``tempmail`` package).

Run: ``TEMPMAIL_URL=... TEMPMAIL_KEY=... pytest`` (no key: anonymous mailboxes)."""
from signup_app import sign_up


def test_sign_up_mails_a_code(tempmail_inbox):
    code = sign_up(tempmail_inbox.email)
    assert tempmail_inbox.wait_for_otp(timeout=60) == code


def test_sign_up_mails_a_confirmation_link(tempmail_inbox):
    sign_up(tempmail_inbox.email)
    link = tempmail_inbox.wait_for_link(timeout=60, sender="no-reply@app.example")
    assert link.startswith("https://app.example/confirm?token=")
    message = tempmail_inbox.wait_for_message(timeout=60, subject="confirm your account")
    assert message.sender_name == "Example App"
    assert [l.url for l in message.links] == [link]
