#!/usr/bin/env python3
"""sntp.py - a minimal SNTP (RFC 4330) server and client for the lab, in place
of `busybox ntpd`, which Debian's busybox builds leave out.

  sntp.py server --ip IP [--duration SECS]   answers mode-3 requests on IP:123
  sntp.py client HOST [--timeout SECS]       one mode-3 request (version 4) from
                                             an ephemeral port; prints the offset

Runs inside a lab namespace only."""
import argparse
import socket
import struct
import sys
import time

NTP_DELTA = 2208988800  # 1900-01-01 to 1970-01-01


def ts(t):
    sec = int(t) + NTP_DELTA
    frac = int((t - int(t)) * (1 << 32)) & 0xFFFFFFFF
    return struct.pack("!II", sec & 0xFFFFFFFF, frac)


def unts(b):
    sec, frac = struct.unpack("!II", b)
    return sec - NTP_DELTA + frac / (1 << 32)


def server(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((a.ip, 123))
    end = time.monotonic() + a.duration
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return 0
        s.settimeout(left)
        try:
            data, peer = s.recvfrom(512)
        except socket.timeout:
            return 0
        recv = time.time()
        if len(data) < 48 or data[0] & 7 != 3:
            continue
        vn = (data[0] >> 3) & 7
        reply = bytes([(0 << 6) | (vn << 3) | 4, 1, data[2], 0xEC])  # LI 0, stratum 1, poll, precision
        reply += struct.pack("!II", 0, 0x10)  # root delay, root dispersion
        reply += b"GPS\0"  # reference id
        reply += ts(recv - 16) + data[40:48] + ts(recv) + ts(time.time())
        s.sendto(reply, peer)


def client(a):
    addr = socket.getaddrinfo(a.host, 123, socket.AF_INET, socket.SOCK_DGRAM)[0][4]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(a.timeout)
    t1 = time.time()
    req = bytes([(0 << 6) | (4 << 3) | 3, 0, 6, 0xE9]) + b"\0" * 36 + ts(t1)
    s.sendto(req, addr)
    data, _ = s.recvfrom(512)
    t4 = time.time()
    if len(data) < 48 or data[0] & 7 != 4 or data[24:32] != ts(t1):
        print("sntp: bad reply", file=sys.stderr)
        return 1
    t2, t3 = unts(data[32:40]), unts(data[40:48])
    print(f"sntp: {a.host} stratum {data[1]} offset {((t2 - t1) + (t3 - t4)) / 2:+.6f}s")
    return 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="mode", required=True)
    s = sub.add_parser("server")
    s.add_argument("--ip", required=True)
    s.add_argument("--duration", type=float, default=60)
    c = sub.add_parser("client")
    c.add_argument("host")
    c.add_argument("--timeout", type=float, default=3)
    a = p.parse_args()
    return server(a) if a.mode == "server" else client(a)


if __name__ == "__main__":
    sys.exit(main())
