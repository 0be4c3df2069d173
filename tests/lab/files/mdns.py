#!/usr/bin/env python3
"""mdns.py - multicast DNS for the lab (UDP 5353, 224.0.0.251).

  mdns.py announce --ip IP --host NAME --instance TEXT --service _ipp._tcp
                   --port N --txt k=v [--txt k=v ...] [--duration SECS]
      sends two unsolicited announcements one second apart (PTR, SRV, TXT and
      A records, as RFC 6762 section 8.3 asks), then answers PTR queries for
      the service (or for _services._dns-sd._udp.local) until SECS have passed.
  mdns.py query --ip IP --service _ipp._tcp [--wait SECS]
      sends one PTR query from port 5353 and prints the instance names heard.

Packets are built by hand (with name compression, as real responders do) so
the capture carries real mDNS. Runs inside a lab namespace only."""
import argparse
import socket
import struct
import sys
import time

GROUP = "224.0.0.251"
PORT = 5353
T_A, T_PTR, T_TXT, T_SRV = 1, 12, 16, 33
IN, FLUSH = 1, 0x8000


class Packet:
    def __init__(self, flags):
        self.flags = flags
        self.body = bytearray()
        self.names = {}
        self.counts = [0, 0, 0, 0]

    def name(self, name):
        """Append a name to the body, compressing against names already in
        the packet (a pointer to the longest known suffix)."""
        labels = [l for l in name.rstrip(".").split(".") if l]
        for i in range(len(labels)):
            suffix = ".".join(labels[i:]).lower()
            if suffix in self.names:
                self.body += struct.pack("!H", 0xC000 | self.names[suffix])
                return
            off = 12 + len(self.body)
            if off < 0x3FFF:
                self.names[suffix] = off
            raw = labels[i].encode()
            self.body += bytes([len(raw)]) + raw
        self.body += b"\0"

    def question(self, name, qtype):
        self.name(name)
        self.body += struct.pack("!HH", qtype, IN)
        self.counts[0] += 1

    def record(self, section, name, rtype, rclass, ttl, rdata_fn):
        self.name(name)
        self.body += struct.pack("!HHI", rtype, rclass, ttl)
        rd = bytearray()
        rdata_fn(rd)
        self.body += struct.pack("!H", len(rd)) + rd
        self.counts[section] += 1

    def bytes(self):
        return struct.pack("!HHHHHH", 0, self.flags, *self.counts) + bytes(self.body)


def txt_rdata(pairs):
    out = bytearray()
    for kv in pairs:
        raw = kv.encode()
        out += bytes([len(raw)]) + raw
    return out


def response(a, with_services_ptr):
    svc = f"{a.service}.local"
    inst = f"{a.instance}.{svc}"
    host = f"{a.host}.local"
    p = Packet(0x8400)

    # PTR service -> instance (shared record, no cache-flush bit). Names in
    # rdata are written into the body itself so compression offsets hold.
    def add_ptr(section, owner, target):
        p.name(owner)
        p.body += struct.pack("!HHI", T_PTR, IN, 4500)
        lenpos = len(p.body)
        p.body += b"\0\0"
        start = len(p.body)
        p.name(target)
        struct.pack_into("!H", p.body, lenpos, len(p.body) - start)
        p.counts[section] += 1

    add_ptr(1, svc, inst)
    if with_services_ptr:
        add_ptr(1, "_services._dns-sd._udp.local", svc)
    # SRV (unique, cache-flush)
    p.name(inst)
    p.body += struct.pack("!HHI", T_SRV, IN | FLUSH, 120)
    lenpos = len(p.body)
    p.body += b"\0\0"
    start = len(p.body)
    p.body += struct.pack("!HHH", 0, 0, a.port)
    p.name(host)
    struct.pack_into("!H", p.body, lenpos, len(p.body) - start)
    p.counts[1] += 1
    # TXT
    p.record(1, inst, T_TXT, IN | FLUSH, 4500, lambda rd: rd.extend(txt_rdata(a.txt)))
    # A
    p.record(1, host, T_A, IN | FLUSH, 120, lambda rd: rd.extend(socket.inet_aton(a.ip)))
    return p.bytes()


