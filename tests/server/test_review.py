"""The acceptance tests of issue 29 (`clopt serve`'s second review): whose job a DELETE
ends, who may make the server compute, refusals while a body arrives, slow clients, the
loopback range, retries and the budget. Each fails on the server before that issue.

Attacks are bounded in time and run on loopback; CLOPT_TEST_LONG=1 (tools/test --long) runs
them at the issue's full size.

usage: python3 tests/server/test_review.py CLOPT_BINARY [unittest args]
"""

import http.client
import json
import os
import shutil
import socket
import sys
import tempfile
import threading
import time
import unittest
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(__file__))
import test_server  # noqa: E402
from client import (LONG, RSS_CHECKED, Server, Stream, get_json, let_go, points_of,  # noqa: E402
                    post_json, request, wait_until)

BINARY = None


def load(port):
    return get_json(port, "/api/v1/health")[1]["load"]


class Case(unittest.TestCase):
    def start(self, *args, **kw):
        srv = Server(BINARY, *args, **kw)
        self.addCleanup(lambda: self.assertEqual(srv.stop()[0], 0))
        return srv

    def warm(self, srv, path, req):
        """Posts a job and reads it to its end: before a test samples resident memory, so
        that what the first job of a kind costs once (PoCL compiling its kernels inside the
        server where PoCL's cache is cold, as on a fresh machine: 150-220 MiB) is not counted
        against what the test's own job is charged."""
        status, body = post_json(srv.port, path, req)
        self.assertEqual(status, 201, body)
        self.assertEqual(Stream(srv.port, body["events"], timeout=300).all()[-1]["event"], "done")


class Followers(Case):
    """Item 6: the id is the request's hash, so two clients posting the same request share
    one job; a DELETE ends it only when no client still follows it. The second review: each
    POST's answer has a follow token, and a DELETE must name one, once (the id is no secret:
    anyone can hash a request, and DELETEs of the id alone let any client cancel a job)."""

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
        self.assertNotEqual(second["follow"], first["follow"])
        item = "/api/v1/runs/" + first["id"]
        status = let_go(port, "runs", second)[0]
        got = json.loads(request(port, "GET", item)[2])
        self.assertEqual(status, 200)
        self.assertEqual(got["status"], "running")  # the first client still follows it
        self.assertEqual(mine.next()["event"], "step")
        status, _, data = let_go(port, "runs", first)  # the last follower lets go
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
        posts = [post_json(srv.port, "/api/v1/runs", req)[1] for _ in range(3)]
        self.assertEqual(len({p["id"] for p in posts}), 1)
        answers = [json.loads(let_go(srv.port, "runs", p)[2]) for p in posts]
        self.assertEqual([(a["status"], a["followers"]) for a in answers],
                         [("running", 2), ("running", 1), ("cancelled", 0)])

    def test_only_a_client_that_posted_the_job_can_let_go_of_it_once(self):
        srv = self.start()
        port = srv.port
        status, mine = post_json(port, "/api/v1/runs", test_server.big_run(31))
        self.assertEqual(status, 201, mine)
        item = "/api/v1/runs/" + mine["id"]
        status, _, data = request(port, "DELETE", item)  # the id alone: who is asking?
        self.assertEqual((status, json.loads(data)["code"]), (400, "follow_required"), data)
        other = dict(mine, follow="0" * len(mine["follow"]))
        for guess in (other, dict(mine, follow=mine["follow"][:-1]), dict(mine, follow="x")):
            status, _, data = let_go(port, "runs", guess)
            self.assertEqual((status, json.loads(data)["code"]), (403, "follow_unknown"), data)
        self.assertEqual(get_json(port, item)[1]["status"], "running")  # nothing changed
        status, again = post_json(port, "/api/v1/runs", test_server.big_run(31))
        self.assertEqual(let_go(port, "runs", again)[0], 200)
        status, _, data = let_go(port, "runs", again)  # a token lets go once
        self.assertEqual((status, json.loads(data)["code"]), (403, "follow_unknown"), data)
        self.assertEqual(get_json(port, item)[1]["status"], "running")  # mine still follows
        self.assertEqual(json.loads(let_go(port, "runs", mine)[2])["status"], "cancelled")

    def test_a_job_holds_a_bounded_number_of_tokens(self):
        srv = self.start()
        req = test_server.big_run(32)
        posts = [post_json(srv.port, "/api/v1/runs", req)[1] for _ in range(40)]
        tokens = [p.get("follow") for p in posts]
        self.assertEqual(len(set(tokens[:32])), 32)
        self.assertEqual(tokens[32:], [None] * 8)  # past 32 followers: follows without one
        answers = [json.loads(let_go(srv.port, "runs", p)[2]) for p in posts[:32]]
        self.assertEqual(answers[-1]["status"], "cancelled")


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
        item = "/api/v1/runs/%s?follow=%s" % (body["id"], body["follow"])
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


