#!/bin/bash
# sample_test.sh - the shipped capture samples/lab-home.pcapng against
# tests/lab/expected-sample.json: first the capture itself (tshark: it holds
# every fact the expectations rest on), then `koban analyze` on it (devices,
# services, peers and events; see tests/lab/check_expected.py for the rules).
# Needs no root and no network: the lab that recorded the capture is
# tests/lab/record-sample.sh.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
SAMPLE=samples/lab-home.pcapng
EXPECTED=tests/lab/expected-sample.json
CHECKER=tests/lab/check_expected.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Counts the checker's `PASS name` / `FAIL name: detail` lines.
count_checks() {
	local status rest n=0
	while IFS=' ' read -r status rest; do
		case $status in
		PASS) ok "$rest"; n=$((n + 1)) ;;
		FAIL) fail "$rest"; n=$((n + 1)) ;;
		*) echo "$status $rest" >&2 ;;
		esac
	done <"$1"
	[ "$n" -gt 0 ] || fail "$2: the checker ran no check"
}

check "sample capture is present" test -s "$SAMPLE"
check "sample capture is well under 2 MB" test "$(stat -c %s "$SAMPLE")" -lt 2000000
check "expected-sample.json is valid JSON" python3 -m json.tool "$EXPECTED"

if command -v tshark >/dev/null; then
	python3 "$CHECKER" capture "$EXPECTED" "$SAMPLE" >"$tmp/capture.txt" 2>&1
	count_checks "$tmp/capture.txt" capture
else
	fail "tshark is not installed (scripts/deps.sh test)"
fi

mkdir -p "$tmp/out"
if "$KOBAN" analyze --out "$tmp/out" "$SAMPLE" >"$tmp/analyze.log" 2>&1; then
	ok "koban analyze"
else
	fail "koban analyze $SAMPLE failed: $(tail -n 5 "$tmp/analyze.log")"
fi
python3 "$CHECKER" koban "$EXPECTED" "$tmp/out" >"$tmp/koban.txt" 2>&1
count_checks "$tmp/koban.txt" koban

summary