def sock(ip, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(ip))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
    mreq = struct.pack("4s4s", socket.inet_aton(GROUP), socket.inet_aton(ip))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    return s


def read_name(data, off, depth=0):
    labels = []
    while True:
        if off >= len(data) or depth > 16:
            raise ValueError("bad name")
        n = data[off]
        if n & 0xC0 == 0xC0:
            ptr = struct.unpack_from("!H", data, off)[0] & 0x3FFF
            rest, _ = read_name(data, ptr, depth + 1)
            labels.append(rest)
            return ".".join(l for l in labels if l), off + 2
        off += 1
        if n == 0:
            return ".".join(labels), off
        labels.append(data[off:off + n].decode("utf-8", "replace"))
        off += n


def questions(data):
    qd = struct.unpack_from("!H", data, 4)[0]
    off, out = 12, []
    for _ in range(qd):
        name, off = read_name(data, off)
        qtype, _ = struct.unpack_from("!HH", data, off)
        off += 4
        out.append((name.lower(), qtype))
    return out


def announce(a):
    s = sock(a.ip, PORT)
    for i in range(2):
        s.sendto(response(a, True), (GROUP, PORT))
        if i == 0:
            time.sleep(1.0)
    svc = f"{a.service}.local".lower()
    end = time.monotonic() + a.duration
    while True:
        left = end - time.monotonic()
        if left <= 0:
            break
        s.settimeout(left)
        try:
            data, peer = s.recvfrom(9000)
        except socket.timeout:
            break
        if len(data) < 12 or struct.unpack_from("!H", data, 2)[0] & 0x8000:
            continue
        try:
            qs = questions(data)
        except (ValueError, struct.error):
            continue
        for name, qtype in qs:
            if qtype in (T_PTR, 255) and name == svc:
                time.sleep(0.05)  # RFC 6762 6: 20-120 ms for shared answers
                s.sendto(response(a, False), (GROUP, PORT))
                break
            if qtype in (T_PTR, 255) and name == "_services._dns-sd._udp.local":
                time.sleep(0.05)
                s.sendto(response(a, True), (GROUP, PORT))
                break


def query(a):
    s = sock(a.ip, PORT)
    p = Packet(0)
    p.question(f"{a.service}.local", T_PTR)
    s.sendto(p.bytes(), (GROUP, PORT))
    end = time.monotonic() + a.wait
    heard = []
    while True:
        left = end - time.monotonic()
        if left <= 0:
            break
        s.settimeout(left)
        try:
            data, _ = s.recvfrom(9000)
        except socket.timeout:
            break
        if len(data) < 12 or not struct.unpack_from("!H", data, 2)[0] & 0x8000:
            continue
        an = struct.unpack_from("!H", data, 6)[0]
        try:
            off = 12
            for _ in range(struct.unpack_from("!H", data, 4)[0]):
                _, off = read_name(data, off)
                off += 4
            for _ in range(an):
                owner, off = read_name(data, off)
                rtype, _, _, rdlen = struct.unpack_from("!HHIH", data, off)
                off += 10
                if rtype == T_PTR and owner.lower() == f"{a.service}.local".lower():
                    target, _ = read_name(data, off)
                    if target not in heard:
                        heard.append(target)
                off += rdlen
        except (ValueError, struct.error):
            continue
        if heard:
            break
    for h in heard:
        print(h)
    return 0 if heard else 1


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="mode", required=True)
    d = sub.add_parser("announce")
    d.add_argument("--ip", required=True)
    d.add_argument("--host", required=True)
    d.add_argument("--instance", required=True)
    d.add_argument("--service", required=True)
    d.add_argument("--port", type=int, required=True)
    d.add_argument("--txt", action="append", default=[])
    d.add_argument("--duration", type=float, default=30)
    q = sub.add_parser("query")
    q.add_argument("--ip", required=True)
    q.add_argument("--service", required=True)
    q.add_argument("--wait", type=float, default=2)
    a = p.parse_args()
    return announce(a) if a.mode == "announce" else query(a)


if __name__ == "__main__":
    sys.exit(main() or 0)
