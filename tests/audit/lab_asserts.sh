# lab_asserts.sh - the assertions of audit_lab_test.sh (sourced after the
# survey ran; uses $T, $NET, $MAX, $INTERVAL, $KOBAN and tests/lib.sh).

OUT=$T/out
# "IP kind[:service]" per finding, sorted, from events.jsonl
findings() {
	python3 - "$OUT/events.jsonl" <<'EOP'
import json, sys
rows = []
for line in open(sys.argv[1]):
    e = json.loads(line)
    svc = e.get("evidence", {}).get("service")
    rows.append(f'{e["device"]["ip"]} {e["kind"]}' + (f":{svc}" if svc else ""))
print("\n".join(sorted(rows)))
EOP
}
for_ip() { findings | awk -v ip="$1" '$1 == ip { print $2 }' | paste -sd' ' -; }
expect_eq "cam findings" "$(for_ip "$NET.10")" "cleartext-admin:telnet default-credential:telnet"
expect_eq "nas findings" "$(for_ip "$NET.11")" "default-credential:ftp"
expect_eq "web findings" "$(for_ip "$NET.12")" \
	"cleartext-admin:http default-credential:http end-of-support vulnerable-firmware weak-tls:https"
expect_eq "ssh findings" "$(for_ip "$NET.13")" "default-credential:ssh"
expect_eq "broker findings" "$(for_ip "$NET.14")" "no-authentication:mqtt"
expect_eq "hardened device: no findings" "$(for_ip "$NET.15")" ""
expect_eq "no findings elsewhere" "$(findings | awk '$1 !~ /\.1[0-5]$/' | wc -l)" 0

# which pair, and how many attempts koban says it made
ev() { # IP SERVICE KEY
	python3 - "$OUT/events.jsonl" "$1" "$2" "$3" <<'EOP'
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    ev = e.get("evidence", {})
    if e["device"]["ip"] == sys.argv[2] and e["kind"] == "default-credential" and ev.get("service") == sys.argv[3]:
        print(ev.get(sys.argv[4]))
EOP
}
expect_eq "telnet: user root, entry 1" "$(ev "$NET.10" telnet user) $(ev "$NET.10" telnet entry)" "root 1"
expect_eq "ftp: user admin, entry 13" "$(ev "$NET.11" ftp user) $(ev "$NET.11" ftp entry)" "admin 13"
expect_eq "http: user admin, entry 4" "$(ev "$NET.12" http user) $(ev "$NET.12" http entry)" "admin 4"
expect_eq "ssh: user support, entry 11" "$(ev "$NET.13" ssh user) $(ev "$NET.13" ssh entry)" "support 11"
check "no password in any output" bash -c "! grep -rqE 'xc3511|$STRONG' '$OUT'"

# --- attempts per service, counted by the daemons themselves
n() { grep -cE "$1" "$2" 2>/dev/null; }
expect_eq "telnet attempts (daemon)" "$(n '^attempt ' "$T/telnet-attempts.log")" 1
expect_eq "ftp attempts (daemon): anonymous + 12 refused + 1" "$(n 'FTP command: .*"USER ' "$T/vsftpd.log")" 14
expect_eq "ftp attempts (koban)" "$(ev "$NET.11" ftp attempts)" 14
expect_eq "http attempts (daemon)" "$(grep -c 'auth=Basic' "$T/lighttpd-access.log")" 4
expect_eq "ssh attempts (daemon)" "$(n 'Failed (password|none)|Accepted password' "$T/sshd-weak.log")" 11
expect_eq "mqtt connects (daemon)" "$(n 'New client connected' "$T/mosq-broker.log")" 1
expect_eq "hardened ssh: exactly max_attempts" "$(n 'Failed (password|none)' "$T/sshd-hard.log")" "$MAX"
expect_eq "hardened ssh: none accepted" "$(n 'Accepted' "$T/sshd-hard.log")" 0
expect_eq "hardened mqtt: exactly max_attempts CONNECTs" \
	"$(n 'New client connected|disconnected, not authorised|not authorised' "$T/mosq-hard.log")" "$MAX"