def health_ok(port):
    try:
        return request(port, "GET", "/api/v1/health", timeout=5)[0] == 200
    except OSError:
        return False


def closed_by_server(sock, timeout=1.0):
    """Whether the server has ended the connection: its end of file or a reset. A receive
    that times out is a connection still open."""
    sock.settimeout(timeout)
    try:
        return sock.recv(100) == b""
    except (ConnectionResetError, BrokenPipeError):
        return True
    except TimeoutError:
        return False


class Dripper:
    """n loopback clients that each send one more header byte every `every` seconds and
    reconnect when the server lets them go (the issue's slow-headers attack)."""

    def __init__(self, port, n, every):
        self.port, self.every, self.stop = port, every, threading.Event()
        self.socks = [self.connect() for _ in range(n)]
        self.reconnects = 0
        self.thread = threading.Thread(target=self.run)
        self.thread.start()

    def connect(self):
        try:
            s = socket.create_connection(("127.0.0.1", self.port), timeout=2)
            s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            return s
        except OSError:
            return None

    def run(self):
        while not self.stop.is_set():
            for k, s in enumerate(self.socks):
                if self.stop.is_set():
                    return
                try:
                    if s is None:
                        raise OSError
                    s.send(b"a")
                except OSError:
                    if s is not None:
                        s.close()
                    self.socks[k] = self.connect()
                    self.reconnects += 1
                self.stop.wait(self.every / len(self.socks))

    def close(self):
        self.stop.set()
        self.thread.join()
        for s in self.socks:
            if s is not None:
                s.close()


