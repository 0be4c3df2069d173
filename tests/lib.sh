# lib.sh - helpers for shell tests. Source it, call `check "name" cmd...` or
# `ok "name"` / `fail "name"`, and end with `summary`, which prints the line
# `N passed, N failed` that tests/run.sh adds up.
KOBAN=${KOBAN:-build/koban}
T_PASS=0
T_FAIL=0
ok() { T_PASS=$((T_PASS + 1)); }
fail() { T_FAIL=$((T_FAIL + 1)); echo "FAIL: $*" >&2; }
check() {
	local name=$1
	shift
	if "$@" >/dev/null 2>&1; then ok "$name"; else fail "$name"; fi
}
# expect_eq NAME GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: got '$2', want '$3'"; fi
}
summary() {
	echo "$T_PASS passed, $T_FAIL failed"
	[ "$T_FAIL" -eq 0 ]
}
