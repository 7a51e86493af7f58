"""The acceptance tests of issue 29 (`clopt serve`'s second review): whose job a DELETE
ends, who may make the server compute, refusals while a body arrives, slow clients, the
loopback range, retries and the budget. Each fails on the server before that issue.

Attacks are bounded in time and run on loopback; CLOPT_TEST_LONG=1 (tools/test --long) runs
them at the issue's full size.

usage: python3 tests/server/test_review.py CLOPT_BINARY [unittest args]
"""

import json
import os
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import test_server  # noqa: E402
from client import Server, Stream, get_json, post_json, request, wait_until  # noqa: E402

BINARY = None
LONG = os.environ.get("CLOPT_TEST_LONG", "0") not in ("", "0")


def load(port):
    return get_json(port, "/api/v1/health")[1]["load"]


class Case(unittest.TestCase):
    def start(self, *args, **kw):
        srv = Server(BINARY, *args, **kw)
        self.addCleanup(lambda: self.assertEqual(srv.stop()[0], 0))
        return srv


class Followers(Case):
    """Item 6: the id is the request's hash, so two clients posting the same request share
    one job; a DELETE ends it only when no client still follows it."""

    def test_delete_ends_a_shared_job_only_at_its_last_follower(self):
        srv = self.start()
        port = srv.port
        req = test_server.big_run(29)
        status, first = post_json(port, "/api/v1/runs", req)
        self.assertEqual(status, 201, first)
        mine = Stream(port, first["events"], timeout=120)
        self.assertEqual(mine.next()["event"], "step")
        status, second = post_json(port, "/api/v1/runs", req)  # another client, same run
        self.assertEqual((status, second["id"]), (200, first["id"]))
        item = "/api/v1/runs/" + first["id"]
        status, got = request(port, "DELETE", item)[0], json.loads(request(port, "GET", item)[2])
        self.assertEqual(status, 200)
        self.assertEqual(got["status"], "running")  # the first client still follows it
        self.assertEqual(mine.next()["event"], "step")
        status, _, data = request(port, "DELETE", item)  # the last follower lets go
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(data), {"id": first["id"], "status": "cancelled",
                                            "followers": 0})
        tail = mine.all()
        mine.close()
        self.assertEqual(tail[-1]["event"], "error")
        self.assertIn("cancelled", tail[-1]["data"]["error"])
        self.assertEqual(get_json(port, item)[0], 404)

    def test_the_answer_says_how_many_still_follow(self):
        srv = self.start()
        req = test_server.big_run(30)
        ids = {post_json(srv.port, "/api/v1/runs", req)[1]["id"] for _ in range(3)}
        self.assertEqual(len(ids), 1)
        item = "/api/v1/runs/" + ids.pop()
        answers = [json.loads(request(srv.port, "DELETE", item)[2]) for _ in range(3)]
        self.assertEqual([(a["status"], a["followers"]) for a in answers],
                         [("running", 2), ("running", 1), ("cancelled", 0)])


class CrossSite(Case):
    """Item 7: an <img> of another site's page carries no Origin, but the browser says
    Sec-Fetch-Site; every route that computes refuses anything but same-origin or none."""

    def test_cross_site_and_same_site_pages_cannot_make_it_compute(self):
        srv = self.start()
        port = srv.port
        landscape = "/api/v1/landscape?function=x%5E2%2B3*y%5E2&nx=4&ny=4"
        run = {"function": "beale", "steps": 3}
        for site in ("cross-site", "same-site", "bogus"):
            h = {"Sec-Fetch-Site": site, "Referer": "http://evil.example/"}
            status, _, data = request(port, "GET", landscape, headers=h)
            self.assertEqual((status, json.loads(data)["field"]), (403, "Sec-Fetch-Site"), site)
            status, got = post_json(port, "/api/v1/runs", run, headers=h)
            self.assertEqual((status, got["field"]), (403, "Sec-Fetch-Site"), site)
        self.assertEqual(load(port)["landscapes"], 0)  # nothing was computed
        self.assertEqual(load(port)["runs"], 0)
        # The page itself (same-origin) and the person (none) are served; cheap GETs too.
        status, body = post_json(port, "/api/v1/runs", run,
                                 headers={"Sec-Fetch-Site": "same-origin"})
        self.assertEqual(status, 201, body)
        self.assertEqual(request(port, "GET", landscape,
                                 headers={"Sec-Fetch-Site": "none"})[0], 200)
        self.assertEqual(request(port, "GET", "/api/v1/functions",
                                 headers={"Sec-Fetch-Site": "cross-site"})[0], 200)
        item = "/api/v1/runs/" + body["id"]
        self.assertEqual(request(port, "DELETE", item,
                                 headers={"Sec-Fetch-Site": "cross-site"})[0], 403)


def answer(sock, timeout=10):
    """Reads one answer to its end from a socket whose writing side is shut: (status or
    None, headers text, body bytes)."""
    sock.settimeout(timeout)
    got = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            break
        got += chunk
    if not got.startswith(b"HTTP/1."):
        return None, "", got
    head, _, body = got.partition(b"\r\n\r\n")
    return int(got.split(b" ", 2)[1]), head.decode("latin-1").lower(), body


def post_head(port, length=None, chunked=False):
    h = b"POST /api/v1/runs HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/json\r\n" % port
    if chunked:
        return h + b"Transfer-Encoding: chunked\r\n\r\n"
    return h + b"Content-Length: %d\r\n\r\n" % length


class Uploads(Case):
    """Item 4: libmicrohttpd 0.9.75 cannot queue an answer while a body arrives; a refusal
    found then was an empty reply. Now the body is read and dropped and the refusal sent."""

    def test_no_room_for_a_body_is_a_503_not_an_empty_reply(self):
        srv = self.start("--memory", "16")
        port = srv.port
        holders = []
        for _ in range(260):  # 16 MiB of started 64 KiB bodies
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(post_head(port, 65536) + b"{")
            holders.append(s)
        self.addCleanup(lambda: [h.close() for h in holders])
        self.assertTrue(wait_until(lambda: load(port)["memory"] >= (16 << 20) - 65536, 10),
                        load(port))
        ok = b'{"function":"beale","steps":2}'
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(post_head(port, len(ok)) + ok)
        s.shutdown(socket.SHUT_WR)
        status, head, body = answer(s)
        s.close()
        self.assertEqual(status, 503, body)
        self.assertIn("retry-after: 1", head)
        self.assertIn("memory budget", json.loads(body)["error"])
        # A holder that completes its body gets its refusal too.
        rest = b" " * (65536 - 1)
        late = holders[-1]
        late.sendall(rest)
        late.shutdown(socket.SHUT_WR)
        status, _, body = answer(late)
        self.assertEqual(status, 503, body)

    def test_a_chunked_body_past_the_limit_is_a_413(self):
        srv = self.start()
        port = srv.port
        s = socket.create_connection(("127.0.0.1", port))
        chunk = b"[" + b" " * 0x7ffe + b"]"
        s.sendall(post_head(port, chunked=True) + (b"8000\r\n" + chunk + b"\r\n") * 4 +
                  b"0\r\n\r\n")  # 128 KiB
        s.shutdown(socket.SHUT_WR)
        status, head, body = answer(s)
        s.close()
        self.assertEqual(status, 413, body)
        self.assertIn("content-type: application/json", head)
        self.assertEqual(json.loads(body)["field"], "body")
        self.assertEqual(get_json(port, "/api/v1/health")[0], 200)


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    test_server.BINARY = BINARY
    unittest.main(verbosity=2)
