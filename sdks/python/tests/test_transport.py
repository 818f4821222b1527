"""The HTTP layer against a local fake server (offline): headers, errors, rate-limit info, 429 retries."""
import asyncio
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import support  # noqa: F401
from tempmail import (AsyncTempMail, AuthenticationError, BadRequestError, ConflictError, NetworkError, NotFoundError,
                      PermissionDeniedError, RateLimitError, ServerError, TempMail, TempMailError)


class Fake:
    """Answers every request with ``self.respond(handler) -> (status, headers, body)``; records requests."""

    def __init__(self):
        fake = self
        self.seen = []
        self.respond = lambda h: (200, {"Content-Type": "application/json"}, b"{}")

        class Handler(BaseHTTPRequestHandler):
            def _any(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))
                fake.seen.append((self.command, self.path, dict(self.headers), body))
                status, headers, out = fake.respond(self)
                try:
                    self.send_response(status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(out)))
                    self.end_headers()
                    self.wfile.write(out)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

            do_GET = do_POST = do_DELETE = _any

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def json_answer(status, body, **headers):
    return status, {"Content-Type": "application/json", **headers}, body.encode()


MESSAGE = ('{"id":"msg_2","sender":"x@gh.example","sender_name":"GH","subject":"s","date_received":"2026-01-01T00:00:00Z",'
           '"email":"a@b.c","body":"code 123456","html":null,"otp":"123456","confirmation_link":null,"attachments":[],'
           '"links":[{"url":"https://gh.example/a","text":"a"}]}')


