#!/usr/bin/env python3
"""check_expected.py - checks koban's output, or the capture itself, against
tests/lab/expected-sample.json.

  check_expected.py koban    EXPECTED OUTDIR    devices.json + events.jsonl in OUTDIR
  check_expected.py capture  EXPECTED PCAPNG    the capture holds what EXPECTED says
                                                (sha256, packet count, tshark filters)
  check_expected.py stamp    EXPECTED PCAPNG    after re-recording: rewrites the
                                                capture-derived values in EXPECTED
                                                (sha256, packets, first/last frame
                                                times, devices' first_seen, login
                                                time windows of the "flow_of" TCP
                                                connections); review the diff

Prints one line per check, `PASS name` or `FAIL name: detail`, for
tests/lab/sample_test.sh to count. Exit status 0 when every check passed.

Matching rules (see "notes" in the JSON): MACs are lowercase with colons;
host names are compared after lowercasing and dropping a trailing dot and a
".local" or ".lan" suffix; times are the ISO 8601 UTC strings with
milliseconds that koban writes (truncated, not rounded)."""
import datetime
import decimal
import hashlib
import json
import os
import re
import subprocess
import sys

DEVICE_KEYS = {"mac", "ips", "vendor", "hostnames", "model", "firmware", "mud_url",
               "services", "peers", "first_seen", "last_seen"}
SERVICE_KEYS = {"port", "proto", "name", "banner"}
PEER_KEYS = {"ip", "name", "flows"}
EVENT_KEYS = {"ts", "kind", "severity", "device", "peer", "key_points", "summary", "evidence"}
SEVERITIES = {"info", "low", "medium", "high", "critical"}
ISO_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

results = []


def check(name, cond, detail=""):
    results.append((bool(cond), name, detail))
    return bool(cond)


def report():
    for good, name, detail in results:
        print(f"PASS {name}" if good else f"FAIL {name}: {detail}")
    return 0 if all(r[0] for r in results) else 1


def norm_host(h):
    h = (h or "").lower().rstrip(".")
    for suffix in (".local", ".lan"):
        if h.endswith(suffix):
            h = h[: -len(suffix)]
    return h


