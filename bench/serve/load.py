#!/usr/bin/python3
"""A bounded loopback load generator for `luutru serve` (stdlib only).

usage: load.py BASE_URL CLIENTS REQUESTS_EACH PATH...
Each of CLIENTS threads keeps one HTTP/1.1 connection and sends
REQUESTS_EACH GETs, cycling through the PATHs. Prints requests per second,
p50 and p95 latency in ms, and the errors. Refuses anything but loopback."""
import http.client
import ipaddress
import sys
import threading
import time
import urllib.parse

base, clients, each = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
paths = sys.argv[4:]
u = urllib.parse.urlsplit(base)
if not ipaddress.ip_address(u.hostname).is_loopback:
    sys.exit("load.py: loopback only, not %s" % u.hostname)
if not (1 <= clients <= 64 and 1 <= each <= 100000):
    sys.exit("load.py: 1-64 clients, 1-100000 requests each")

times, errors, lock = [], [0], threading.Lock()


def client(k):
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    mine, bad = [], 0
    for i in range(each):
        path = paths[(k + i) % len(paths)]
        t = time.perf_counter()
        try:
            conn.request("GET", path)
            r = conn.getresponse()
            r.read()
            if r.status != 200:
                bad += 1
        except (OSError, http.client.HTTPException):
            bad += 1
            conn.close()
            conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        mine.append(time.perf_counter() - t)
    conn.close()
    with lock:
        times.extend(mine)
        errors[0] += bad


start = time.perf_counter()
threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
for t in threads:
    t.start()
for t in threads:
    t.join()
wall = time.perf_counter() - start
times.sort()
p = lambda q: times[min(len(times) - 1, int(q * len(times)))] * 1000
print("%8.0f req/s  p50 %7.2f ms  p95 %7.2f ms  (%d requests, %d clients, %d errors)"
      % (len(times) / wall, p(0.50), p(0.95), len(times), clients, errors[0]))
