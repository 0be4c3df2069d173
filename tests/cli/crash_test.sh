#!/bin/bash
# crash_test.sh - kill -9 in the middle of a long analysis, several times at
# different moments: the database still opens and passes its integrity
# check, the event log verifies up to its end (at most a torn last record),
# every event the database committed is in the log, and the next analysis
# into the same directory recovers and leaves a whole log.
. "$(dirname "$0")/../lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
make -s build/bench/gencap >/dev/null 2>&1 || { fail "build gencap"; summary; exit 1; }
build/bench/gencap -n 800000 -o "$work/long.pcap" 2>/dev/null || fail "generate capture"
# time one whole run, then kill runs at a fifth, half and four fifths of it
start=$(date +%s.%N)
"$KOBAN" analyze --out "$work/full" "$work/long.pcap" >/dev/null 2>&1
expect_eq "the whole analysis succeeds" $? 0
full=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
for frac in 0.2 0.5 0.8; do
	delay=$(awk -v t="$full" -v f="$frac" 'BEGIN { printf "%.2f", t * f }')
	out="$work/out-$delay"
	"$KOBAN" analyze --out "$out" "$work/long.pcap" >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	if kill -9 "$pid" 2>/dev/null; then
		ok
	else
		fail "analysis ended before the kill at ${delay}s of ${full}s"
	fi
	wait "$pid" 2>/dev/null
	[ -f "$out/koban.db" ] || { fail "no database after kill at ${delay}s"; continue; }
	res=$(sqlite3 "$out/koban.db" 'PRAGMA integrity_check;' 2>&1)
	expect_eq "database intact after kill at ${delay}s" "$res" "ok"
	v=$("$KOBAN" log verify "$out/events.log" 2>/dev/null)
	case "$v" in
	"intact: "*" records") ok ;;
	"cut short: last record incomplete"*) ok ;;
	*) fail "log after kill at ${delay}s: $v" ;;
	esac
	n_log=$(grep -c '' "$out/events.log")
	max_seq=$(sqlite3 "$out/koban.db" 'SELECT coalesce(max(log_seq), 0) FROM events;')
	[ "$max_seq" -le "$n_log" ] && ok || fail "database has log_seq $max_seq beyond the log's $n_log records"
	# the next run into the same directory recovers and the log is whole again
	"$KOBAN" analyze --out "$out" tests/data/tcpdump/dhcp-mud.pcap >/dev/null 2>&1
	expect_eq "analysis after the crash (kill at ${delay}s) succeeds" $? 0
	v=$("$KOBAN" log verify "$out/events.log" 2>/dev/null)
	case "$v" in "intact: "*) ok ;; *) fail "log after recovery: $v" ;; esac
done
summary
