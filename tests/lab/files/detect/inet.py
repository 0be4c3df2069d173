#!/usr/bin/env python3
"""inet.py - small servers for the lab's "internet" namespace
(tests/lab/record-detect.sh). Each stops by itself after --duration.

  inet.py listen IP PORT [--banner TEXT]
      accepts TCP connections, sends the banner (if any), reads until the
      client closes (or 5 s), closes. A host with an open port for a scan,
      a report server for the bot.
  inet.py cnc IP PORT
      a Mirai-like C&C: reads the bot's hello and echoes every two-byte
      heartbeat back, until the bot closes.
  inet.py udp-sink IP PORT
      binds a UDP port and never reads it: a flood fills the socket buffer
      and the rest is dropped silently (no ICMP port unreachable back)."""
import argparse
import socket
import sys
import threading
import time


def serve(a, handler):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((a.ip, a.port))
    s.listen(64)
    end = time.monotonic() + a.duration
    while True:
        left = end - time.monotonic()
        if left <= 0:
            break
        s.settimeout(left)
        try:
            c, peer = s.accept()
        except socket.timeout:
            break
        threading.Thread(target=handler, args=(c, peer), daemon=True).start()


def listen(a):
    def handler(c, peer):
        c.settimeout(5)
        try:
            if a.banner:
                c.sendall(a.banner.encode().decode("unicode_escape").encode("latin-1"))
            while c.recv(4096):
                pass
        except OSError:
            pass
        c.close()
        print(f"listen {a.ip}:{a.port}: {peer[0]}:{peer[1]}", flush=True)

    serve(a, handler)


def cnc(a):
    def handler(c, peer):
        c.settimeout(a.duration)
        n = 0
        try:
            hello = c.recv(5)
            print(f"cnc: bot {peer[0]} hello {hello.hex()}", flush=True)
            while True:
                hb = c.recv(2)
                if not hb:
                    break
                c.sendall(hb)
                n += 1
        except OSError:
            pass
        c.close()
        print(f"cnc: bot {peer[0]} left after {n} heartbeats", flush=True)

    serve(a, handler)


def udp_sink(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.bind((a.ip, a.port))
    time.sleep(a.duration)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("listen", "cnc", "udp-sink"):
        q = sub.add_parser(name)
        q.add_argument("ip")
        q.add_argument("port", type=int)
        q.add_argument("--duration", type=float, default=60)
        if name == "listen":
            q.add_argument("--banner", default="")
    a = p.parse_args()
    {"listen": listen, "cnc": cnc, "udp-sink": udp_sink}[a.cmd](a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
