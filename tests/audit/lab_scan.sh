# shellcheck shell=bash
# lab_scan.sh - SYN scan and connect scan on the same lab (sourced by
# audit_lab_test.sh after lab_asserts.sh). The first survey ran with the
# default `--scan auto`; as root it holds CAP_NET_RAW, so IPv4 ports were
# surveyed half-open. Here the survey runs again with `--scan connect` and
# must find the same open ports and the same findings; without CAP_NET_RAW
# `--scan syn` is refused and `auto` falls back to connect().

# "IP port" per open TCP port, sorted, from devices.json
open_ports() {
	python3 - "$1/devices.json" <<'EOP'
import json, sys
rows = set()
def walk(x):
    if isinstance(x, dict):
        if "ips" in x and "services" in x:
            for ip in x["ips"] or []:
                for s in x["services"] or []:
                    if s.get("proto") == "tcp":
                        rows.add(f"{ip} {s['port']}")
        for v in x.values():
            walk(v)
    elif isinstance(x, list):
        for v in x:
            walk(v)
walk(json.load(open(sys.argv[1])))
print("\n".join(sorted(rows, key=lambda r: (r.split()[0], int(r.split()[1])))))
EOP
}
end_rec=$(grep '"phase":"end"' "$OUT/events.log" | tail -n 1)
check "syn: the default survey used the SYN scan" grep -q '"scan":"syn"' <<<"$end_rec"
check "syn: no connect() in the port survey" grep -q '"connections":0' <<<"$end_rec"
check "syn: run record names the mode" grep -q '"scan":"auto"' "$OUT/events.log"
check "syn: summary line" grep -q '(syn scan)' "$T/audit.out"
syn_ports=$(open_ports "$OUT")
want_ports="$NET.10 23
$NET.11 21
$NET.12 80
$NET.12 443
$NET.13 22
$NET.14 1883
$NET.15 22
$NET.15 443
$NET.15 1883"
expect_eq "syn: open ports" "$syn_ports" "$want_ports"
syn_findings=$(findings)

lab_exec gw env KOBAN_DATA_DIR="$T/data" timeout 300 "$KOBAN" audit --scan connect --config "$T/audit.conf" \
	--out "$T/out-connect" --scope "$NET.0/24" "$NET.0/24" >"$T/connect.out" 2>"$T/connect.err"
rc=$?
expect_eq "connect: exit status" "$rc" 0
[ $rc -eq 0 ] || cat "$T/connect.out" "$T/connect.err" >&2
check "connect: summary line" grep -q '(connect scan)' "$T/connect.out"
check "connect: no SYN probes" grep -q '"syn_probes":0' "$T/out-connect/events.log"
expect_eq "connect: same open ports as the SYN scan" "$(open_ports "$T/out-connect")" "$syn_ports"
expect_eq "connect: same findings as the SYN scan" "$(OUT=$T/out-connect findings)" "$syn_findings"

# without CAP_NET_RAW (dropped from the bounding and inheritable sets)
noraw() { lab_exec gw setpriv --bounding-set=-net_raw --inh-caps=-net_raw env KOBAN_DATA_DIR="$T/data" "$KOBAN" \
	audit --config "$T/quick.conf" --ports 23 "$@" "$NET.10"; }
printf 'audit.logins = no\naudit.discover = no\n' >"$T/quick.conf"
noraw --scan syn --out "$T/noraw-syn" >"$T/noraw-syn.txt" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q 'needs CAP_NET_RAW' "$T/noraw-syn.txt"; then ok "no CAP_NET_RAW: --scan syn refused"; else
	fail "no CAP_NET_RAW: --scan syn: exit $rc, $(cat "$T/noraw-syn.txt")"; fi
noraw --out "$T/noraw-auto" >"$T/noraw-auto.txt" 2>&1
expect_eq "no CAP_NET_RAW: auto runs" "$?" 0
check "no CAP_NET_RAW: auto falls back to connect" grep -q '1 open ports (connect scan)' "$T/noraw-auto.txt"
lab_exec gw env KOBAN_DATA_DIR="$T/data" "$KOBAN" audit --scan bogus --out "$T/bogus" "$NET.10" >/dev/null 2>&1
expect_eq "--scan bogus: usage error" "$?" 2