class SlowClients(Case):
    """Item 5: --timeout closes only silent connections; a request now has a deadline for its
    headers and body, one client holds at most --client-connections, and a new connection
    pushes out the oldest idle or slow one."""

    def test_dripped_headers_are_cut_at_the_request_deadline(self):
        srv = self.start("--request-timeout", "2", "--timeout", "60")
        port = srv.port
        socks = []
        for _ in range(20):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            socks.append(s)
        self.addCleanup(lambda: [s.close() for s in socks])
        sent = [0] * len(socks)
        end = time.time() + 4.5  # a byte every 0.5 s: never silent for --timeout
        while time.time() < end:
            for i, s in enumerate(socks):
                try:
                    s.send(b"a")
                    sent[i] += 1
                except OSError:
                    pass
            time.sleep(0.5)
        self.assertEqual([closed_by_server(s) for s in socks], [True] * 20)
        self.assertTrue(all(n < 8 for n in sent), sent)  # cut within the deadline + a tick
        # While the clients still hold their sockets: the server let go of every one.
        self.assertEqual(load(port)["connections"], 1)

    def test_a_slow_body_is_cut_at_the_request_deadline(self):
        srv = self.start("--request-timeout", "2", "--timeout", "60")
        s = socket.create_connection(("127.0.0.1", srv.port))
        self.addCleanup(s.close)
        s.sendall(post_head(srv.port, 100) + b"{")
        for _ in range(8):
            time.sleep(0.5)
            try:
                s.send(b" ")
            except OSError:
                break
        self.assertTrue(closed_by_server(s))
        self.assertEqual(load(srv.port)["connections"], 1)

    def test_slow_headers_do_not_keep_health_out(self):
        n, seconds = (512, 25) if LONG else (64, 6)
        srv = self.start("--max-connections", str(n), "--request-timeout", "5",
                         "--timeout", "30")
        port = srv.port
        attack = Dripper(port, n, every=2.0)
        self.addCleanup(attack.close)
        waits, failures = [], []
        end = time.time() + seconds
        while time.time() < end:
            t0 = time.time()
            try:
                status = request(port, "GET", "/api/v1/health", timeout=3)[0]
            except OSError as e:
                status = repr(e)
            waits.append(time.time() - t0)
            if status != 200:
                failures.append(status)
            time.sleep(0.3)
        attack.close()
        self.assertEqual(failures, [])
        self.assertLess(max(waits), 1.0, sorted(waits)[-5:])
        print("\n  %d dripping clients: health answered %d times, slowest %.3f s; %d "
              "reconnects" % (n, len(waits), max(waits), attack.reconnects), file=sys.stderr)

    def test_one_client_holds_at_most_its_connections(self):
        srv = self.start("--client-connections", "4", "--timeout", "60", "--heartbeat", "1")
        port = srv.port
        idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(4)]
        self.addCleanup(lambda: [s.close() for s in idle])
        self.assertTrue(wait_until(lambda: load(port)["connections"] == 4, 5))
        # A fifth connection of the same client pushes out its oldest idle one, so a
        # request that arrives whole is answered.
        self.assertEqual(request(port, "GET", "/api/v1/health")[0], 200)
        self.assertTrue(closed_by_server(idle[0]))
        self.assertFalse(closed_by_server(idle[-1], timeout=0.2))
        # Streams being answered are never pushed out: with every connection of the client
        # a stream, one more is refused.
        status, body = post_json(port, "/api/v1/runs", test_server.big_run(31))
        self.assertEqual(status, 201)
        streams = [Stream(port, body["events"], timeout=60) for _ in range(3)]
        for st in streams:
            st.next()
        for s in idle:
            s.close()
        idle.clear()
        self.assertEqual(request(port, "GET", "/api/v1/health")[0], 200)  # the 4th slot
        streams.append(Stream(port, body["events"], timeout=60))
        streams[-1].next()
        with self.assertRaises(OSError):
            request(port, "GET", "/api/v1/health", timeout=5)
        for st in streams:
            st.kill()
        self.assertTrue(wait_until(lambda: health_ok(port), 10))


class Loopback(Case):
    """Item 8: any local process can use all of 127.0.0.0/8, so the per-client limits key
    the whole loopback range as one client."""

    def test_loopback_addresses_share_the_client_stream_limit(self):
        srv = self.start("--client-streams", "4", "--heartbeat", "1")
        port = srv.port
        status, body = post_json(port, "/api/v1/runs", test_server.big_run(32))
        self.assertEqual(status, 201)
        streams, codes = [], []
        for i in range(8):  # from 127.0.0.2 .. 127.0.0.9
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60,
                                              source_address=("127.0.0.%d" % (2 + i), 0))
            conn.request("GET", body["events"], headers={"Host": "127.0.0.1:%d" % port})
            r = conn.getresponse()
            codes.append(r.status)
            if r.status == 200:
                r.readline()
                streams.append((conn, r))
            else:
                r.read()
                conn.close()
        self.assertEqual(codes, [200] * 4 + [429] * 4)
        for conn, r in streams:
            r.close()
            conn.close()


