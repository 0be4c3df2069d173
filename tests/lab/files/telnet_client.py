#!/usr/bin/env python3
"""telnet_client.py - a scripted TELNET login for the lab, like a person (or a
bot) typing at `telnet HOST`: answers the server's option negotiation, waits
for "login:" and "Password:", sends the user and the password, runs a few
commands at the shell prompt and logs out.

  telnet_client.py HOST USER PASSWORD [COMMAND ...]

Talks only to HOST (a lab address); bounded by a timeout per step."""
import socket
import sys
import time

IAC, DONT, DO, WONT, WILL, SB, SE = 255, 254, 253, 252, 251, 250, 240
ECHO, SGA = 1, 3


class Session:
    def __init__(self, host, port=23, timeout=5):
        self.s = socket.create_connection((host, port), timeout=timeout)
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

    def expect(self, marker, timeout=5):
        end = time.monotonic() + timeout
        while marker not in self.text:
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no {marker!r} from server; got {bytes(self.text)!r}")
            self.s.settimeout(left)
            data = self.s.recv(4096)
            if not data:
                raise ConnectionError(f"closed before {marker!r}; got {bytes(self.text)!r}")
            self._feed(data)
        seen = bytes(self.text)
        self.text = bytearray(seen[seen.index(marker) + len(marker):])
        return seen

    def line(self, s):
        time.sleep(0.15)  # a little like typing: one segment per line
        self.s.sendall(s.encode() + b"\r\n")


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    host, user, password, cmds = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    t = Session(host)
    t.expect(b"login: ")
    t.line(user)
    t.expect(b"Password: ")
    t.line(password)
    t.expect(b"# ")
    for c in cmds:
        t.line(c)
        out = t.expect(b"# ")
        sys.stdout.write(out.decode("utf-8", "replace").replace("\r", ""))
    t.line("exit")
    try:
        t.s.settimeout(3)
        while t.s.recv(4096):
            pass
    except OSError:
        pass
    t.s.close()
    print("\ntelnet: logged in and out")
    return 0


if __name__ == "__main__":
    sys.exit(main())
