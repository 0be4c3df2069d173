#!/bin/bash
# eventlog_tamper_test.sh - end to end: `koban analyze` of the shipped sample
# writes a keyed events.log; copies of the output directory are tampered with
# (python3 edits the file) and `koban log verify` must name the first bad
# record and its kind and exit 1; a crashed run's partial line is recovered
# by the next analysis; `koban devices` / `koban events` read the store.
set -u
cd "$(dirname "$0")/../.." || exit 2
# shellcheck source=tests/lib.sh
source tests/lib.sh

SAMPLE=samples/lab-home.pcapng
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ ! -f "$SAMPLE" ]; then
	fail "$SAMPLE is missing (it ships with koban)"
	summary
	exit 1
fi
echo "log_key = tamper-test-secret" >"$tmp/koban.conf"
echo "log_key = some-other-secret" >"$tmp/wrong.conf"
CONF=$tmp/koban.conf

"$KOBAN" analyze --out "$tmp/out" --config "$CONF" "$SAMPLE" >"$tmp/analyze.out" 2>&1
expect_eq "analyze exit status" "$?" 0
LOG=$tmp/out/events.log
N=$(wc -l <"$LOG")
K=$((N / 2))
if [ "$N" -lt 6 ]; then
	fail "the sample gives only $N records"
	summary
	exit 1
fi

# verify DIR [CONFIG] -> sets OUT (stdout), ERR (stderr), RC
verify() {
	OUT=$("$KOBAN" log verify --config "${2:-$CONF}" "$1/events.log" 2>"$tmp/err")
	RC=$?
}

verify "$tmp/out"
expect_eq "intact log" "$OUT" "intact: $N records"
expect_eq "intact exit status" "$RC" 0

verify "$tmp/out" "$tmp/wrong.conf"
expect_eq "wrong key" "$OUT" "altered: record 1 (line 1)"
expect_eq "wrong key exit status" "$RC" 1
OUT=$("$KOBAN" log verify "$LOG" 2>"$tmp/err")
expect_eq "no key exit status" "$?" 1
check "no key: hint" grep -q "keyed" "$tmp/err"

# tamper NAME PYTHON: runs PYTHON on a copy of the output directory, with
# `lines` (the log's lines, newline kept) and `k` (0-based index of record K)
tamper() {
	rm -rf "$tmp/t"
	cp -r "$tmp/out" "$tmp/t"
	python3 - "$tmp/t/events.log" "$K" <<EOF
import sys
path, k = sys.argv[1], int(sys.argv[2]) - 1
data = open(path, 'rb').read()
lines = data.splitlines(keepends=True)
$2
open(path, 'wb').write(b''.join(lines) if isinstance(lines, list) else lines)
EOF
	verify "$tmp/t"
	expect_eq "$1" "$OUT" "$3"
	expect_eq "$1: exit status" "$RC" 1
}

tamper "one byte flipped" "
l = bytearray(lines[k]); i = l.index(b'{') + 2; l[i] ^= 1; lines[k] = bytes(l)" \
	"altered: record $K (line $K)"
tamper "record deleted" "del lines[k]" \
	"removed: record $K missing before line $K"
tamper "records swapped" "lines[k], lines[k + 1] = lines[k + 1], lines[k]" \
	"reordered: record $((K + 1)) (line $K) comes before record $K (line $((K + 1)))"
tamper "record duplicated" "lines.insert(k + 1, lines[k])" \
	"inserted: record $K appears twice (lines $K and $((K + 1)))"
tamper "forged record" "lines.insert(k, lines[k].replace(b'{', b'{\"forged\":1,', 1))" \
	"inserted: line $K is not a record of this log (record $K follows at line $((K + 1)))"
tamper "cut mid-record" "lines = data[:-10]" \
	"cut short: last record incomplete after record $((N - 1))"
tamper "cut at a record boundary" "del lines[-3:]" \
	"cut short: 3 records missing at the end (koban.db recorded $N)"

# the next analysis refuses to extend a truncated log
"$KOBAN" analyze --out "$tmp/t" --config "$CONF" "$SAMPLE" >/dev/null 2>"$tmp/err"
RC=$?
if [ "$RC" -ne 0 ] && grep -q truncated "$tmp/err"; then
	ok "analyze refuses a truncated log"
else
	fail "analyze into a truncated log: exit $RC, $(cat "$tmp/err")"
fi

# a crashed run leaves a partial line: the next analysis continues the chain
rm -rf "$tmp/t"
cp -r "$tmp/out" "$tmp/t"
printf '%s event 0123' "$((N + 1))" >>"$tmp/t/events.log"
verify "$tmp/t"
expect_eq "crashed run" "$OUT" "cut short: last record incomplete after record $N"
"$KOBAN" analyze --out "$tmp/t" --config "$CONF" "$SAMPLE" >/dev/null 2>&1
expect_eq "analyze after a crash" "$?" 0
verify "$tmp/t"
case "$OUT" in "intact: "*) ok "recovered log intact" ;; *) fail "recovered log: $OUT" ;; esac
check "partial line kept in events.log.torn" test -s "$tmp/t/events.log.torn"
check "recovery logged" grep -q '"phase":"recovered"' "$tmp/t/events.log"

# usage and I/O errors: exit 2, naming the file
"$KOBAN" log verify "$tmp/nonexistent.log" >/dev/null 2>"$tmp/err"
expect_eq "missing log exit status" "$?" 2
check "missing log named" grep -q "nonexistent.log" "$tmp/err"
"$KOBAN" log >/dev/null 2>&1
expect_eq "log without verify" "$?" 2
"$KOBAN" log verify >/dev/null 2>&1
expect_eq "verify without FILE" "$?" 2

# the store through `koban devices` and `koban events`
"$KOBAN" devices "$tmp/out" >"$tmp/dev.txt" 2>&1
expect_eq "devices exit status" "$?" 0
check "devices header" grep -q '^MAC  *IPS  *VENDOR  *HOSTNAMES  *MODEL  *FIRMWARE  *SERVICES$' <(head -n 1 "$tmp/dev.txt")
ND=$(cut -d' ' -f2 "$LOG" | grep -c '^device$')
expect_eq "devices rows" "$(($(wc -l <"$tmp/dev.txt") - 1))" "$ND"
"$KOBAN" devices --json "$tmp/out" >"$tmp/dev.json"
check "devices --json" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert isinstance(d, list) and d and "mac" in d[0]' "$tmp/dev.json"
NE=$(cut -d' ' -f2 "$LOG" | grep -c '^event$')
expect_eq "events --json lines" "$("$KOBAN" events --json "$tmp/out" | python3 -c 'import json,sys; print(sum(1 for l in sys.stdin if json.loads(l)["kind"]))')" "$NE"
"$KOBAN" events "$tmp/out" --kind new-device >"$tmp/ev.txt"
expect_eq "events --kind" "$(tail -n +2 "$tmp/ev.txt" | grep -vc ' new-device ')" 0
"$KOBAN" devices "$tmp/nowhere" >/dev/null 2>"$tmp/err"
expect_eq "devices: missing dir" "$?" 2
check "devices: dir named" grep -qF "$tmp/nowhere" "$tmp/err"
mkdir "$tmp/empty"
"$KOBAN" events "$tmp/empty" >/dev/null 2>"$tmp/err"
expect_eq "events: no database" "$?" 2
check "events: db named" grep -qF "$tmp/empty/koban.db" "$tmp/err"

summary
