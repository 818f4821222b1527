"""verify_webhook_signature against an independent HMAC (offline)."""
import hashlib
import hmac
import time
import unittest

import support  # noqa: F401  (puts src on sys.path)
from tempmail import TempMailError, parse_webhook_event, sign_webhook_payload, verify_webhook_signature

SECRET = "whsec_test_0123456789abcdef"
BODY = ('{"event":"message.received","id":"msg_1","email":"a@tempmail.local","sender":"s@example.com",'
        '"subject":"Hi \u2713","otp":"482910","confirmation_link":null,"received_at":"2026-03-07T13:05:22Z"}').encode()
NOW = int(time.time())  # only for signatures checked right away


def header(t: int, body: bytes = BODY, secret: str = SECRET) -> str:
    return f"t={t},v1={hmac.new(secret.encode(), f'{t}.'.encode() + body, hashlib.sha256).hexdigest()}"


class SignatureTest(unittest.TestCase):
    def test_accepts_server_style_signature(self):
        self.assertTrue(verify_webhook_signature(SECRET, header(NOW), BODY))
        self.assertTrue(verify_webhook_signature(SECRET, header(NOW), BODY.decode()))
        self.assertTrue(verify_webhook_signature(SECRET.encode(), header(NOW), bytearray(BODY)))

    def test_refuses_wrong_secret_body_or_time(self):
        now = int(time.time())
        self.assertFalse(verify_webhook_signature("whsec_other", header(now), BODY))
        self.assertFalse(verify_webhook_signature(SECRET, header(now), BODY.replace(b"482910", b"000000")))
        self.assertFalse(verify_webhook_signature(SECRET, header(now - 301), BODY, now=now))
        self.assertFalse(verify_webhook_signature(SECRET, header(now + 301), BODY, now=now))
        self.assertTrue(verify_webhook_signature(SECRET, header(now - 299), BODY, now=now))
        self.assertTrue(verify_webhook_signature(SECRET, header(now - 1000), BODY, tolerance_seconds=2000, now=now))
        self.assertTrue(verify_webhook_signature(SECRET, header(now - 100000), BODY, tolerance_seconds=0))
        self.assertTrue(verify_webhook_signature(SECRET, header(now - 299), BODY), "defaults to the clock")

    def test_malformed_headers_are_false(self):
        for h in [None, "", "garbage", f"t={NOW}", "v1=" + "a" * 64, "t=abc,v1=" + "a" * 64,
                  f"t={NOW},v1=xyz", f"t={NOW},v1=" + "a" * 63]:
            self.assertFalse(verify_webhook_signature(SECRET, h, BODY), h)

    def test_several_v1_and_upper_case(self):
        good = header(NOW).split("v1=")[1]
        self.assertTrue(verify_webhook_signature(SECRET, f"t={NOW},v1={'0' * 64},v1={good}", BODY))
        self.assertTrue(verify_webhook_signature(SECRET, f"t={NOW},v1={good.upper()}", BODY))

    def test_sign_and_parse(self):
        self.assertEqual(sign_webhook_payload(SECRET, BODY, NOW), header(NOW))
        event = parse_webhook_event(SECRET, header(NOW), BODY)
        self.assertEqual((event.event, event.otp, event.subject), ("message.received", "482910", "Hi \u2713"))
        self.assertIsNone(event.sender_name, "a body without sender_name (an older server)")
        named = BODY.replace(b'"received_at"', b'"sender_name":"Acme \xe2\x9c\x93","received_at"')
        self.assertEqual(parse_webhook_event(SECRET, sign_webhook_payload(SECRET, named, NOW), named).sender_name, "Acme \u2713")
        with self.assertRaises(TempMailError) as cm:
            parse_webhook_event(SECRET, header(NOW - 1000), BODY)
        self.assertEqual(cm.exception.code, "invalid_signature")


if __name__ == "__main__":
    unittest.main()
