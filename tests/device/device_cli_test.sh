#!/bin/bash
# device_cli_test.sh - the device library's host side end to end, without a
# network: koban-device-tool makes a maker key, signs and checks images
# (a changed byte is refused), provisions a unit and prints its label
# password; the example device refuses a weak or listed password, accepts
# a good one, exports a log that the tool verifies (and a changed copy it
# does not), erases itself; `koban status ingest` accepts its reports,
# raises the events, refuses a changed report and an unknown maker.
set -u
cd "$(dirname "$0")/../.." || exit 2
# shellcheck source=tests/lib.sh
source tests/lib.sh

BIN=$(dirname "$KOBAN")
TOOL=$BIN/koban-device-tool
DEV=$BIN/koban-device-example
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for b in "$TOOL" "$DEV" "$KOBAN"; do
	if [ ! -x "$b" ]; then
		fail "$b is missing (make device)"
		summary
		exit 1
	fi
done
cd "$tmp" || exit 2
dev() { "$DEV" --flash flash.bin --mac 02:00:5e:00:53:01 "$@"; }

# keys, images
check "keygen" "$TOOL" keygen acme
expect_eq "secret key mode" "$(stat -c %a acme.key)" 600
printf 'example firmware 1.0.0\nselftest=ok\n' >fw1.bin
check "sign" "$TOOL" sign --key acme.key --version 1.0.0 --counter 1 --hw-class cam-1 --release 2024-01-10 fw1.bin fw1.img
OUT=$("$TOOL" verify --pub acme.pub fw1.img)
expect_eq "verify exit" "$?" 0
check "verify names version and date" grep -q "version 1.0.0, security counter 1, hw class cam-1, released 2024-01-10" <<<"$OUT"
cp fw1.img bad.img
printf 'X' | dd of=bad.img bs=1 seek=270 conv=notrunc status=none
"$TOOL" verify --pub acme.pub bad.img >out 2>&1
expect_eq "changed payload refused" "$?" 1
check "hash mismatch named" grep -q "hash mismatch" out
"$TOOL" keygen other >/dev/null
"$TOOL" verify --pub other.pub fw1.img >out 2>&1
expect_eq "other key refused" "$?" 1
"$TOOL" sign --key acme.key --version 1.0.0 --counter x --hw-class cam-1 fw1.bin x.img 2>/dev/null
expect_eq "bad counter is a usage error" "$?" 2

# provisioning and the label password
OUT=$("$TOOL" provision --key acme.key --id KBN-CLI-1 --hw-class cam-1 --maker "Acme Devices" --eos 2030-03-31 \
	--image fw1.img flash.bin)
expect_eq "provision exit" "$?" 0
LABEL=$(sed -n 's/^label password: //p' <<<"$OUT")
check "label format" grep -Eq '^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$' <<<"$LABEL"
expect_eq "label command" "$("$TOOL" label flash.bin)" "KBN-CLI-1 $LABEL"
"$TOOL" provision --key acme.key --id KBN-CLI-2 --hw-class cam-1 --maker Acme --image fw1.img flash2.bin >out2
check "labels differ per unit" test "$(sed -n 's/^label password: //p' out2)" != "$LABEL"
"$TOOL" provision --key acme.key --id KBN-CLI-3 --hw-class cam-2 --maker Acme --image fw1.img flash3.bin >/dev/null 2>&1
expect_eq "image for another class not provisioned" "$?" 1

# the device: locked until the password changes; the strength check
check "info: locked" sh -c "'$DEV' --flash flash.bin info | grep -q 'default (locked until changed)'"
dev passwd "$LABEL" 'admin1234' >out 2>&1
expect_eq "too short refused" "$?" 1
dev passwd "$LABEL" 'Password12345' >out 2>&1
check "listed password refused" grep -q "on the default-credential list" out
dev passwd "$LABEL" 'qwertyuiop[]' >out 2>&1
check "keyboard run refused" grep -q "obvious pattern" out
dev passwd 'WRONG-WRON-WRON' 'Hanabi-Taikai 8!' >/dev/null 2>&1
expect_eq "wrong old password" "$?" 1
check "good password accepted" dev passwd "$LABEL" 'Hanabi-Taikai 8!'
check "info: changed" sh -c "'$DEV' --flash flash.bin info | grep -q '^password: changed'"