def iso_ms(epoch):
    """frame.time_epoch (a decimal string) -> koban's ISO form, truncated to ms."""
    d = decimal.Decimal(epoch)
    us = int(d * 1000000)
    t = datetime.datetime.fromtimestamp(us // 1000000, datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % ((us % 1000000) // 1000)


# --- koban's output -------------------------------------------------------------

def svc_key(s):
    return (s.get("port"), s.get("proto"))


def event_text(e):
    return json.dumps(e, ensure_ascii=False).lower()


def find_port(e):
    ev = e.get("evidence") or {}
    if isinstance(ev, dict):
        for k in ("port", "service_port"):
            if isinstance(ev.get(k), int):
                return ev[k]
        svc = ev.get("service")
        if isinstance(svc, dict) and isinstance(svc.get("port"), int):
            return svc["port"]
    peer = e.get("peer") or {}
    return peer.get("port")


def check_device(exp, devs):
    mac = exp["mac"]
    role = exp.get("role", mac)
    tag = f"{role} {mac}"
    matches = [d for d in devs if d.get("mac") == mac]
    if not check(f"{tag}: present once in devices.json", len(matches) == 1, f"found {len(matches)}"):
        return
    d = matches[0]
    check(f"{tag}: ips", sorted(d.get("ips") or []) == sorted(exp["ips"]),
          f"got {d.get('ips')}, want {exp['ips']}")
    if "vendor_contains" in exp:
        check(f"{tag}: vendor", exp["vendor_contains"] in (d.get("vendor") or ""),
              f"got {d.get('vendor')!r}, want it to contain {exp['vendor_contains']!r}")
    if "hostnames" in exp:
        got = sorted({norm_host(h) for h in d.get("hostnames") or []})
        want = sorted({norm_host(h) for h in exp["hostnames"]})
        check(f"{tag}: hostnames", got == want, f"got {d.get('hostnames')}, want {exp['hostnames']}")
    if "model_contains" in exp:
        check(f"{tag}: model", exp["model_contains"] in (d.get("model") or ""),
              f"got {d.get('model')!r}, want it to contain {exp['model_contains']!r}")
    for key in ("model", "firmware", "mud_url"):
        if key in exp:
            check(f"{tag}: {key}", d.get(key) == exp[key], f"got {d.get(key)!r}, want {exp[key]!r}")
    services = d.get("services") or []
    have = {svc_key(s): s for s in services}
    for s in exp.get("services", []):
        k = (s["port"], s["proto"])
        got = have.get(k)
        ok = got is not None and ("name" not in s or (got.get("name") or "").lower() == s["name"])
        check(f"{tag}: offers {s['port']}/{s['proto']}" + (f" ({s['name']})" if "name" in s else ""),
              ok, f"services are {services}")
    if exp.get("tcp_services_exact"):
        got = sorted(p for p, proto in have if proto == "tcp")
        want = sorted(s["port"] for s in exp.get("services", []) if s["proto"] == "tcp")
        check(f"{tag}: TCP services are exactly {want}", got == want, f"got {got}")
    if "udp_services_subset_of" in exp:
        got = sorted(p for p, proto in have if proto == "udp")
        extra = [p for p in got if p not in exp["udp_services_subset_of"]]
        check(f"{tag}: no UDP service beyond {exp['udp_services_subset_of']}", not extra,
              f"unexpected UDP services {extra} (client ports taken for services?)")
    peers = d.get("peers") or []
    for p in exp.get("peers", []):
        got = [q for q in peers if q.get("ip") == p["ip"]]
        desc = f"{tag}: peer {p['ip']}" + (f" named {p['name']}" if "name" in p else "")
        if not check(desc, len(got) == 1, f"peers are {peers}"):
            continue
        q = got[0]
        if "name" in p:
            check(desc + " (name)", norm_host(q.get("name")) == norm_host(p["name"]), f"got {q}")
        if "flows" in p:
            check(desc + f" with {p['flows']} flow(s)", q.get("flows") == p["flows"], f"got {q}")
    if "first_seen" in exp:
        check(f"{tag}: first_seen", d.get("first_seen") == exp["first_seen"],
              f"got {d.get('first_seen')}, want {exp['first_seen']} (first frame the device sent)")
    if "last_sent" in exp:
        ls = d.get("last_seen") or ""
        check(f"{tag}: last_seen", exp["last_sent"] <= ls <= CAPTURE["last"],
              f"got {ls!r}, want between {exp['last_sent']} (its last frame) and {CAPTURE['last']}")


def match_login(e, x):
    dev = (e.get("device") or {}).get("ip")
    peer = e.get("peer") or {}
    if {dev, peer.get("ip")} != {x["client"], x["server"]}:
        return False
    if peer.get("ip") == x["server"] and peer.get("port") not in (None, x["port"]):
        return False
    text = event_text(e)
    if x["user"].lower() not in text:
        return False
    ev = e.get("evidence") or {}
    proto = ev.get("proto") or ev.get("protocol") if isinstance(ev, dict) else None
    if proto:
        return str(proto).lower() == x["proto"]
    return x["proto"] in text or x["proto"].replace("-", " ") in text


def check_koban(expected, outdir):
    dpath = os.path.join(outdir, "devices.json")
    epath = os.path.join(outdir, "events.jsonl")
    try:
        with open(dpath, encoding="utf-8") as f:
            devs_raw = f.read()
        devs = json.loads(devs_raw)
    except (OSError, ValueError) as e:
        check("devices.json is readable JSON", False, str(e))
        return
    check("devices.json is readable JSON", True)
    if not check("devices.json is an array of objects",
                 isinstance(devs, list) and all(isinstance(d, dict) for d in devs), type(devs).__name__):
        return
    bad = [sorted(set(d) ^ DEVICE_KEYS) for d in devs if set(d) != DEVICE_KEYS]
    check("devices have exactly the documented keys", not bad, f"differences: {bad[:3]}")
    bad = [s for d in devs for s in d.get("services") or [] if set(s) != SERVICE_KEYS]
    check("services have exactly port, proto, name, banner", not bad, f"{bad[:3]}")
    bad = [p for d in devs for p in d.get("peers") or [] if set(p) != PEER_KEYS]
    check("peers have exactly ip, name, flows", not bad, f"{bad[:3]}")
    bad = [(d.get("mac"), k, d.get(k)) for d in devs for k in ("first_seen", "last_seen")
           if not (isinstance(d.get(k), str) and ISO_RE.match(d[k]))]
    check("first_seen/last_seen are ISO 8601 UTC with ms", not bad, f"{bad[:3]}")

    local_macs = {x["mac"] for x in expected["devices"]}
    macs = sorted(d["mac"] for d in devs if d.get("mac"))
    check("the devices with a MAC are exactly the lab's five",
          sorted(macs) == sorted(local_macs), f"got {macs}")
    remote = set(expected["remote_hosts"])
    leaked = [(d.get("mac"), ip) for d in devs if d.get("mac") for ip in d.get("ips") or [] if ip in remote]
    check("no Internet address is filed under a LAN MAC", not leaked,
          f"{leaked} (routed traffic carries the gateway's MAC)")
    for x in expected["devices"]:
        check_device(x, devs)

    try:
        with open(epath, encoding="utf-8") as f:
            ev_raw = f.read()
        events = [json.loads(l) for l in ev_raw.splitlines() if l.strip()]
    except (OSError, ValueError) as e:
        check("events.jsonl is readable JSON lines", False, str(e))
        return
    check("events.jsonl is readable JSON lines", True)
    bad = [sorted(set(e) ^ EVENT_KEYS) for e in events if set(e) != EVENT_KEYS]
    check("events have exactly the documented keys", not bad, f"differences: {bad[:3]}")
    bad = [e for e in events if not (isinstance(e.get("ts"), str) and ISO_RE.match(e["ts"])
                                     and CAPTURE["first"] <= e["ts"] <= CAPTURE["last"])]
    check("event times are capture times (ISO, within the capture)", not bad,
          f"{[(e.get('kind'), e.get('ts')) for e in bad[:3]]}")
    bad = [e.get("severity") for e in events if e.get("severity") not in SEVERITIES]
    check("event severities are info..critical", not bad, f"{bad[:3]}")
    bad = [e.get("kind") for e in events
           if not (isinstance(e.get("summary"), dict) and (e["summary"].get("en") or "").strip()
                   and (e["summary"].get("ja") or "").strip() and isinstance(e.get("key_points"), list)
                   and isinstance(e.get("evidence"), dict))]
    check("events carry summary.en, summary.ja, key_points[] and evidence{}", not bad, f"{bad[:3]}")

    for secret in expected["secrets_never_written"]:
        check(f"secret {secret[:2]}... appears in no output file",
              secret not in ev_raw and secret not in devs_raw, "a password was written out")

    first_seen = {d.get("mac"): d.get("first_seen") for d in devs}
    nd = [e for e in events if e.get("kind") == "new-device" and (e.get("device") or {}).get("mac")]
    got = sorted(e["device"]["mac"] for e in nd)
    check("new-device: one event per LAN device, no more", got == sorted(local_macs), f"got {got}")
    for e in nd:
        mac = e["device"]["mac"]
        if mac in local_macs:
            check(f"new-device {mac}: at the device's first_seen", e["ts"] == first_seen.get(mac),
                  f"event at {e['ts']}, first_seen {first_seen.get(mac)}")

    for x in expected["events"]:
        kind = x["kind"]
        if kind == "new-service":
            got = [e for e in events if e.get("kind") == kind and (e.get("device") or {}).get("mac") == x["mac"]
                   and find_port(e) == x["port"]]
            check(f"new-service {x['mac']} {x['port']}/{x['proto']}", len(got) == 1,
                  f"found {len(got)} (port looked for in evidence.port, else peer.port)")
        elif kind == "cleartext-login":
            got = [e for e in events if e.get("kind") == kind and match_login(e, x)]
            name = f"cleartext-login {x['proto']} user {x['user']} {x['client']} -> {x['server']}:{x['port']}"
            if check(name, len(got) >= 1, "no matching event"):
                w = x["window"]
                check(name + " (time)", all(w[0] <= e["ts"] <= w[1] for e in got),
                      f"ts {[e['ts'] for e in got]} outside the flow {w}")
        elif kind == "count":
            got = [e for e in events if e.get("kind") == x["of"]]
            check(f"exactly {x['n']} {x['of']} events", len(got) == x["n"], f"found {len(got)}")
    for x in expected["events_absent"]:
        got = [e for e in events if e.get("kind") == x["kind"] and (
            ("mac" in x and (e.get("device") or {}).get("mac") == x["mac"]) or
            ("ip" in x and x["ip"] in ((e.get("device") or {}).get("ip"), (e.get("peer") or {}).get("ip"))) or
            ("peer_port" in x and (e.get("peer") or {}).get("port") == x["peer_port"]))]
        check(f"no {x['kind']} event for {x.get('why', x)}", not got, f"found {got[:2]}")


# --- the capture ---------------------------------------------------------------------

def tshark(pcap, *args):
    r = subprocess.run(["tshark", "-n", "-r", pcap, *args], capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise RuntimeError(r.stderr.strip())
    return r.stdout


def frame_times(pcap, flt):
    out = tshark(pcap, "-Y", flt, "-T", "fields", "-e", "frame.time_epoch")
    return [l for l in out.split() if l]


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def check_capture(expected, pcap):
    c = expected["capture"]
    check("capture sha256 matches expected-sample.json", sha256(pcap) == c["sha256"],
          "the capture was re-recorded: run `check_expected.py stamp` and review")
    check("capture is pcapng", open(pcap, "rb").read(4) == b"\x0a\x0d\x0d\x0a", "not a pcapng file")
    times = frame_times(pcap, "frame")
    check(f"capture has {c['packets']} packets", len(times) == c["packets"], f"got {len(times)}")
    for x in expected["capture_checks"]:
        try:
            n = len(frame_times(pcap, x["filter"]))
        except RuntimeError as e:
            check(x["what"], False, f"tshark: {e}")
            continue
        check(f"{x['what']} ({x['count']} frame(s))", n == x["count"], f"`{x['filter']}` matched {n}")
    for d in expected["devices"]:
        t = frame_times(pcap, f"eth.src == {d['mac']}")
        check(f"{d['role']}: first and last frame it sent are at first_seen, last_sent",
              t and [iso_ms(t[0]), iso_ms(t[-1])] == [d["first_seen"], d["last_sent"]], f"got {t[:1]} {t[-1:]}")
    for x in expected["events"]:
        if "flow_of" in x:
            out = tshark(pcap, "-Y", x["flow_of"], "-T", "fields", "-e", "tcp.stream").split()
            t = frame_times(pcap, f"tcp.stream == {out[0]}") if len(out) == 1 else []
            check(f"one {x['proto']} login connection, at {x['window']}",
                  t and [iso_ms(t[0]), iso_ms(t[-1])] == x["window"], f"`{x['flow_of']}` matched {out}")


def stamp(expected, path, pcap):
    c = expected["capture"]
    times = frame_times(pcap, "frame")
    c["sha256"] = sha256(pcap)
    c["packets"] = len(times)
    c["first"], c["last"] = iso_ms(times[0]), iso_ms(times[-1])
    for d in expected["devices"]:
        t = frame_times(pcap, f"eth.src == {d['mac']}")
        d["first_seen"], d["last_sent"] = iso_ms(t[0]), iso_ms(t[-1])
    for x in expected["events"]:
        if "flow_of" in x:  # the TCP connection holding the frame that matches
            out = tshark(pcap, "-Y", x["flow_of"], "-T", "fields", "-e", "tcp.stream")
            t = frame_times(pcap, f"tcp.stream == {out.split()[0]}")
            x["window"] = [iso_ms(t[0]), iso_ms(t[-1])]
    with open(path, "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"stamped {path} from {pcap}: {len(times)} packets")


CAPTURE = {}


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("koban", "capture", "stamp"):
        print(__doc__, file=sys.stderr)
        return 2
    mode, path, target = sys.argv[1:]
    with open(path, encoding="utf-8") as f:
        expected = json.load(f)
    CAPTURE.update(expected["capture"])
    if mode == "stamp":
        stamp(expected, path, target)
        return 0
    if mode == "capture":
        check_capture(expected, target)
    else:
        check_koban(expected, target)
    return report()


if __name__ == "__main__":
    sys.exit(main())