# pacing: MAX attempts at least INTERVAL ms apart on one service
# (mosquitto stamps its log lines with the second)
span=$(grep 'not authorised' "$T/mosq-hard.log" | awk -F: 'NR == 1 { a = $1 } { b = $1 } END { print b - a }')
min_span=$(((MAX - 1) * INTERVAL / 1000 - 1))
if [ "$span" -ge "$min_span" ]; then ok "paced"; else fail "paced: $MAX attempts within $span s (want >= $min_span s)"; fi

# --- doing no harm: nothing after a successful login
expect_eq "telnet: nothing typed after login" "$(n '^command' "$T/telnet-attempts.log")" 0
expect_eq "ssh: no session after login" "$(n 'session|Starting|subsystem|exec' "$T/sshd-weak.log")" 0
expect_eq "mqtt: nothing subscribed or published" "$(n 'SUBSCRIBE|PUBLISH' "$T/mosq-broker.log")" 0
expect_eq "ftp: only USER/PASS/QUIT" "$(grep -E 'FTP command' "$T/vsftpd.log" | grep -vcE '"(USER|PASS|QUIT)')" 0

# --- the run is recorded in the tamper-evident log
run_rec=$(grep '"audit"' "$OUT/events.log" | head -n 1)
check "run record: command audit" grep -q '"command":"audit"' <<<"$run_rec"
check "run record: who" grep -qE '"uid":0.*"user":"root"' <<<"$run_rec"
check "run record: scope" grep -q "\"scope\":\[\"$NET.0/24\"\]" <<<"$run_rec"
check "run record: targets" grep -q "\"targets\":\[\"$NET.0/24\"\]" <<<"$run_rec"
check "run record: end" grep -q '"phase":"end"' "$OUT/events.log"
check "log verifies" "$KOBAN" log verify "$OUT/events.log"

# --- notices and report
check "notice for the camera (ja)" grep -q '初期' "$OUT/notices/$NET.10.txt"
check "notice for the camera (en)" grep -q "user 'root'" "$OUT/notices/$NET.10.txt"
check "no notice for the hardened device" test ! -e "$OUT/notices/$NET.15.txt"
check "report lists the web device" grep -q "$NET.12" "$OUT/report.html"
check "devices.json: UPnP model" grep -q 'DS-2CD2042WD-I' "$OUT/devices.json"

# --- scope: refused before anything is sent (exit 2, no output directory)
refused() { # NAME ARGS...
	local name=$1
	shift
	rm -rf "$T/refused"
	lab_exec gw env KOBAN_DATA_DIR="$T/data" "$KOBAN" audit --out "$T/refused" "$@" >"$T/refused.txt" 2>&1
	local rc=$?
	if [ $rc -eq 2 ] && grep -q refused "$T/refused.txt" && [ ! -e "$T/refused" ]; then ok "$name"; else
		fail "$name: exit $rc, $(cat "$T/refused.txt")"; fi
}
printf '198.51.100.0/24\n' >"$T/scope.txt"
refused "public target refused" 203.0.113.5
refused "shared address space (100.64/10) refused" 100.64.0.5
refused "target outside --scope refused" --scope "$NET.0/28" "$NET.20"
refused "public --scope refused" --scope 203.0.113.0/24
refused "authorized, but not in the scope file" --authorized --scope-file "$T/scope.txt" 203.0.113.9
refused "scope file without --authorized" --scope 198.51.100.0/24 198.51.100.7
lab_exec gw env KOBAN_DATA_DIR="$T/data" "$KOBAN" audit --out "$T/auth" --ports 1883 --authorized \
	--scope-file "$T/scope.txt" 198.51.100.7 >"$T/auth.txt" 2>&1
expect_eq "authorized survey runs" "$?" 0
check "authorized survey finds the broker" grep -q '"198.51.100.7".*no-authentication\|no-authentication.*"198.51.100.7"' \
	"$T/auth/events.jsonl"
check "authorized run records the scope file" grep -q '"authorized":true' "$T/auth/events.log"
