"""Verified-sender filters (``from_domain``, ``require_auth``) of the sync and asyncio clients against
a running TempMail service that checks senders (TEMPMAIL_AUTH_*: SPF/DMARC through the test DNS
server, see support.py). Mail comes from 127.0.0.1 with the sender domain's From: a genuine message also has
its envelope on that domain (SPF passes and aligns, so DMARC passes); a forged one has its
envelope elsewhere (DMARC fails)."""
import asyncio
import threading
import time
import unittest

from support import AUTH_KEY, AUTH_LIVE, AUTH_SENDER_DOMAIN, AUTH_SMTP_PORT, AUTH_URL, eventually, send, text_mail
from tempmail import AnonymousTempMail, AsyncTempMail, Filters, TempMail, WaitTimeoutError

FORGER = "x@forger.example"
URL, KEY = AUTH_URL, AUTH_KEY


def deliver(msg, envelope_from=None) -> None:
    send(msg, envelope_from, port=AUTH_SMTP_PORT)


def send_later(delay: float, msg) -> threading.Thread:
    """Sends ``msg`` from another thread after ``delay`` s, so the wait is already held when it arrives."""
    t = threading.Thread(target=lambda: (time.sleep(delay), deliver(msg)), daemon=True)
    t.start()
    return t


def shop_mail(to: str, subject: str, code: str):
    return text_mail(to, subject, f"Your code is {code}.", sender=f"Shop <no-reply@{AUTH_SENDER_DOMAIN}>")


def checked(read, message_id: str):
    """The message once the server has its authentication results (they follow the message)."""
    return eventually(lambda: (lambda m: m if m.authentication is not None else None)(read(message_id)), timeout=30)


@unittest.skipUnless(AUTH_LIVE, "set TEMPMAIL_AUTH_URL, TEMPMAIL_AUTH_KEY, TEMPMAIL_AUTH_SMTP_PORT and TEMPMAIL_AUTH_SENDER_DOMAIN")
class LiveVerifiedSenderTest(unittest.TestCase):
    def test_forged_from_is_ignored_with_require_auth(self):
        tm = TempMail(KEY, base_url=URL)
        box = tm.generate()
        deliver(shop_mail(box.email, "forged code", "583920"), FORGER)
        # from_domain alone: the From header's domain counts, so the forged message matches.
        plain = tm.wait_for_message(box.email, timeout=30, match="otp", from_domain=AUTH_SENDER_DOMAIN)
        self.assertEqual(plain.otp, "583920")
        forged = checked(lambda i: tm.read(box.email, i), plain.id)
        self.assertEqual(forged.authentication.verified_domains, [])
        self.assertNotEqual(forged.authentication.dmarc["result"], "pass")
        # require_auth: held past the forged message until the genuine one is sent and checked.
        sender = send_later(0.5, shop_mail(box.email, "real code", "720416"))
        self.assertEqual(tm.wait_for_otp(box.email, timeout=60, from_domain=AUTH_SENDER_DOMAIN, require_auth=True), "720416")
        sender.join()
        real = tm.wait_for_message(box.email, timeout=30, require_auth=True)  # alone: DMARC passed
        self.assertEqual((real.subject, real.authentication.dmarc["result"]), ("real code", "pass"))
        self.assertEqual(real.authentication.verified_domains, [AUTH_SENDER_DOMAIN])
        # A parent domain matches; a domain nothing was authenticated for does not.
        self.assertEqual(tm.wait_for_otp(box.email, timeout=30, from_domain="example", require_auth=True), "720416")
        with self.assertRaises(WaitTimeoutError):
            tm.wait_for_message(box.email, timeout=1, from_domain="other.example", require_auth=True)
        # inbox() takes the same filter.
        self.assertEqual([s.subject for s in tm.inbox(box.email, from_domain=AUTH_SENDER_DOMAIN, require_auth=True)], ["real code"])
        self.assertEqual(len(tm.inbox(box.email, from_domain=AUTH_SENDER_DOMAIN)), 2)
        # Polling checks the same filter here (a server without wait.php): the forged one is passed over.
        polled = tm.wait_for_message(box.email, timeout=30, transport="poll", interval=0.2,
                                     from_domain=AUTH_SENDER_DOMAIN.upper() + ".", require_auth=True)
        self.assertEqual(polled.id, real.id)
        with self.assertRaises(WaitTimeoutError):
            tm.wait_for_message(box.email, timeout=0.5, transport="poll", interval=0.2, from_domain="other.example")

    def test_anonymous_wait_for_link_with_from_domain(self):
        anon = AnonymousTempMail(base_url=URL)
        box = anon.generate()
        msg = text_mail(box.email, "confirm", "Confirm: https://shop.example/confirm?t=9",
                        sender=f"no-reply@{AUTH_SENDER_DOMAIN}")
        send_later(0.3, msg).join()
        self.assertEqual(anon.wait_for_link(box, timeout=60, from_domain=AUTH_SENDER_DOMAIN, require_auth=True),
                         "https://shop.example/confirm?t=9")

    def test_asyncio_client_takes_the_same_filters(self):
        async def scenario():
            async with AsyncTempMail(KEY, base_url=URL) as tm:
                box = await tm.generate()
                await asyncio.to_thread(deliver, shop_mail(box.email, "forged", "583920"), FORGER)
                forged = await tm.wait_for_message(box.email, timeout=30)
                held = asyncio.create_task(tm.wait_for_otp(box.email, timeout=60, from_domain=AUTH_SENDER_DOMAIN, require_auth=True))
                await asyncio.to_thread(checked, lambda i: TempMail(KEY, base_url=URL).read(box.email, i), forged.id)
                self.assertFalse(held.done())
                await asyncio.to_thread(deliver, shop_mail(box.email, "real", "720416"))
                self.assertEqual(await held, "720416")
                listed = await tm.inbox(box.email, from_domain=AUTH_SENDER_DOMAIN, require_auth=True)
                self.assertEqual([s.subject for s in listed], ["real"])
        asyncio.run(scenario())

    def test_filters_query(self):
        self.assertEqual(Filters(from_domain="shop.example", require_auth=True).query()["require_auth"], "1")
        self.assertIsNone(Filters(from_domain="shop.example").query()["require_auth"])


if __name__ == "__main__":
    unittest.main()
