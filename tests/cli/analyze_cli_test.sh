#!/bin/bash
# analyze_cli_test.sh - `koban analyze` and the small verbs as a user meets
# them: version and help, outputs and their exact formats, clear errors for
# unreadable and truncated captures while the other files are still
# analysed, bad options and configuration.
. "$(dirname "$0")/../lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
data=tests/data/tcpdump

out=$("$KOBAN" --version)
case "$out" in "koban "[0-9]*) ok ;; *) fail "--version prints '$out'" ;; esac
check "help exits 0" "$KOBAN" help
"$KOBAN" help | grep -q "koban analyze" && ok || fail "help lists analyze"
"$KOBAN" nosuchverb >/dev/null 2>&1; expect_eq "unknown verb exits 2" $? 2
"$KOBAN" analyze >/dev/null 2>&1; expect_eq "analyze without captures exits 2" $? 2
"$KOBAN" analyze --lang fr x.pcap >/dev/null 2>&1; expect_eq "bad --lang exits 2" $? 2

# several files, one of them truncated and one missing: the good ones are analysed
good1=$data/dhcp-mud.pcap
good2=$data/dns_udp.pcap
head -c 200 $data/ipv4_tcp_http_xml.pcap >"$work/cut.pcap"
"$KOBAN" analyze --out "$work/o1" "$good1" "$work/cut.pcap" "$work/missing.pcap" "$good2" \
	>"$work/stdout" 2>"$work/stderr"
expect_eq "exit 1 when some captures fail" $? 1
grep -q "cut.pcap: .*truncated" "$work/stderr" && ok || fail "truncated capture named with reason: $(cat "$work/stderr")"
grep -q "missing.pcap: .*No such file" "$work/stderr" && ok || fail "missing capture named with reason"
grep -q "devices" "$work/stdout" && grep -q "events by kind" "$work/stdout" && ok || fail "summary printed"
for f in devices.json events.jsonl report.html koban.db events.log; do
	[ -s "$work/o1/$f" ] && ok || fail "output $f written"
done

python3 - "$work/o1" <<'PY' && ok || fail "output formats"
import json, re, sys
d = sys.argv[1]
devs = json.load(open(d + "/devices.json"))
keys = {"mac", "ips", "vendor", "hostnames", "model", "firmware", "mud_url", "services", "peers",
        "first_seen", "last_seen"}
assert isinstance(devs, list) and devs, "devices.json is a non-empty array"
ts = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
for dev in devs:
    assert set(dev) == keys, set(dev) ^ keys
    assert ts.match(dev["first_seen"]) and ts.match(dev["last_seen"])
pi = [x for x in devs if x["mac"] == "b8:27:eb:b8:53:c8"]
assert pi and pi[0]["mud_url"] == "https://mudctl.example.com/.well-known/mud/v1/rasbp101", pi
assert "raspberrypi" in pi[0]["hostnames"] and "Raspberry" in (pi[0]["vendor"] or "")
n = 0
for line in open(d + "/events.jsonl"):
    ev = json.loads(line)
    n += 1
    assert set(ev) == {"ts", "kind", "severity", "device", "peer", "key_points", "summary", "evidence"}, ev
    assert ts.match(ev["ts"]) and ev["severity"] in ("info", "low", "medium", "high", "critical")
    assert set(ev["device"]) == {"mac", "ip"} and ev["summary"]["en"] and ev["summary"]["ja"]
    assert all(isinstance(k, int) and 1 <= k <= 21 for k in ev["key_points"])
    assert ev["peer"] is None or set(ev["peer"]) == {"ip", "port", "name"}
assert n >= 2
PY

# the report is one self-contained file
if grep -qiE '<(script|link|img)[^>]+(src|href)="?(https?:)?//' "$work/o1/report.html"; then
	fail "report loads external assets"
else
	ok
fi

# a file that is not a capture at all, alone: exit 1, named
echo "hello" >"$work/text.pcap"
"$KOBAN" analyze --out "$work/o2" "$work/text.pcap" >/dev/null 2>"$work/stderr2"
expect_eq "non-capture exits 1" $? 1
grep -q "text.pcap" "$work/stderr2" && ok || fail "non-capture named"

# configuration errors name the file and line
printf 'flow_memory_kb = 64\nbogus_key = 1\n' >"$work/bad.conf"
"$KOBAN" analyze --config "$work/bad.conf" --out "$work/o3" "$good1" >/dev/null 2>"$work/stderr3"
expect_eq "bad config exits 2" $? 2
grep -q "bad.conf:2: bogus_key" "$work/stderr3" && ok || fail "config error names line: $(cat "$work/stderr3")"
printf 'scan.no_such_threshold = 1\n' >"$work/bad2.conf"
"$KOBAN" analyze --config "$work/bad2.conf" --out "$work/o4" "$good1" >/dev/null 2>"$work/stderr4"
expect_eq "unknown detector key exits 2" $? 2

# Japanese report
"$KOBAN" analyze --lang ja --out "$work/o5" "$good1" >/dev/null 2>&1
grep -q 'lang="ja"' "$work/o5/report.html" && ok || fail "ja report"

# the same input gives the same events (capture time, not the wall clock)
"$KOBAN" analyze --out "$work/o6" "$good1" "$good2" >/dev/null 2>&1
"$KOBAN" analyze --out "$work/o7" "$good1" "$good2" >/dev/null 2>&1
cmp -s "$work/o6/events.jsonl" "$work/o7/events.jsonl" && ok || fail "deterministic events"
cmp -s "$work/o6/devices.json" "$work/o7/devices.json" && ok || fail "deterministic devices"
summary
