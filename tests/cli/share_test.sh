#!/bin/bash
# share_test.sh - `koban share DIR --stix FILE`: exports a store of c2, scan
# and flood events (written by the test_share_fixture program through the
# store API) as a STIX 2.1 bundle, which tests/cli/stix_check.py validates
# against the spec's required properties; then the exact contents, the
# options, the error paths, and a capture analysed end to end: the source
# of an inbound scan is the scanner, an incident's updates and final report
# are not counted again, floods from forged addresses are not exported.
. "$(dirname "$0")/../lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fixture=$(dirname "$KOBAN")/tests/cli/test_share_fixture
check_py() { python3 "$here/stix_check.py" "$@"; }

# --- the fixture store ---
mkdir -p "$work/db"
if [ -x "$fixture" ] && "$fixture" "$work/db" >/dev/null; then ok; else fail "fixture program $fixture"; fi

"$KOBAN" share "$work/db" --stix "$work/bundle.json" 2>"$work/err"
expect_eq "share exit status" "$?" 0
check "summary line names the file" grep -q "bundle.json: STIX 2.1 bundle with 4 indicators" "$work/err"
check "summary counts skipped events" grep -q "1 without a usable address" "$work/err"
check_py "$work/bundle.json" indicators=4 sightings=4 observed=3 scos=2 identities=1 >"$work/check" 2>&1
expect_eq "bundle passes the STIX 2.1 checks" "$?" 0
summary_json=$(tail -n 1 "$work/check")

# exact contents
val() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); print($2)" "$summary_json"; }
expect_eq "ip indicator pattern" "$(val "" "\"[ipv4-addr:value = '198.51.100.7']\" in d['patterns']")" True
expect_eq "domain normalised" "$(val "" "\"[domain-name:value = 'c2.example']\" in d['patterns']")" True
expect_eq "behavioural peer exported" "$(val "" "\"[ipv4-addr:value = '203.0.113.99']\" in d['patterns']")" True
expect_eq "url quote and backslash escaped" \
	"$(val "" "\"[url:value = 'http://dl.example/it\\\\'s\\\\\\\\x.sh']\" in d['patterns']")" True
expect_eq "sighting count of the ip" "$(val "" "d['sightings'][\"[ipv4-addr:value = '198.51.100.7']\"]")" 3
expect_eq "sighting count of the domain" "$(val "" "d['sightings'][\"[domain-name:value = 'c2.example']\"]")" 2
expect_eq "scan source observed" "$(val "" "d['observed']['scanning 192.168.1.50']")" 4
expect_eq "ipv6 scan source observed" "$(val "" "d['observed']['scanning 2001:db8::50']")" 1
expect_eq "flood source observed" "$(val "" "d['observed']['flooding 192.168.1.50']")" 2

py_bundle() { python3 -c "import json,sys; b=json.load(open(sys.argv[1])); o=b['objects']; print($2)" "$1"; }
expect_eq "identity default name" "$(py_bundle "$work/bundle.json" "[x['name'] for x in o if x['type']=='identity'][0]")" koban
expect_eq "indicator types" \
	"$(py_bundle "$work/bundle.json" "sorted(x['indicator_types'][0] for x in o if x['type']=='indicator')")" \
	"['anomalous-activity', 'malicious-activity', 'malicious-activity', 'malicious-activity']"
expect_eq "label used as name" \
	"$(py_bundle "$work/bundle.json" "[x['name'] for x in o if x['type']=='indicator' and '198.51' in x['pattern']][0]")" \
	"Mirai C2: C&C address 198.51.100.7"
expect_eq "first seen / last seen" \
	"$(py_bundle "$work/bundle.json" "[(x['first_seen'],x['last_seen']) for x in o if x['type']=='sighting' and x['count']==3][0]")" \
	"('2024-05-01T00:00:00.000Z', '2024-05-01T00:02:00.000Z')"
expect_eq "valid_from is the first sighting" \
	"$(py_bundle "$work/bundle.json" "[x['valid_from'] for x in o if x['type']=='indicator' and '198.51' in x['pattern']][0]")" \
	"2024-05-01T00:00:00.000Z"
expect_eq "no other event kinds" "$(py_bundle "$work/bundle.json" "len(o)")" 14
expect_eq "no tmp file left" "$(ls "$work" | grep -c tmp)" 0

# the checker itself rejects broken bundles
python3 - "$work/bundle.json" "$work/broken" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
cases = {
    "dangling": lambda o: [x for x in o if x["type"] != "identity"],
    "sco-id": lambda o: [dict(x, value="192.0.2.1") if x["type"] == "ipv4-addr" else x for x in o],
    "no-pattern": lambda o: [{k: v for k, v in x.items() if k != "pattern"} for x in o],
    "bad-ts": lambda o: [dict(x, created="2024-05-01T00:00:00Z") if "created" in x else x for x in o],
    "no-refs": lambda o: [{k: v for k, v in x.items() if k != "object_refs"} for x in o],
}
for name, f in cases.items():
    json.dump(dict(b, objects=f(b["objects"])), open(f"{sys.argv[2]}-{name}.json", "w"))