class Retries(Case):
    """Item 10: a failed job was unlisted before its retry's queue and budget checks, so a
    retry refused with 503 left a GET of the id saying 404 instead of "failed"."""

    def test_a_refused_retry_leaves_the_failed_job_readable(self):
        srv = self.start("--memory", "16", "--data", "/nonexistent")
        port = srv.port
        training = {"optimizers": ["adam"], "epochs": 30, "limit": 1000, "hidden": 8}
        status, failed = post_json(port, "/api/v1/trainings", training)
        self.assertEqual(status, 201, failed)
        self.assertEqual(Stream(port, failed["events"]).all()[-1]["event"], "error")
        # A run that holds most of the budget for a few seconds.
        filler = {"function": "rastrigin", "optimizers": ["adam"], "noise": 0.5,
                  "starts": [[0.001 * i, 0.5] for i in range(4096)], "steps": 60000,
                  "every": 1000}
        status, run = post_json(port, "/api/v1/runs", filler)
        self.assertEqual(status, 201, run)
        status, got = post_json(port, "/api/v1/trainings", training)
        self.assertEqual(status, 503, got)
        status, info = get_json(port, "/api/v1/trainings/" + failed["id"])
        self.assertEqual((status, info["status"], info["attempt"]), (200, "failed", 1))
        let_go(port, "runs", run)


class OwnReplies(Case):
    """Item 9: libmicrohttpd's strict mode answered an HTTP/1.1 request without Host itself,
    in HTML, with its status line twice; the server answers it now, as every other refusal."""

    def test_a_request_without_host_gets_one_json_400(self):
        srv = self.start()
        s = socket.create_connection(("127.0.0.1", srv.port))
        s.sendall(b"GET /api/v1/health HTTP/1.1\r\n\r\n")
        s.shutdown(socket.SHUT_WR)
        status, head, body = answer(s)
        s.close()
        self.assertEqual(status, 400)
        self.assertEqual(head.count("http/1.1"), 1, head)
        self.assertIn("content-type: application/json", head)
        self.assertIn("x-content-type-options: nosniff", head)
        self.assertEqual(json.loads(body)["field"], "Host")
        # HTTP/1.0 needs no Host.
        s = socket.create_connection(("127.0.0.1", srv.port))
        s.sendall(b"GET /api/v1/health HTTP/1.0\r\n\r\n")
        s.shutdown(socket.SHUT_WR)
        self.assertEqual(answer(s)[0], 200)
        s.close()


class Sampler:
    """Samples a server's resident memory and its charged bytes every 50 ms: their peaks."""

    def __init__(self, srv):
        self.srv, self.stop = srv, threading.Event()
        self.base = srv.rss_kib() << 10
        self.rss = self.charged = 0
        self.thread = threading.Thread(target=self.run)
        self.thread.start()

    def run(self):
        while not self.stop.is_set():
            self.rss = max(self.rss, (self.srv.rss_kib() << 10) - self.base)
            try:
                self.charged = max(self.charged, load(self.srv.port)["memory"])
            except OSError:
                pass
            self.stop.wait(0.05)

    def end(self):
        self.stop.set()
        self.thread.join()
        return self.rss, self.charged


# What resident memory may rise beyond the charge once a first job of the same kind has run
# (Case.warm): allocator slack, the connections (measured 3-8 MiB; see docs/performance.md).
OVERHEAD = 16 << 20


def sweep(n, steps=100):
    return {"kind": "sweep", "function": "rosenbrock", "optimizer": "adam", "steps": steps,
            "vary": [{"name": "lr", "lo": 1e-4, "hi": 0.1, "n": n, "log": True},
                     {"name": "beta_1", "lo": 0, "hi": 0.99, "n": n}]}


