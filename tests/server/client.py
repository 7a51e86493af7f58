"""A small HTTP client for the server tests: a server process, JSON requests, SSE streams
and raw sockets; loopback only. Every answer and event it receives, and every JSON request
the server takes, is checked against docs/openapi.yaml (openapi.py), so every server test
also tests the API's description."""

import http.client
import json
import os
import signal
import socket
import subprocess
import time
import unittest

import openapi

# tools/test --long (CLOPT_TEST_LONG=1): the longer versions of the load and attack tests.
LONG = os.environ.get("CLOPT_TEST_LONG", "0") not in ("", "0")
# AddressSanitizer keeps freed memory in quarantine: resident memory says nothing there.
RSS_CHECKED = "ASAN_OPTIONS" not in os.environ


class Server:
    """`clopt serve --port 0 ...`: the URL from its first line; stop() checks a clean exit."""

    def __init__(self, binary, *args, env=None):
        # PoCL's own kernel cache, which the other suites have filled: without it the server
        # would use a directory of its own (--disk-cache), and its first training or
        # expression would compile with LLVM in-process, resident memory the RSS checks
        # would count. A test of --disk-cache passes an env without POCL_CACHE_DIR.
        if env is None:
            env = dict(os.environ)
            cache = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
            env.setdefault("POCL_CACHE_DIR", os.path.join(cache, "pocl", "kcache"))
        self.proc = subprocess.Popen(
            [binary, "serve", "--port", "0", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("http://127.0.0.1:"):
            self.proc.kill()
            raise RuntimeError("clopt serve printed %r, stderr: %s"
                               % (line, self.proc.stderr.read()))
        self.url = line
        self.port = int(line.rsplit(":", 1)[1].strip("/"))

    def rss_kib(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for row in f:
                if row.startswith("VmRSS:"):
                    return int(row.split()[1])
        return 0

    def stop(self, sig=signal.SIGTERM, timeout=20):
        """Signals the server; returns (exit status, stderr)."""
        self.proc.send_signal(sig)
        try:
            _, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
            return None, err
        for alarm in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"):
            if alarm in err:  # the sanitized build reports and may still exit 0
                return "sanitizer", err
        return self.proc.returncode, err


class ServerTestCase(unittest.TestCase):
    """Tests that share one `clopt serve` (cls.srv, cls.port), started with the options ARGS
    before the class's first test and stopped after its last, which must exit cleanly.
    binary: the clopt binary, set by the test script from its argument."""

    binary = None
    ARGS = ()

    @classmethod
    def setUpClass(cls):
        cls.srv = Server(cls.binary, *cls.ARGS)
        cls.port = cls.srv.port

    @classmethod
    def tearDownClass(cls):
        status, err = cls.srv.stop()
        assert status == 0, "clopt serve exited with %r: %s" % (status, err)


def request(port, method, path, body=None, headers=None, timeout=60):
    """One request on a fresh connection: (status, headers dict, body bytes)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    h = {"Host": "127.0.0.1:%d" % port}
    sent = None  # a JSON body as the test wrote it, checked against the spec once taken
    if body is not None and not isinstance(body, (bytes, str)):
        sent = body
        body = json.dumps(body)
        h["Content-Type"] = "application/json"
    h.update(headers or {})
    conn.request(method, path, body=body, headers=h)
    r = conn.getresponse()
    data = r.read()
    out = (r.status, {k.lower(): v for k, v in r.getheaders()}, data)
    conn.close()
    openapi.check_response(method, path, *out)
    if sent is not None:
        openapi.check_request(method, path, r.status, sent)
    return out


def let_go(port, collection, answer):
    """DELETE of a job this client posted: with the follow token of that POST's answer."""
    return request(port, "DELETE", "/api/v1/%s/%s?follow=%s" % (collection, answer["id"],
                                                                   answer["follow"]))


def get_json(port, path, **kw):
    status, headers, data = request(port, "GET", path, **kw)
    return status, json.loads(data) if data else None


def post_json(port, path, body, **kw):
    status, headers, data = request(port, "POST", path, body=body, **kw)
    return status, json.loads(data) if data else None


class Stream:
    """GET .../events, read event by event (id, event, data) or comment by comment."""

    def __init__(self, port, path, headers=None, timeout=60):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        h = {"Host": "127.0.0.1:%d" % port, "Accept": "text/event-stream"}
        h.update(headers or {})
        self.path = path
        self.conn.request("GET", path, headers=h)
        self.sock = self.conn.sock
        self.resp = self.conn.getresponse()
        self.status = self.resp.status
        self.content_type = self.resp.getheader("Content-Type")
        self.comments = []

    def next(self, parse=True):
        """The next event as a dict (data parsed unless parse=False), or None at the end."""
        ev = {}
        while True:
            line = self.resp.readline()
            if not line:
                return None
            line = line.decode("utf-8").rstrip("\n")
            if line == "":
                if ev:
                    if "event" in ev and "data" in ev:
                        data = json.loads(ev["data"])
                        openapi.check_event(self.path, ev["event"], data)
                        if parse:
                            ev["data"] = data
                    return ev
                continue
            if line.startswith(":"):
                self.comments.append(line)
                continue
            field, _, value = line.partition(": ")
            ev[field] = value

    def all(self, parse=True):
        events = []
        while True:
            ev = self.next(parse)
            if ev is None:
                return events
            events.append(ev)

    def close(self):
        self.conn.close()

    def kill(self):
        """Drops the connection as a killed client would, without reading on."""
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        self.resp.close()


def raw(port, data, timeout=10, read=True):
    """Sends raw bytes; returns the status code of the answer, or None if the server closed
    the connection without one."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        if isinstance(data, str):
            data = data.encode("latin-1")
        s.sendall(data)
        if not read:
            return None
        try:
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        got = b""
        while b"\r\n" not in got:
            chunk = s.recv(4096)
            if not chunk:
                break
            got += chunk
    except (ConnectionResetError, BrokenPipeError):
        return None
    finally:
        s.close()
    if not got.startswith(b"HTTP/1."):
        return None
    return int(got.split(b" ", 2)[1])


def wait_until(predicate, timeout, step=0.1):
    end = time.time() + timeout
    while time.time() < end:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def points_of(events):
    """The step events' rows as a list of (step, points), whichever shape each event has."""
    rows = []
    for ev in events:
        if ev.get("event") != "step":
            continue
        d = ev["data"]
        for row in d["steps"] if "steps" in d else [d]:
            rows.append((row["step"], row["points"]))
    return rows


def env_binary():
    return os.environ.get("CLOPT", "build/clopt")