PY
for c in dangling sco-id no-pattern bad-ts no-refs; do
	check_py "$work/broken-$c.json" >/dev/null 2>&1
	expect_eq "checker rejects $c" "$?" 1
done

# options: --name, --config share.identity, stdout
"$KOBAN" share "$work/db" --stix "$work/named.json" --name "Example ISP SOC" 2>/dev/null
expect_eq "--name" "$(py_bundle "$work/named.json" "[x['name'] for x in o if x['type']=='identity'][0]")" "Example ISP SOC"
printf 'share.identity = Config Reporter\n' >"$work/koban.conf"
"$KOBAN" share "$work/db" --stix "$work/conf.json" --config "$work/koban.conf" 2>/dev/null
expect_eq "share.identity" "$(py_bundle "$work/conf.json" "[x['name'] for x in o if x['type']=='identity'][0]")" "Config Reporter"
"$KOBAN" share "$work/db" --stix - 2>/dev/null >"$work/stdout.json"
check_py "$work/stdout.json" indicators=4 >/dev/null 2>&1
expect_eq "--stix - writes a valid bundle to stdout" "$?" 0
ids1=$(py_bundle "$work/bundle.json" "sorted(x['id'] for x in o if x['type'] in ('ipv4-addr','ipv6-addr'))")
ids2=$(py_bundle "$work/named.json" "sorted(x['id'] for x in o if x['type'] in ('ipv4-addr','ipv6-addr'))")
expect_eq "SCO ids are deterministic" "$ids1" "$ids2"
[ "$(py_bundle "$work/bundle.json" "o[0]['id']")" != "$(py_bundle "$work/named.json" "o[0]['id']")" ] && ok || fail "identity ids differ per export"

# a store without exportable events: a bundle with the identity only
mkdir -p "$work/empty"
"$fixture" "$work/empty" empty >/dev/null 2>&1
"$KOBAN" share "$work/empty" --stix "$work/empty.json" 2>/dev/null
expect_eq "store without c2/scan/flood" "$?" 0
check_py "$work/empty.json" indicators=0 observed=0 identities=1 >/dev/null 2>&1
expect_eq "gives an identity-only bundle" "$?" 0

# errors
"$KOBAN" share "$work/db" >/dev/null 2>&1
expect_eq "missing --stix" "$?" 2
"$KOBAN" share --stix "$work/y.json" >/dev/null 2>&1
expect_eq "missing DIR" "$?" 2
"$KOBAN" share "$work/nonexistent" --stix "$work/y.json" 2>"$work/err"
expect_eq "missing store" "$?" 2
check "error names the directory" grep -q "nonexistent" "$work/err"
"$KOBAN" share "$work/db" --stix "$work/no/such/dir/y.json" 2>"$work/err"
expect_eq "unwritable output" "$?" 2
check "error names the output" grep -q "no/such/dir/y.json" "$work/err"
printf 'nonsense line\n' >"$work/bad.conf"
"$KOBAN" share "$work/db" --stix "$work/y.json" --config "$work/bad.conf" 2>"$work/err"
expect_eq "bad config" "$?" 2
"$KOBAN" share "$work/db" --stix "$work/y.json" --name "" 2>/dev/null
expect_eq "empty --name" "$?" 2
"$KOBAN" share --help | grep -q "usage: koban share" && ok || fail "--help"

# --- end to end: a capture analysed, then exported ---
# 192.168.1.50 scans 249 internet hosts (one incident: a first and a final
# report); 198.51.100.200 scans 12 local addresses (inbound: the scanner is
# the source, not the local targets); 192.168.1.61 floods 198.51.100.9;
# the device with MAC 02:00:00:00:00:62 (seen as 192.168.1.62) floods
# 198.51.100.10 from the forged address 203.0.113.250 (not exported).
python3 - "$work/lab.pcap" <<'EOF'
import struct, sys
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def ip4(a): return bytes(int(x) for x in a.split("."))
def pkt(src, dst, proto, payload, mac=0x50):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64, proto, 0, ip4(src), ip4(dst))
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    eth = b"\x00\x11\x22\x33\x44\x55" + bytes([2, 0, 0, 0, 0, mac]) + b"\x08\x00"
    return eth + h + payload
def tcp_syn(src, dst, sport, dport, mac=0x50):
    return pkt(src, dst, 6, struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 0x50, 0x02, 1024, 0, 0), mac)