class Engines(Case):
    """Item 1: an exploration is charged what its engine allocates (per-run configs, the
    scalar table, staging, device buffers, read-back), as the library plans it before
    allocating (clopt_explore_plan_bytes), not only its results."""

    def test_the_issues_explorations_are_charged_their_engines(self):
        srv = self.start("--memory", "64")
        basins = {"kind": "basins", "function": "himmelblau", "grid": 256, "steps": 300,
                  "optimizers": ["adam(lr=%g)" % (0.01 * (i + 1)) for i in range(16)]}
        for req in (sweep(1024), basins):  # charged 48.6 MiB before; RSS rose 347 and 91
            status, got = post_json(srv.port, "/api/v1/explorations", req)
            self.assertEqual(status, 400, got)
            self.assertIn("budget is 64 MiB", got["error"])

    def test_a_tuning_is_charged_its_engine_too(self):
        """The second review: a tuning was charged 36 bytes a run for its engine, a guess;
        these 1,024,000 runs of one optimizer plan 150 MiB (clopt_explore_plan_bytes)."""
        srv = self.start("--memory", "64")
        req = {"function": "rosenbrock", "optimizers": ["adam"], "starts": 4096, "seeds": 10,
               "steps": 100}
        status, got = post_json(srv.port, "/api/v1/tunings", req)
        self.assertEqual(status, 400, got)  # was 201: charged about 37 MiB
        self.assertIn("budget is 64 MiB", got["error"])

    def test_resident_memory_stays_within_the_charge(self):
        srv = self.start("--memory", "64")
        self.warm(srv, "/api/v1/explorations", sweep(8, steps=2))
        sampler = Sampler(srv)
        status, body = post_json(srv.port, "/api/v1/explorations", sweep(256))
        self.assertEqual(status, 201, body)
        events = Stream(srv.port, body["events"], timeout=300).all()
        self.assertEqual(events[-1]["event"], "done")
        rss, charged = sampler.end()
        print("\n  256 x 256 sweep: charged %.1f MiB at most, resident memory rose %.1f MiB"
              % (charged / 2**20, rss / 2**20), file=sys.stderr)
        self.assertGreater(charged, 40 << 20)  # the engine: configs, table, buffers
        if RSS_CHECKED:
            self.assertLess(rss, charged + OVERHEAD)


class Models(Case):
    """Item 2: a training is charged its model, gradients, optimizer state, batch buffers
    and CLBlast's copies (clopt_train_plan_bytes), not only its log."""

    def test_a_model_that_cannot_fit_is_refused_up_front(self):
        srv = self.start("--memory", "16")
        req = {"epochs": 1, "batch": 4096, "hidden": 4096, "limit": 4096}  # RSS 778 MiB before
        status, got = post_json(srv.port, "/api/v1/trainings", req)
        self.assertEqual(status, 400, got)
        self.assertIn("budget is 16 MiB", got["error"])
        self.assertEqual(load(srv.port)["trainings"], 0)

    def test_a_training_is_charged_its_model_while_it_runs(self):
        srv = self.start("--memory", "64")
        req = {"optimizers": ["adam"], "epochs": 1, "limit": 2048}
        self.warm(srv, "/api/v1/trainings", dict(req, seed=2))  # the same request: 200, its job
        sampler = Sampler(srv)
        status, body = post_json(srv.port, "/api/v1/trainings", req)
        self.assertEqual(status, 201, body)
        charged_now = load(srv.port)["memory"]
        events = Stream(srv.port, body["events"], timeout=300).all()
        self.assertEqual(events[-1]["event"], "done", events[-1])
        rss, charged = sampler.end()
        print("\n  default training: charged %.1f MiB, resident memory rose %.1f MiB after a "
              "first one" % (charged / 2**20, rss / 2**20), file=sys.stderr)
        # 256 hidden units, 1,000-row evaluation batches: weights, gradients and Adam's two
        # state buffers (4 MB), the batch buffers (5 MB) and CLBlast's copies (10 MB)
        self.assertGreater(charged_now, 16 << 20)
        self.assertLess(load(srv.port)["memory"], 1 << 20)  # given back once it is done
        if RSS_CHECKED:
            self.assertLess(rss, charged + OVERHEAD)


