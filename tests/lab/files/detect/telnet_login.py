#!/usr/bin/env python3
"""telnet_login.py - scripted TELNET logins for the lab (like a person, or a
brute-forcing bot, typing at `telnet HOST`).

  telnet_login.py HOST [--port P] [--bind IP] --try USER:PASS [--try ...]
                  [--cmd COMMAND ...] [--want ok|fail]
      one TELNET session: answers option negotiation, and for each --try
      waits for "login:", types the user, waits for "Password:", types the
      password; a shell prompt "# " means the login worked (then runs the
      commands and exits), another "login:" means it failed and the next
      --try follows. Exit status 0 when the outcome is --want (default ok).
  telnet_login.py HOST [--port P] [--bind IP] --peek
      connects, reads up to the first "login:" prompt, prints it, hangs up.

Talks only to HOST (a lab address); every step is bounded by a timeout."""
import argparse
import socket
import sys
import time

IAC, DONT, DO, WONT, WILL, SB, SE = 255, 254, 253, 252, 251, 250, 240
ECHO, SGA = 1, 3


class Session:
    def __init__(self, host, port, bind, timeout=5):
        self.s = socket.create_connection((host, port), timeout=timeout,
                                          source_address=(bind, 0) if bind else None)
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.text = bytearray()

    def _feed(self, data):
        out = bytearray()
        i = 0
        while i < len(data):
            b = data[i]
            if b != IAC:
                self.text.append(b)
                i += 1
                continue
            if i + 1 >= len(data):
                break
            cmd = data[i + 1]
            if cmd in (DO, DONT, WILL, WONT) and i + 2 < len(data):
                opt = data[i + 2]
                if cmd == DO:
                    out += bytes([IAC, WONT, opt])
                elif cmd == WILL:
                    out += bytes([IAC, DO if opt in (ECHO, SGA) else DONT, opt])
                i += 3
            elif cmd == SB:
                end = data.find(bytes([IAC, SE]), i)
                i = len(data) if end < 0 else end + 2
            else:
                i += 2
        if out:
            self.s.sendall(bytes(out))

    def expect(self, *markers, timeout=5):
        """Reads until one of the markers; returns (marker, text before it)."""
        end = time.monotonic() + timeout
        while True:
            hits = [(self.text.find(m), m) for m in markers if m in self.text]
            if hits:
                pos, m = min(hits)
                seen = bytes(self.text[:pos])
                self.text = bytearray(self.text[pos + len(m):])
                return m, seen
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"none of {markers} from server; got {bytes(self.text)!r}")
            self.s.settimeout(left)
            data = self.s.recv(4096)
            if not data:
                return None, bytes(self.text)
            self._feed(data)

    def line(self, s):
        time.sleep(0.15)  # a little like typing: one segment per line
        self.s.sendall(s.encode() + b"\r\n")

    def close(self):
        try:
            self.s.shutdown(socket.SHUT_WR)
            self.s.settimeout(2)
            while self.s.recv(4096):
                pass
        except OSError:
            pass
        self.s.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("host")
    p.add_argument("--port", type=int, default=23)
    p.add_argument("--bind")
    p.add_argument("--try", dest="tries", action="append", default=[])
    p.add_argument("--cmd", action="append", default=[])
    p.add_argument("--want", choices=("ok", "fail"), default="ok")
    p.add_argument("--peek", action="store_true")
    a = p.parse_args()
    t = Session(a.host, a.port, a.bind)
    m, seen = t.expect(b"login: ")
    if a.peek:
        print(seen.decode("utf-8", "replace").replace("\r", "").strip() + "\nlogin: (hung up)")
        t.close()
        return 0 if m else 1
    outcome = "fail"
    for i, pair in enumerate(a.tries):
        user, _, password = pair.partition(":")
        if i > 0:
            m, _ = t.expect(b"login: ")
            if not m:
                break
        t.line(user)
        t.expect(b"Password: ")
        t.line(password)
        m, _ = t.expect(b"# ", b"Login incorrect")
        if m == b"# ":
            outcome = "ok"
            break
        print(f"telnet: {user}: login incorrect")
    if outcome == "ok":
        print(f"telnet: {user}: logged in")
        for c in a.cmd:
            t.line(c)
            _, out = t.expect(b"# ")
            sys.stdout.write(out.decode("utf-8", "replace").replace("\r", ""))
        t.line("exit")
    t.close()
    return 0 if outcome == a.want else 1


if __name__ == "__main__":
    sys.exit(main())