class TransportTest(unittest.TestCase):
    def setUp(self):
        self.fake = Fake()

    def tearDown(self):
        self.fake.close()

    def test_bearer_form_and_rate_limit(self):
        rl = {"X-RateLimit-Limit": "600", "X-RateLimit-Remaining": "599", "X-RateLimit-Reset": "42"}
        self.fake.respond = lambda h: json_answer(200, '{"email":"a@b.c","expires_at":"2030-01-01T00:00:00Z","future":1}', **rl)
        tm = TempMail("tm_secret", base_url=self.fake.url + "/")
        self.assertIsNone(tm.rate_limit)
        box = tm.generate(domain="tempmail.local", ttl=600)
        self.assertEqual(box.email, "a@b.c")
        self.assertEqual(box.raw["future"], 1, "unknown fields are kept in raw")
        method, path, headers, _ = self.fake.seen[-1]
        self.assertEqual((method, path), ("GET", "/v1/generate_email.php?domain=tempmail.local&ttl=600"))
        self.assertEqual(headers["Authorization"], "Bearer tm_secret")
        self.assertEqual((tm.rate_limit.limit, tm.rate_limit.remaining, tm.rate_limit.reset), (600, 599, 42))
        self.fake.respond = lambda h: json_answer(200, '{"id":"whk_1","email":"a@b.c","url":"https://x","secret":"s"}')
        hook = tm.webhooks.create("a@b.c", "https://x/y?z=1")
        self.assertEqual(hook.secret, "s")
        _, _, headers, body = self.fake.seen[-1]
        self.assertEqual(headers["Content-Type"], "application/x-www-form-urlencoded")
        self.assertEqual(body, b"email=a%40b.c&url=https%3A%2F%2Fx%2Fy%3Fz%3D1")
        self.assertNotIn("tm_secret", repr(tm))
        self.assertNotIn("secret", repr(hook), "the webhook secret is not in its repr")

    def test_error_classes(self):
        tm = TempMail("k", base_url=self.fake.url)
        for status, code, kind in [(400, "bad_request", BadRequestError), (401, "unauthorized", AuthenticationError),
                                   (403, "forbidden", PermissionDeniedError), (404, "not_found", NotFoundError),
                                   (409, "conflict", ConflictError), (503, "unavailable", ServerError)]:
            self.fake.respond = lambda h, s=status, c=code: json_answer(s, f'{{"error":{{"code":"{c}","message":"m{s}"}}}}')
            with self.assertRaises(kind) as cm:
                tm.read("a@b.c", "msg_1")
            self.assertIsInstance(cm.exception, TempMailError)
            self.assertEqual((cm.exception.status, cm.exception.code, cm.exception.message), (status, code, f"m{status}"))
        self.fake.respond = lambda h: (502, {"Content-Type": "text/plain"}, b"Bad gateway")
        with self.assertRaises(ServerError) as cm:
            tm.inbox("a@b.c")
        self.assertEqual(cm.exception.code, "http_502")

    def _limited_then_ok(self, times):
        calls = {"n": 0}

        def respond(h):
            calls["n"] += 1
            if calls["n"] <= times:
                return json_answer(429, '{"error":{"code":"rate_limited","message":"slow down"}}', **{
                    "Retry-After": "1", "X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1"})
            return json_answer(200, "[]")
        self.fake.respond = respond
        return calls

    def test_rate_limit_error_and_bounded_retry(self):
        calls = self._limited_then_ok(2)
        tm = TempMail("k", base_url=self.fake.url, max_retries=0)
        with self.assertRaises(RateLimitError) as cm:
            tm.inbox("a@b.c")
        self.assertEqual(cm.exception.retry_after, 1.0)
        self.assertEqual(cm.exception.rate_limit.remaining, 0)
        self.assertEqual(calls["n"], 1, "max_retries=0: no retry")

        calls = self._limited_then_ok(2)
        self.assertEqual(TempMail("k", base_url=self.fake.url).inbox("a@b.c"), [])
        self.assertEqual(calls["n"], 3, "retried by default")

        calls = self._limited_then_ok(2)
        t0 = time.monotonic()
        self.assertEqual(TempMail("k", base_url=self.fake.url, max_retries=2).inbox("a@b.c"), [])
        self.assertEqual(calls["n"], 3)
        self.assertGreaterEqual(time.monotonic() - t0, 1.9)

        calls = self._limited_then_ok(2)
        with self.assertRaises(RateLimitError):
            TempMail("k", base_url=self.fake.url, max_retries=2, max_retry_delay=0.5).inbox("a@b.c")
        self.assertEqual(calls["n"], 1, "a Retry-After longer than max_retry_delay is not waited for")

    def test_503_retried_after_retry_after(self):
        calls = {"n": 0}

        def respond(h):
            calls["n"] += 1
            if calls["n"] == 1:
                return json_answer(503, '{"error":{"code":"unavailable","message":"shutting down"}}', **{"Retry-After": "1"})
            return json_answer(200, "[]")
        self.fake.respond = respond
        t0 = time.monotonic()
        self.assertEqual(TempMail("k", base_url=self.fake.url).inbox("a@b.c"), [])
        self.assertEqual(calls["n"], 2)
        self.assertGreaterEqual(time.monotonic() - t0, 0.9)
        calls["n"] = 0
        with self.assertRaises(ServerError) as cm:
            TempMail("k", base_url=self.fake.url, max_retries=0).inbox("a@b.c")
        self.assertEqual((cm.exception.status, cm.exception.retry_after), (503, 1.0))

    def test_server_wait_renews_after_408_and_falls_back_to_polling(self):
        seen = []

        def respond(h):
            seen.append(h.path)
            if h.path.startswith("/v1/wait.php") and len(seen) == 1:
                return json_answer(408, '{"error":{"code":"timeout","message":"nothing yet"}}')
            if h.path.startswith("/v1/wait.php"):
                return json_answer(200, MESSAGE)
            return json_answer(404, '{"error":{"code":"unknown_endpoint","message":"no such route"}}')
        self.fake.respond = respond
        m = TempMail("k", base_url=self.fake.url).wait_for_message("a@b.c", timeout=30, match="otp", sender="gh", since="msg_1")
        self.assertEqual(m.otp, "123456")
        self.assertEqual(len(seen), 2)
        self.assertIn("match=otp", seen[1])
        self.assertIn("from=gh", seen[1])
        self.assertIn("since=msg_1", seen[1])

        # A server without wait.php: the inbox is polled and the filters are checked here.
        seen.clear()

        def old_server(h):
            seen.append(h.path)
            if h.path.startswith("/v1/inbox.php"):
                return json_answer(200, '[{"id":"msg_2","sender":"x@gh.example","subject":"s","date_received":"2026-01-01T00:00:00Z"}]')
            if h.path.startswith("/v1/read.php"):
                return json_answer(200, MESSAGE)
            return json_answer(404, '{"error":{"code":"unknown_endpoint","message":"no such route"}}')
        self.fake.respond = old_server
        self.assertEqual(TempMail("k", base_url=self.fake.url).wait_for_otp("a@b.c", timeout=30), "123456")
        self.assertTrue(seen[0].startswith("/v1/wait.php") and seen[1].startswith("/v1/inbox.php"), seen)

    def test_async_retry(self):
        calls = self._limited_then_ok(1)

        async def go():
            async with AsyncTempMail("k", base_url=self.fake.url, max_retries=1) as tm:
                return await tm.inbox("a@b.c"), tm.rate_limit
        result, rl = asyncio.run(go())
        self.assertEqual(result, [])
        self.assertEqual(calls["n"], 2)
        self.assertEqual(rl.remaining, 0, "the last answer had no X-RateLimit-*: the 429's are kept")

    def test_network_errors(self):
        with self.assertRaises(NetworkError) as cm:
            TempMail("k", base_url="http://127.0.0.1:1").inbox("a@b.c")
        self.assertEqual((cm.exception.status, cm.exception.code), (0, "network_error"))

        def hang(h):
            time.sleep(1.5)
            return json_answer(200, "[]")
        self.fake.respond = hang
        with self.assertRaises(NetworkError) as cm:
            TempMail("k", base_url=self.fake.url, timeout=0.3).inbox("a@b.c")
        self.assertEqual(cm.exception.code, "timeout")

    def test_raw_and_attachment(self):
        def respond(h):
            if h.path.startswith("/v1/raw.php"):
                return 200, {"Content-Type": "message/rfc822"}, b"Subject: x\r\n\r\nhi"
            return 200, {"Content-Type": "application/pdf",
                         "Content-Disposition": "attachment; filename=\"r_sum_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf"}, b"\x01\x02\x03"
        self.fake.respond = respond
        tm = TempMail("k", base_url=self.fake.url)
        self.assertEqual(tm.raw("a@b.c", "msg_1"), b"Subject: x\r\n\r\nhi")
        att = tm.attachment("a@b.c", "msg_1", 0)
        self.assertEqual((att.filename, att.content_type, att.data), ("r\u00e9sum\u00e9.pdf", "application/pdf", b"\x01\x02\x03"))


if __name__ == "__main__":
    unittest.main()
