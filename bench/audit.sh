#!/bin/bash
# audit.sh - benchmark of `koban audit` against nmap -sT plus hydra on the
# audit lab (the same namespaces and daemons as tests/audit/audit_lab_test.sh),
# in one run, with one credential list (the first N pairs of
# data/default-credentials) and one port list:
#   1. koban audit with audit.max_attempts = N (the whole list, as hydra) and
#      its default pacing (1000 ms between attempts on one service), then with
#      200 ms;
#   2. nmap -sT -Pn over the same ports and hosts, then hydra -f (stop at the
#      first pair found, as koban does) on every TELNET, FTP, HTTP and SSH
#      service nmap found, one after the other.
# Prints wall times and whether the logins found are the same. Hydra has no
# MQTT module, so the anonymous broker is a koban-only finding; koban's TLS,
# UPnP and firmware findings have no counterpart either. Usage (root):
#   bench/audit.sh [N]      (default 16)
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck source=tests/lab/lab.sh
source tests/lab/lab.sh
KOBAN=${KOBAN:-$ROOT/build/koban}
N=${1:-16}
for c in nmap hydra busybox vsftpd lighttpd /usr/sbin/sshd mosquitto openssl python3; do
	command -v "$c" >/dev/null || lab_die "needs $c (scripts/deps.sh test)"
done
[ -x "$KOBAN" ] || lab_die "no $KOBAN (make)"
NET=192.168.60
PORTS=21,22,23,80,443,1883

lab_init
T=$LAB_TMP
mkdir -p "$T/data" "$T/www" "$T/empty" "$T/home/admin" "$T/home/support" "$T/home/operator"
chmod 755 "$T/home" "$T/home/"* "$T/empty"
lab_ns_add gw
lab_bridge_add gw br0 02:6b:00:00:00:01 "$NET.1/24"
i=10
for n in cam nas web ssh broker hard; do
	lab_ns_add "$n"
	lab_link_add gw br0 "p-$n" "$n" "02:6b:00:00:00:$i"
	lab_exec "$n" ip addr add "$NET.$i/24" dev eth0
	i=$((i + 1))
done
lab_exec broker ip addr add 198.51.100.7/24 dev eth0 # lab_devices.sh listens there too
# shellcheck source=tests/audit/lab_devices.sh
source tests/audit/lab_devices.sh

grep -v '^#' "$ROOT/data/default-credentials" | head -n "$N" >"$T/creds.tsv"
awk -F'\t' '{ print $1 ":" $2 }' "$T/creds.tsv" >"$T/creds.colon"
now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.2f}')"; }

koban_run() { # INTERVAL_MS OUT
	printf 'audit.max_attempts = %s\naudit.attempt_interval = %s\n' "$N" "$1" >"$T/k$1.conf"
	local t0 t1
	t0=$(now)
	# shellcheck disable=SC2046
	lab_exec gw env KOBAN_DATA_DIR="$T/data" "$KOBAN" audit --config "$T/k$1.conf" --credentials "$T/creds.tsv" \
		--ports "$PORTS" --out "$2" $(seq -f "$NET.%g" 10 15) >/dev/null 2>"$2.err"
	t1=$(now)
	secs "$t0" "$t1"
}
# logins koban found: "IP SERVICE USER"
koban_logins() {
	python3 - "$1/events.jsonl" <<'EOP'
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e["kind"] == "default-credential":
        print(e["device"]["ip"], e["evidence"]["service"], e["evidence"]["user"])
EOP
}

k1000=$(koban_run 1000 "$T/k1000")
k200=$(koban_run 200 "$T/k200")

t0=$(now)
lab_exec gw nmap -sT -Pn -n -p "$PORTS" -oG "$T/nmap.gnmap" "$NET.10-15" >/dev/null 2>&1
t1=$(now)
nmap_s=$(secs "$t0" "$t1")
: >"$T/hydra.found"
t0=$(now)
grep -o "Host: [0-9.]*.*Ports: .*" "$T/nmap.gnmap" | while read -r _ ip _ rest; do
	for p in $(echo "$rest" | grep -oE '[0-9]+/open/tcp//[a-z-]+' | tr '\n' ' '); do
		port=${p%%/*}
		case $port in
		21) svc=ftp ;; 22) svc=ssh ;; 23) svc=telnet ;; 80) svc=http-get ;; *) continue ;;
		esac
		url="$svc://$ip:$port/"
		tasks=16
		[ "$svc" = ssh ] || [ "$svc" = telnet ] && tasks=4
		(cd "$T" && lab_exec gw hydra -I -q -f -t "$tasks" -C "$T/creds.colon" "$url") >>"$T/hydra.out" 2>&1
	done
done
t1=$(now)
hydra_s=$(secs "$t0" "$t1")
grep -E '^\[[0-9]+\]\[' "$T/hydra.out" | sed -E 's/^\[[0-9]+\]\[([a-z-]+)\] host: ([0-9.]+) +login: ([^ ]+).*/\2 \1 \3/; s/ http-get / http /' |
	sort -u >"$T/hydra.logins"
koban_logins "$T/k1000" | sort -u >"$T/koban1000.logins"
koban_logins "$T/k200" | sort -u >"$T/koban200.logins"

combined=$(python3 -c "print(f'{$nmap_s + $hydra_s:.1f}')")
echo "credential list: $N pairs; ports: $PORTS; hosts: $NET.10-15 (6 devices)"
echo "koban audit (attempt_interval 1000 ms): $k1000 s"
echo "koban audit (attempt_interval  200 ms): $k200 s"
echo "nmap -sT: $nmap_s s; hydra (TELNET, FTP, HTTP, SSH, one after the other): $hydra_s s; combined: $combined s"
echo "ratio koban(1000 ms) / (nmap + hydra): $(python3 -c "print(f'{$k1000 / $combined:.2f}')")"
echo "ratio koban(200 ms)  / (nmap + hydra): $(python3 -c "print(f'{$k200 / $combined:.2f}')")"
echo "logins found by hydra:"; sed 's/^/  /' "$T/hydra.logins"
echo "logins found by koban:"; sed 's/^/  /' "$T/koban1000.logins"
if cmp -s "$T/hydra.logins" "$T/koban1000.logins" && cmp -s "$T/hydra.logins" "$T/koban200.logins"; then
	echo "same logins found: yes"
else
	echo "same logins found: NO"
fi
echo "koban-only findings: $(python3 - "$T/k1000/events.jsonl" <<'EOP'
import json, sys
print(", ".join(sorted({json.loads(l)["kind"] for l in open(sys.argv[1])} - {"default-credential"})))
EOP
)"