# the event log: export, verify, tamper
check "log export" dev log-export log.bin
OUT=$("$TOOL" log-verify log.bin)
expect_eq "exported log verifies" "$?" 0
check "intact line" grep -q '^intact: [0-9]* records (seq 1\.\.' <<<"$OUT"
cp log.bin log-bad.bin
printf '\x41' | dd of=log-bad.bin bs=1 seek=$((128 * 2 + 25)) conv=notrunc status=none
OUT=$("$TOOL" log-verify log-bad.bin)
expect_eq "changed log refused" "$?" 1
check "names the altered record" grep -q '^altered: record 3' <<<"$OUT"
head -c 300 log.bin >log-cut.bin
"$TOOL" log-verify log-cut.bin >out
expect_eq "cut log refused" "$?" 1

# status reports into koban's store
mkdir makers store
cp acme.pub makers/acme.pub
check "report to a file" dev report r1.cose
"$DEV" --flash flash2.bin --mac 02:00:5e:00:53:02 report r2.cose >/dev/null
OUT=$("$KOBAN" status ingest --makers makers --firmware-deadline 2025-01-01 store r1.cose r2.cose)
expect_eq "ingest exit" "$?" 0
check "r1 valid" grep -q '^r1.cose: valid: KBN-CLI-1 (cam-1) firmware 1.0.0, update none, 1 event$' <<<"$OUT"
check "r2 valid, 2 events" grep -q '^r2.cose: valid: KBN-CLI-2 .* 2 events$' <<<"$OUT"
EV=$("$KOBAN" events store --json)
expect_eq "outdated events" "$(grep -c '"kind":"firmware-outdated"' <<<"$EV")" 2
expect_eq "default password events" "$(grep -c '"kind":"default-password-unchanged"' <<<"$EV")" 1
check "default-password event names KBN-CLI-2" grep -q '"kind":"default-password-unchanged".*KBN-CLI-2' <<<"$EV"
check "key points 4, 15" grep -q '"kind":"default-password-unchanged".*"key_points":\[4,15\]' <<<"$EV"
check "Japanese summary" grep -q '初期パスワードのまま' <<<"$EV"
check "devices recorded" sh -c "'$KOBAN' devices store | grep -q '02:00:5e:00:53:01.*cam-1 *1.0.0'"
cp r1.cose r1-bad.cose
printf '\x00' | dd of=r1-bad.cose bs=1 seek=200 conv=notrunc status=none
OUT=$("$KOBAN" status ingest --makers makers store r1-bad.cose)
expect_eq "changed report: exit 1" "$?" 1
check "changed report named" grep -Eq '^r1-bad.cose: (bad signature|malformed)$' <<<"$OUT"
rm makers/acme.pub
cp other.pub makers/
OUT=$("$KOBAN" status ingest --makers makers store r1.cose)
check "unknown maker" grep -q '^r1.cose: unknown maker$' <<<"$OUT"
expect_eq "status-invalid events" "$("$KOBAN" events store --kind status-invalid --json | wc -l)" 2
"$KOBAN" status ingest --makers makers --firmware-deadline 2025-13-01 store r1.cose >/dev/null 2>&1
expect_eq "bad deadline is a usage error" "$?" 2
printf 'device_status.makers_dir = %s\ndevice_status.firmware_deadlin = 2025-01-01\n' "$PWD/makers" >bad.conf
"$KOBAN" status ingest --config bad.conf store r1.cose >/dev/null 2>out
expect_eq "unknown config key: exit 2" "$?" 2
check "unknown config key named" grep -q "firmware_deadlin: unknown key" out

# erase: back to the label password, user data and log gone
check "erase" dev erase
check "locked again" sh -c "'$DEV' --flash flash.bin info | grep -q 'default (locked until changed)'"
dev log-export log2.bin >/dev/null
OUT=$("$TOOL" log-verify log2.bin)
check "new log chain after erase" grep -q '^intact: 4 records (seq 1\.\.4)' <<<"$OUT"
summary
