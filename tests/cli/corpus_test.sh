#!/bin/bash
# corpus_test.sh - every capture of the tcpdump project's test suite (830
# real, often malformed captures in tests/data/tcpdump) goes through
# `koban analyze` under ASan+UBSan: no crash, no hang, no sanitizer report.
# Exit status 0 (read) or 1 (capture reported unreadable) are both fine.
. "$(dirname "$0")/../lib.sh"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:abort_on_error=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

one() { # capture -> prints "ok NAME" or "bad NAME why"
	local cap=$1 name out rc
	name=$(basename "$cap")
	out="$work/$name.d"
	timeout 60 "$KOBAN" analyze --out "$out" "$cap" >"$out.stdout" 2>"$out.stderr"
	rc=$?
	if [ $rc -gt 1 ]; then
		echo "bad $name exit=$rc $(grep -m1 -E 'Sanitizer|runtime error|koban:' "$out.stderr")"
	elif grep -qE 'Sanitizer|runtime error' "$out.stderr"; then
		echo "bad $name sanitizer report"
	elif [ $rc -eq 1 ] && ! grep -q "$name" "$out.stderr"; then
		echo "bad $name error does not name the file"
	else
		echo "ok $name"
	fi
	rm -rf "$out"
}
export -f one
export KOBAN work
ls tests/data/tcpdump/* | xargs -P "$(nproc)" -I{} bash -c 'one "$@"' _ {} >"$work/results"
n_ok=$(grep -c '^ok ' "$work/results")
grep '^bad ' "$work/results" | head -n 20 >&2
n_bad=$(grep -c '^bad ' "$work/results")
T_PASS=$n_ok
T_FAIL=$n_bad
summary