def expression(i):
    """The issue's distinct expressions: x^2 + i y^2 + sin(x j)."""
    return quote("x^2+%d*y^2+sin(x*%d)" % (i % 97 + 1, i // 97 + 2), safe="")


class Compiles(Case):
    """Item 3: an expression's compile was outside every limit: its program cache uncharged,
    PoCL's on-disk cache growing without end, and the device held for the compile."""

    def test_the_program_cache_is_charged_and_sized_to_the_budget(self):
        srv = self.start("--memory", "16")
        port = srv.port
        base = srv.rss_kib()
        for i in range(6):
            status = request(port, "GET", "/api/v1/landscape?nx=2&ny=2&function=" +
                             expression(1000 + i), timeout=120)[0]
            self.assertEqual(status, 200)
        # --memory 16: a quarter of it, two programs of 2 MiB, charged while they are kept
        memory = load(port)["memory"]
        self.assertGreaterEqual(memory, 2 * (2 << 20))
        self.assertLess(memory, 2 * (2 << 20) + (1 << 20))
        grown = (srv.rss_kib() - base) << 10
        print("\n  6 expressions under --memory 16: charged %.1f MiB, resident memory rose "
              "%.1f MiB" % (memory / 2**20, grown / 2**20), file=sys.stderr)

    def test_the_servers_own_disk_cache_stays_within_its_size(self):
        home = tempfile.mkdtemp(prefix="clopt-review-")
        self.addCleanup(shutil.rmtree, home, True)
        env = dict(os.environ, XDG_CACHE_HOME=home)
        env.pop("POCL_CACHE_DIR", None)
        srv = self.start("--disk-cache", "1", env=env)
        cache = os.path.join(home, "clopt", "pocl")
        n = 40 if LONG else 12
        sizes = []
        for i in range(n):
            status = request(srv.port, "GET", "/api/v1/landscape?nx=2&ny=2&function=" +
                             expression(2000 + i), timeout=120)[0]
            self.assertEqual(status, 200)
            sizes.append(du(cache))
        print("\n  %d expressions, --disk-cache 1: the cache directory at most %.2f MiB"
              % (n, max(sizes) / 2**20), file=sys.stderr)
        self.assertGreater(sizes[0], 0)  # PoCL does cache there
        # 0.25 MiB per expression unbounded (3 MiB and more); kept at 1 MiB, plus the
        # programs of the last two seconds, which are never removed
        self.assertLess(max(sizes[-4:]), 2 << 20, sizes)


    def first_event_wait(self, port, seed):
        """Seconds from posting a short run to its first event: how long the device kept it
        waiting."""
        run = {"function": "rosenbrock", "steps": 64, "seed": seed, "noise": 0.1}
        t0 = time.time()
        status, body = post_json(port, "/api/v1/runs", run)
        self.assertEqual(status, 201, body)
        st = Stream(port, body["events"], timeout=60)
        st.next()
        wait = time.time() - t0
        st.close()
        return wait

    def waits_beside(self, port, work, first, what):
        """The sorted first-event waits of short runs posted while two threads call
        work(i) for i = first, first + 1, ... (and 500 on for the second); the calls made."""
        stop = threading.Event()
        done = []

        def loop(i):
            while not stop.is_set():
                if work(i):
                    done.append(i)
                i += 1
        threads = [threading.Thread(target=loop, args=(first + 500 * k,)) for k in range(2)]
        for t in threads:
            t.start()
        waits = []
        try:
            time.sleep(1.0)
            for seed in range(12 if not LONG else 40):
                waits.append(self.first_event_wait(port, seed))
                time.sleep(0.2)
        finally:
            stop.set()
            for t in threads:
                t.join()
        waits.sort()
        print("\n  runs beside %d %s: first event after %.3f s (median), %.3f s (worst)"
              % (len(done), what, waits[len(waits) // 2], waits[-1]), file=sys.stderr)
        return waits, done

    def test_a_compile_does_not_hold_the_device_from_other_clients_runs(self):
        port = self.start().port

        def compile_one(i):
            request(port, "GET", "/api/v1/landscape?nx=2&ny=2&function=" + expression(i),
                    timeout=120)
            return True
        waits, compiled = self.waits_beside(port, compile_one, 3000, "expression compiles")
        self.assertGreater(len(compiled), 2)
        # behind the compiles they waited 1.2-3.6 s; the median is the measure on a shared
        # 2-core machine, where the scheduler alone can delay one answer
        self.assertLess(waits[len(waits) // 2], 0.5, waits)

    def test_a_large_exploration_holds_the_device_per_short_turn(self):
        srv = self.start()
        port = srv.port
        # 3,800 steps, near the server's 4e9 run-steps: the full pass lasts a few seconds (at
        # 3,000 it once ended after two measured runs, beside another test in CI)
        big = {"kind": "basins", "function": "himmelblau", "grid": 256, "steps": 3800,
               "optimizers": ["adam(lr=%g)" % (0.01 * (i + 1)) for i in range(16)]}
        status, body = post_json(port, "/api/v1/explorations", big)
        self.assertEqual(status, 201, body)
        item = "/api/v1/explorations/" + body["id"]

        def running():
            info = get_json(port, item)[1]
            return info["status"] == "running" and info["pass"] == 1
        self.assertTrue(wait_until(running, 60))
        waits = []  # only those measured while the full pass ran
        for seed in range(40):
            if len(waits) == 10 or not running():
                break
            wait = self.first_event_wait(port, seed)
            if running():
                waits.append(wait)
        let_go(port, "explorations", body)
        waits.sort()
        self.assertGreaterEqual(len(waits), 2, "the map ended before the runs were measured")
        print("\n  runs beside a 16 x 256^2 x 3800 basin map: first event after %.3f s "
              "(median), %.3f s (worst)" % (waits[len(waits) // 2], waits[-1]), file=sys.stderr)
        # held for a whole slice of 1,024 steps of a million runs, they waited 1.0-1.6 s each:
        # the median says which; the worst is printed only (one run beside another ctest on a
        # loaded 2-core machine waited 1.19 s). The bound is half the held slice's least wait:
        # medians of 0.1-0.2 s on a quiet machine, 0.43 once in CI beside a browser.
        self.assertLess(waits[len(waits) // 2], 0.5, waits)

    def test_runs_of_new_expressions_compile_off_the_runs_worker(self):
        port = self.start().port

        def run_one(i):
            f = "x^2+%d*y^2+sin(x*%d)" % (i % 97 + 1, i // 97 + 2)
            status, body = post_json(port, "/api/v1/runs", {"function": f, "steps": 16},
                                     timeout=120)
            if status == 201:
                Stream(port, body["events"], timeout=120).all()
            return status == 201
        waits, compiled = self.waits_beside(port, run_one, 4000, "runs of new expressions")
        self.assertGreater(len(compiled), 0)
        # Compiled on the runs' worker, each held the other runs for 0.5-2.6 s: medians 1.08 s
        # and more. Compiled off it, with a cold PoCL cache (a fresh machine, as CI), a short
        # run still waits while PoCL generates a new expression's kernel code on its own
        # threads (it stalls every launch that begins meanwhile): medians 0.39-0.56 s
        # measured on a quiet machine (0.28-0.30 with the kernels before their phases became
        # loops of their own, whose code took less to generate).
        self.assertLess(waits[len(waits) // 2], 0.8, waits)

class NotFinite(Case):
    """The second review: numbers past the float range reach a client as JSON's null, never
    as `inf` or `nan`, which no JSON parser reads (Stream parses every event and checks it
    against docs/openapi.yaml)."""

    def test_a_state_value_past_the_float_range_is_null(self):
        srv = self.start()
        req = {"function": "1e20*x+y", "optimizers": ["adam"], "starts": [[1, 1]], "steps": 3,
               "state": True}
        status, body = post_json(srv.port, "/api/v1/runs", req)
        self.assertEqual(status, 201, body)
        events = Stream(srv.port, body["events"]).all()
        self.assertEqual(events[-1]["event"], "done")
        points = [p[0] for _, p in points_of(events)]
        self.assertTrue(all(isinstance(v, float) for p in points for v in p[:3]), points)
        # Adam's v is g^2 = 1e40 from step 1 on: past float32, so null while x, y, f are not
        self.assertTrue(all(p[7] is None for p in points[1:]), points)

    def test_a_training_that_diverges_streams_null_losses_and_keeps_its_result(self):
        srv = self.start()
        req = {"optimizers": ["sgd(lr=1e30,momentum=0.9)"], "epochs": 2, "batch": 32,
               "hidden": 8, "limit": 256}
        status, body = post_json(srv.port, "/api/v1/trainings", req)
        self.assertEqual(status, 201, body)
        events = Stream(srv.port, body["events"], timeout=120).all()
        self.assertEqual(events[-1]["event"], "done", events[-1])
        losses = [e["data"]["loss"] for e in events if e["event"] == "batch"]
        self.assertIsNone(losses[-1])
        epoch = [e["data"] for e in events if e["event"] == "epoch"][-1]
        self.assertEqual((epoch["train_loss"], epoch["test_loss"]), (None, None))
        results = events[-1]["data"]["results"]
        self.assertEqual(len(results), 1)  # the entry was dropped when its losses were NaN
        self.assertEqual((results[0]["optimizer"], results[0]["train_loss"]),
                         ("SGD(lr=1e+30, momentum=0.9)", None))

    def test_a_landscape_with_no_finite_value_has_no_bounds(self):
        srv = self.start()
        path = "/api/v1/landscape?function=sqrt(-1-x%5E2)&nx=2&ny=2&view=-1,1,-1,1"
        status, headers, data = request(srv.port, "GET", path + "&format=f32")
        self.assertEqual(status, 200, data)
        self.assertNotIn("x-landscape-min", headers)  # was "inf", which the page read as NaN
        self.assertNotIn("x-landscape-max", headers)
        status, body = get_json(srv.port, path)
        self.assertEqual((status, body["min"], body["max"]), (200, None, None))


class Rates(Case):
    """The second review: a run's answer listed a rate per recorded step of each optimizer
    whose rate changes, without bound (16 optimizers x 100,000 steps: 23 MB built in 2 s on
    the polling thread, every connection held meanwhile, again for each repeated POST)."""

    def answer(self, port, steps):
        req = {"function": "sphere", "optimizers": ["sgd(decay=0.1)", "sgd(decay=0.2)", "adam"],
               "starts": [[1, 1]], "steps": steps, "every": 1}
        status, body = post_json(port, "/api/v1/runs", req)
        self.assertIn(status, (200, 201), body)
        return body

    def test_rates_are_listed_up_to_the_limit_and_null_past_it(self):
        srv = self.start()
        limit = get_json(srv.port, "/api/v1/limits")[1]["runs"]["rates"]
        body = self.answer(srv.port, limit // 2)  # two optimizers with changing rates: at it
        self.assertEqual([len(r) if r else r for r in body["rates"]],
                         [limit // 2, limit // 2, None])
        self.assertAlmostEqual(body["rates"][0][1], 0.01 / (1 + 0.1 * 1), places=9)
        again = self.answer(srv.port, limit // 2)  # the same run: the answer kept
        self.assertEqual((again["id"], again["rates"]), (body["id"], body["rates"]))
        past = self.answer(srv.port, limit // 2 + 1)
        self.assertIsNone(past["rates"])  # left out, which a list of nulls (lr throughout) is not
        for b in (again, body, past):
            let_go(srv.port, "runs", b)


def du(path):
    total = 0
    for root, dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                pass
    return total


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    test_server.BINARY = BINARY
    unittest.main(verbosity=2)