def udp(src, dst, sport, dport, data, mac):
    return pkt(src, dst, 17, struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data, mac)
def dns_q(src, dst, name, mac=0x50):
    q = struct.pack("!HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0)
    q += b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0" + struct.pack("!HH", 1, 1)
    return udp(src, dst, 40000, 53, q, mac)
t0 = 1714521600 * 1000000
frames = [(t0, dns_q("192.168.1.50", "192.168.1.1", "c2.example")),
          (t0 + 10000, tcp_syn("192.168.1.50", "198.51.100.7", 40001, 23))]
frames += [(t0 + 20000 + i * 10000, tcp_syn("192.168.1.50", "203.0.113.%d" % i, 41000 + i, 23)) for i in range(1, 250)]
frames += [(t0 + 3000000 + i * 10000, tcp_syn("198.51.100.200", "192.168.1.%d" % (100 + i), 50000 + i, 23, 0x99))
           for i in range(12)]
frames.append((t0 + 4000000, dns_q("192.168.1.61", "192.168.1.1", "time.example", 0x61)))
frames.append((t0 + 4000000, dns_q("192.168.1.62", "192.168.1.1", "time.example", 0x62)))
for i in range(300):
    frames.append((t0 + 4100000 + i * 3000, udp("192.168.1.61", "198.51.100.9", 30000, 27015, b"x" * 32, 0x61)))
    frames.append((t0 + 4100001 + i * 3000, udp("203.0.113.250", "198.51.100.10", 30000, 27015, b"y" * 32, 0x62)))
out = open(sys.argv[1], "wb")
out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
for ts, f in sorted(frames, key=lambda x: x[0]):
    out.write(struct.pack("<IIII", ts // 1000000, ts % 1000000, len(f), len(f)) + f)
EOF
printf 'flood.window = 1\nflood.min_pps = 100\n' >"$work/lab.conf"
"$KOBAN" analyze --out "$work/lab" --config "$work/lab.conf" "$work/lab.pcap" >/dev/null 2>&1
expect_eq "analyze the capture" "$?" 0
events() { # PYTHON-EXPRESSION over the list E of events
	python3 -c "import json,sys; E=[json.loads(l) for l in open(sys.argv[1]) if l.strip()]; print($1)" \
		"$work/lab/events.jsonl"
}
expect_eq "outbound scan: first and final report of one incident" \
	"$(events "[(e['evidence']['report'], e['evidence']['incident']) for e in E if e['kind']=='scan' and e['evidence']['direction']=='outbound']")" \
	"[('first', 1), ('final', 1)]"
expect_eq "inbound scan reported without a local device" \
	"$(events "[(e['device']['ip'], e['peer']['ip']) for e in E if e['kind']=='scan' and e['evidence']['direction']=='inbound']")" \
	"[(None, '198.51.100.200')]"
expect_eq "forged-source flood reported by MAC only" \
	"$(events "sorted({(e['device']['mac'], e['device']['ip'], e['evidence']['spoofed_source']) for e in E if e['kind']=='flood'})")" \
	"[('02:00:00:00:00:61', '192.168.1.61', False), ('02:00:00:00:00:62', None, True)]"
"$KOBAN" share "$work/lab" --stix "$work/lab.json" 2>"$work/lab.err"
expect_eq "share the analysed capture" "$?" 0
check_py "$work/lab.json" >"$work/lab.check" 2>&1
expect_eq "bundle from analysed capture passes the checks" "$?" 0
lab_json=$(tail -n 1 "$work/lab.check")
obs() { python3 -c "import json,sys; print(json.loads(sys.argv[1])['observed'].get(sys.argv[2]))" "$lab_json" "$1"; }
expect_eq "outbound scanner observed once (its updates and final report are the same incident)" \
	"$(obs "scanning 192.168.1.50")" 1
expect_eq "inbound scan: the scanner is the observed source" "$(obs "scanning 198.51.100.200")" 1
expect_eq "inbound scan: no local target exported as a scanner" \
	"$(python3 -c "import json,sys; print(sorted(k for k in json.loads(sys.argv[1])['observed'] if '192.168.1.1' in k))" "$lab_json")" "[]"
expect_eq "flooding device observed" "$(obs "flooding 192.168.1.61")" 1
expect_eq "no forged or victim address exported" \
	"$(python3 -c "import json,sys; print(sorted(json.loads(sys.argv[1])['observed']))" "$lab_json")" \
	"['flooding 192.168.1.61', 'scanning 192.168.1.50', 'scanning 198.51.100.200']"
check "forged-source flood (first and final report) skipped with its reason" \
	grep -q "2 flood event(s) from forged source addresses not exported: their sender is known only by its MAC" "$work/lab.err"

summary
