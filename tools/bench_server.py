"""The server benchmark's clients (run by tools/bench-server): time from POST to the first
step event, and how many concurrent 1,000-step streams one server holds with every client
receiving every event. Loopback only; prints one JSON object."""

import json
import os
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "server"))
from client import Stream, post_json  # noqa: E402


def first_event_ms(port, n=30):
    times = []
    for seed in range(n):
        req = {"function": "rosenbrock", "optimizers": ["adam(lr=0.01)", "sgd(momentum=0.9)"],
               "starts": [[-1.5, 2.0]], "steps": 1000, "noise": 0.01, "seed": 10**6 + seed}
        t0 = time.perf_counter()
        status, body = post_json(port, "/api/v1/runs", req)
        s = Stream(port, body["events"])
        ev = s.next(parse=False)
        times.append((time.perf_counter() - t0) * 1000)
        assert ev["event"] == "step", ev
        s.all(parse=False)
        s.close()
    return statistics.median(times), max(times)


def streams(port, n, seed0):
    """n clients, each streaming its own 1,000-step run at once; True if all got all."""
    got, lock, barrier = [], threading.Lock(), threading.Barrier(n)

    def client(i):
        req = {"function": "himmelblau", "optimizers": ["adam(lr=0.05)"],
               "starts": [[0.1, 0.1]], "steps": 1000, "noise": 0.1, "seed": seed0 + i}
        try:
            barrier.wait(timeout=60)
            status, body = post_json(port, "/api/v1/runs", req, timeout=120)
            s = Stream(port, body["events"], timeout=120)
            events = s.all(parse=False)
            s.close()
            ok = events and events[-1]["event"] == "done" and \
                [int(e["id"]) for e in events] == list(range(1, len(events) + 1))
        except Exception as e:  # a refused or dropped client counts as a failure
            ok = False
            print("client %d: %r" % (i, e), file=sys.stderr)
        with lock:
            got.append(bool(ok))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(n)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(got), time.perf_counter() - t0


def main():
    port = int(sys.argv[1])
    med, worst = first_event_ms(port)
    held = {}
    for n in (256, 512, 1024):
        ok, secs = streams(port, n, seed0=n * 10)
        held[n] = {"complete": ok, "seconds": round(secs, 2)}
        if ok < n:
            break
    print(json.dumps({"first_event_ms_median": round(med, 1), "first_event_ms_max": round(worst, 1),
                      "streams": held}))


if __name__ == "__main__":
    main()
