"""Waiting on the server (wait.php), filters, mailboxes, deleting one message, links and sender
names, against a running TempMail service (see support.py for the environment)."""
import asyncio
import threading
import time
import unittest
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

from support import FREE_KEY, KEY, LIVE, SKIP_REASON, URL, rand, send, text_mail
from tempmail import (AnonymousTempMail, AsyncTempMail, BadRequestError, Filters, NotFoundError, OwnedMailbox, TempMail,
                      WaitTimeoutError)


def html_mail(to: str, subject: str, sender: str = "Acme Support <help@acme.example>"):
    msg = text_mail(to, subject, "Your code is 551903. Confirm: https://acme.example/confirm?t=1", sender=sender)
    msg.add_alternative('<p>Your code is <b>551903</b>.</p><p><a href="https://acme.example/confirm?t=1&amp;x=2">Confirm'
                        ' your address</a> or <a href="https://acme.example/help">read the help</a></p>', subtype="html")
    return msg


def send_later(delay: float, msg) -> threading.Thread:
    """Sends ``msg`` from another thread after ``delay`` s, so the wait is already held when it arrives."""
    t = threading.Thread(target=lambda: (time.sleep(delay), send(msg)), daemon=True)
    t.start()
    return t


@unittest.skipUnless(LIVE, SKIP_REASON)
class LiveServerWaitTest(unittest.TestCase):
    def setUp(self):
        self.tm = TempMail(KEY, base_url=URL)

    def test_wait_for_otp_and_link_held_on_the_server(self):
        box = self.tm.generate()
        sender = send_later(0.5, html_mail(box.email, "Your code"))
        self.assertEqual(self.tm.wait_for_otp(box.email, timeout=60), "551903")
        sender.join()
        self.assertEqual(self.tm.wait_for_link(box.email, timeout=60), "https://acme.example/confirm?t=1&x=2")
        m = self.tm.wait_for_message(box.email, timeout=60, sender="acme support")
        self.assertEqual((m.sender, m.sender_name), ("help@acme.example", "Acme Support"))
        self.assertEqual([(link.url, link.text) for link in m.links],
                         [("https://acme.example/confirm?t=1&x=2", "Confirm your address"), ("https://acme.example/help", "read the help")])
        summary = self.tm.inbox(box.email)[0]
        self.assertEqual((summary.id, summary.sender_name), (m.id, "Acme Support"))

    def test_filters_since_and_predicate(self):
        box = self.tm.generate()
        send(text_mail(box.email, "Welcome aboard", "hello", sender="Team <team@one.example>"))
        first = self.tm.wait_for_message(box.email, timeout=30)
        send(text_mail(box.email, "Your login code", "Code: 66120844", sender="Login <login@two.example>"))
        second = self.tm.wait_for_message(box.email, timeout=30, since=first.id)
        self.assertEqual(second.subject, "Your login code")
        self.assertEqual([s.subject for s in self.tm.inbox(box.email, sender="two.example")], ["Your login code"])
        self.assertEqual([s.subject for s in self.tm.inbox(box.email, subject="WELCOME")], ["Welcome aboard"])
        self.assertEqual([s.subject for s in self.tm.inbox(box.email, match="otp")], ["Your login code"])
        past = datetime.now(timezone.utc) - timedelta(minutes=5)
        self.assertEqual(len(self.tm.inbox(box.email, since=past)), 2)
        self.assertEqual(self.tm.inbox(box.email, since=datetime.now(timezone.utc) + timedelta(minutes=5)), [])
        # A predicate the server cannot evaluate: the first message is refused here and the
        # next request asks for the one after it.
        picked = self.tm.wait_for_message(box.email, timeout=30, predicate=lambda msg: msg.otp == "66120844")
        self.assertEqual(picked.id, second.id)
        with self.assertRaises(BadRequestError):
            self.tm.inbox(box.email, since="msg_notinthismailbox")
        with self.assertRaises(ValueError):
            Filters(match="everything")

    def test_timeout_after_held_requests(self):
        box = self.tm.generate()
        t0 = time.monotonic()
        with self.assertRaises(WaitTimeoutError) as cm:
            self.tm.wait_for_message(box.email, timeout=1.5)
        self.assertEqual(cm.exception.code, "wait_timeout")
        self.assertGreaterEqual(time.monotonic() - t0, 1.4)
        with self.assertRaises(NotFoundError):
            self.tm.wait_for_message("nobody-" + rand() + "@tempmail.test", timeout=5)

    def test_poll_transport_checks_filters_locally(self):
        box = self.tm.generate()
        send(text_mail(box.email, "no code", "nothing here"))
        send(text_mail(box.email, "code", "Your code is 902117"))
        m = self.tm.wait_for_message(box.email, timeout=30, match="otp", transport="poll", interval=0.2)
        self.assertEqual(m.otp, "902117")

    @unittest.skipUnless(FREE_KEY, "TEMPMAIL_FREE_KEY not set")
    def test_parallel_waits_on_a_free_key(self):
        free = TempMail(FREE_KEY, base_url=URL, max_retries=0)
        boxes = [free.generate() for _ in range(8)]
        with ThreadPoolExecutor(len(boxes)) as pool:
            waits = [pool.submit(free.wait_for_otp, b.email, 60) for b in boxes]
            time.sleep(0.5)
            for i, b in enumerate(boxes):
                send(text_mail(b.email, "code", f"Your code is {700100 + i}"))
            self.assertEqual([w.result() for w in waits], [str(700100 + i) for i in range(len(boxes))])

    def test_mailboxes_paged_and_delete_message(self):
        made = [self.tm.generate().email for _ in range(3)]
        page = self.tm.mailboxes(limit=2)
        self.assertEqual(len(page), 2)
        self.assertIsInstance(page[0], OwnedMailbox)
        self.assertEqual([b.email for b in page], made[::-1][:2])
        self.assertEqual(self.tm.mailboxes(limit=1, before=page[1].email)[0].email, made[0])
        everything = [b.email for b in self.tm.iter_mailboxes(page_size=50)]
        self.assertTrue(set(made) <= set(everything))
        self.assertTrue(all(b.created_at and b.expires > datetime.now(timezone.utc) for b in page))

        box = made[0]
        send(text_mail(box, "keep", "keep me"))
        send(text_mail(box, "drop", "drop me"))
        drop = self.tm.wait_for_message(box, timeout=30, subject="drop")
        self.assertTrue(self.tm.delete_message(box, drop.id))
        self.assertEqual([s.subject for s in self.tm.inbox(box)], ["keep"])
        with self.assertRaises(NotFoundError):
            self.tm.delete_message(box, drop.id)

    def test_anonymous_wait_and_delete_message(self):
        anon = AnonymousTempMail(base_url=URL)
        box = anon.generate()
        send_later(0.3, html_mail(box.email, "anon code"))
        self.assertEqual(anon.wait_for_otp(box, timeout=60), "551903")
        m = anon.wait_for_message(box, timeout=10)
        self.assertTrue(anon.delete_message(box, m.id))
        self.assertEqual(anon.inbox(box), [])

    def test_async_waits_and_new_calls(self):
        async def go():
            async with AsyncTempMail(KEY, base_url=URL) as atm:
                box = await atm.generate()
                send_later(0.3, html_mail(box.email, "async code"))
                code, link = await asyncio.gather(atm.wait_for_otp(box.email, timeout=60), atm.wait_for_link(box.email, timeout=60))

                async def is_acme(msg):
                    return msg.sender_name == "Acme Support"
                m = await atm.wait_for_message(box.email, timeout=30, predicate=is_acme, subject="async")
                listed = [b.email async for b in atm.iter_mailboxes(page_size=2)]
                deleted = await atm.delete_message(box.email, m.id)
                return box.email, code, link, listed, deleted, await atm.inbox(box.email)
        email, code, link, listed, deleted, left = asyncio.run(go())
        self.assertEqual((code, link), ("551903", "https://acme.example/confirm?t=1&x=2"))
        self.assertIn(email, listed)
        self.assertEqual((deleted, left), (True, []))
