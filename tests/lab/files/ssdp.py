#!/usr/bin/env python3
"""ssdp.py - SSDP for the lab (UDP 1900, 239.255.255.250).

  ssdp.py device --ip IP --location URL --server S --uuid U [--duration SECS]
      sends ssdp:alive NOTIFYs (root device, uuid, device type), then answers
      M-SEARCH requests by unicast from port 1900 until SECS have passed.
  ssdp.py search --ip IP [--wait SECS] [--user-agent UA]
      sends one M-SEARCH (ssdp:all) and prints the LOCATION of each answer.

Runs inside a lab namespace only; it sends to the SSDP group and to the
address a search came from, nothing else."""
import argparse
import socket
import struct
import sys
import time

GROUP = "239.255.255.250"
PORT = 1900
DEVICE_TYPE = "urn:schemas-upnp-org:device:Basic:1"


def mcast_socket(ip, bind_port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0" if bind_port else ip, bind_port))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(ip))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 2)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
    if bind_port:
        mreq = struct.pack("4s4s", socket.inet_aton(GROUP), socket.inet_aton(ip))
        s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    return s


def msg(first, headers):
    return (first + "\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n").encode()


def device(a):
    s = mcast_socket(a.ip, PORT)
    usn_root = f"uuid:{a.uuid}::upnp:rootdevice"
    targets = [("upnp:rootdevice", usn_root), (f"uuid:{a.uuid}", f"uuid:{a.uuid}"),
               (DEVICE_TYPE, f"uuid:{a.uuid}::{DEVICE_TYPE}")]
    for nt, usn in targets:
        s.sendto(msg("NOTIFY * HTTP/1.1", [
            ("HOST", f"{GROUP}:{PORT}"), ("CACHE-CONTROL", "max-age=1800"),
            ("LOCATION", a.location), ("NT", nt), ("NTS", "ssdp:alive"),
            ("SERVER", a.server), ("USN", usn)]), (GROUP, PORT))
        time.sleep(0.05)
    end = time.monotonic() + a.duration
    while True:
        left = end - time.monotonic()
        if left <= 0:
            break
        s.settimeout(left)
        try:
            data, peer = s.recvfrom(2048)
        except socket.timeout:
            break
        text = data.decode("latin-1")
        if not text.startswith("M-SEARCH * HTTP/1.1"):
            continue
        st = ""
        for line in text.split("\r\n")[1:]:
            k, _, v = line.partition(":")
            if k.strip().upper() == "ST":
                st = v.strip()
        if st == "ssdp:all":
            answers = targets
        else:
            answers = [t for t in targets if t[0] == st]
        for nt, usn in answers:
            s.sendto(msg("HTTP/1.1 200 OK", [
                ("CACHE-CONTROL", "max-age=1800"), ("EXT", ""), ("LOCATION", a.location),
                ("SERVER", a.server), ("ST", nt), ("USN", usn)]), peer)
            time.sleep(0.02)


def search(a):
    s = mcast_socket(a.ip, 0)
    s.sendto(msg("M-SEARCH * HTTP/1.1", [
        ("HOST", f"{GROUP}:{PORT}"), ("MAN", '"ssdp:discover"'), ("MX", "1"),
        ("ST", "ssdp:all"), ("USER-AGENT", a.user_agent)]), (GROUP, PORT))
    end = time.monotonic() + a.wait
    seen = []
    while True:
        left = end - time.monotonic()
        if left <= 0:
            break
        s.settimeout(left)
        try:
            data, _ = s.recvfrom(2048)
        except socket.timeout:
            break
        for line in data.decode("latin-1").split("\r\n"):
            k, _, v = line.partition(":")
            if k.strip().upper() == "LOCATION" and v.strip() not in seen:
                seen.append(v.strip())
    for loc in seen:
        print(loc)
    return 0 if seen else 1


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="mode", required=True)
    d = sub.add_parser("device")
    d.add_argument("--ip", required=True)
    d.add_argument("--location", required=True)
    d.add_argument("--server", required=True)
    d.add_argument("--uuid", required=True)
    d.add_argument("--duration", type=float, default=30)
    q = sub.add_parser("search")
    q.add_argument("--ip", required=True)
    q.add_argument("--wait", type=float, default=1.5)
    q.add_argument("--user-agent", default="Linux/6.1 UPnP/1.1 lab-control-point/1.0")
    a = p.parse_args()
    return device(a) if a.mode == "device" else search(a)


if __name__ == "__main__":
    sys.exit(main() or 0)
