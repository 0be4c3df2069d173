#!/bin/bash
# device_e2e_test.sh - the example device and koban's gateway side in two
# network namespaces joined by a veth pair (192.168.78.0/24, lab only;
# everything is removed on exit). The gateway serves signed images and
# collects status reports over HTTP (busybox httpd + a CGI). The device
# refuses service until its label password is changed, takes a signed
# update and confirms it, rolls back a broken one, and reports its status;
# a second unit on old firmware with its default password reports too.
# `koban status ingest` verifies the reports, records both devices and
# raises update-failed, default-password-unchanged and firmware-outdated;
# a changed report becomes status-invalid. (Quarantining an out-of-date
# device through koban watch is tested in tests/daemon/gateway_lab_test.sh.)
set -u
cd "$(dirname "$0")/../.." || exit 2
ROOT=$PWD
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/lab/lab.sh
source tests/lab/lab.sh

BIN=$(dirname "$KOBAN")
TOOL=$BIN/koban-device-tool
DEV=$BIN/koban-device-example
BUSYBOX=$(command -v busybox || true)
for b in "$TOOL" "$DEV" "$KOBAN" "$BUSYBOX"; do
	if [ ! -x "$b" ]; then
		fail "${b:-busybox} is missing"
		summary
		exit 1
	fi
done
if [ "$(id -u)" -ne 0 ]; then
	fail "needs root for network namespaces"
	summary
	exit 1
fi
lab_init
W=$LAB_TMP
GW=192.168.78.1
DEVIP=192.168.78.2
MAC_A=02:00:5e:4b:00:01
MAC_B=02:00:5e:4b:00:02
lab_ns_add gw
lab_ns_add dev
lab_veth_add gw eth0 dev eth0
ip -n "$(lab_name dev)" link set eth0 address $MAC_A
lab_exec gw ip addr add $GW/24 dev eth0
lab_exec dev ip addr add $DEVIP/24 dev eth0

# ---- the maker: key, images, two provisioned units
cd "$W" || exit 2
"$TOOL" keygen acme >/dev/null
mkdir -p makers www/fw www/cgi-bin spool store
cp acme.pub makers/
sign() { # VERSION COUNTER RELEASE SELFTEST
	printf 'example firmware %s\nselftest=%s\n' "$1" "$4" >"fw-$1.bin"
	"$TOOL" sign --key acme.key --version "$1" --counter "$2" --hw-class koban-cam-1 --release "$3" \
		"fw-$1.bin" "www/fw/$1.img" >/dev/null
}
sign 0.9.0 1 2023-05-01 ok
sign 1.0.0 2 2024-01-10 ok
sign 1.1.0 3 2025-06-01 ok
sign 1.2.0 4 2025-07-01 broken
prov() { # ID IMAGE FLASH
	"$TOOL" provision --key acme.key --id "$1" --hw-class koban-cam-1 --maker "Acme Devices" --eos 2031-03-31 \
		--image "www/fw/$2.img" "$3" | sed -n 's/^label password: //p'
}
LABEL=$(prov KBN-E2E-A 1.0.0 a.bin)
prov KBN-E2E-B 0.9.0 b.bin >/dev/null
check "label password" test -n "$LABEL"

# ---- the gateway: update server and report collector
cat >www/cgi-bin/report <<CGI
#!/bin/sh
f=$W/spool/report-\$(date +%s%N).cose
$BUSYBOX head -c "\${CONTENT_LENGTH:-0}" >"\$f.part" && mv "\$f.part" "\$f"
printf 'HTTP/1.0 201 Created\r\nContent-Type: text/plain\r\n\r\nstored\n'
CGI
chmod 755 www/cgi-bin/report
lab_bg gw "$W/httpd.log" "$BUSYBOX" httpd -f -p $GW:8080 -h "$W/www"
lab_wait_tcp gw $GW 8080

devA() { lab_exec dev env KOBAN_DATA_DIR="$ROOT/data" "$DEV" --flash "$W/a.bin" --iface eth0 "$@"; }
devB() { lab_exec dev env KOBAN_DATA_DIR="$ROOT/data" "$DEV" --flash "$W/b.bin" --mac $MAC_B "$@"; }
get() { lab_exec gw "$BUSYBOX" wget -q -O - "$@" 2>&1; }

# ---- the device's service: refused until the password changes
lab_bg dev "$W/serve.log" env KOBAN_DATA_DIR="$ROOT/data" "$DEV" --flash "$W/a.bin" --iface eth0 serve $DEVIP 8080 5
SERVE=$LAB_LAST_PID
lab_wait_tcp dev $DEVIP 8080
check "service locked" grep -q "403" <<<"$(get http://$DEVIP:8080/)"
check "listed password refused" grep -q "400" <<<"$(get --post-data "old=$LABEL&new=Password12345" http://$DEVIP:8080/password)"
check "password changed" grep -q "unlocked" <<<"$(get --post-data "old=$LABEL&new=Hanabi-Taikai+8%21" http://$DEVIP:8080/password)"
check "service open" grep -q "at your service" <<<"$(get http://$DEVIP:8080/)"
lab_exec gw "$BUSYBOX" wget -q -O "$W/pulled.cose" http://$DEVIP:8080/status
check "status pulled" test -s "$W/pulled.cose"
for ((i = 0; i < 100; i++)); do # it ends after 5 requests; a lost one must not hang the test
	kill -0 "$SERVE" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$SERVE" 2>/dev/null && kill "$SERVE"
wait "$SERVE"
expect_eq "service ended after its 5 requests" "$?" 0

# ---- updates over HTTP: a good one is confirmed, a broken one rolled back
OUT=$(devA update http://$GW:8080/fw/1.1.0.img)
check "1.1.0 installed and confirmed" grep -q "firmware 1.1.0 confirmed" <<<"$OUT"
OUT=$(devA update http://$GW:8080/fw/1.2.0.img)
check "1.2.0 rejected by its self-test" grep -q "firmware 1.2.0 rejected" <<<"$OUT"
check "back on 1.1.0" grep -q "booted firmware 1.1.0 from slot B" <<<"$OUT"
OUT=$(devA update http://$GW:8080/fw/0.9.0.img 2>&1)
check "downgrade refused" grep -q "roll-back" <<<"$OUT"
OUT=$(devA info)
check "status: failed (rollback)" grep -q "^update: failed (rollback)" <<<"$OUT"
OUT=$(devA update http://$GW:8080/fw/missing.img 2>&1)
check "missing image: download failure" grep -q "no image (HTTP 404)" <<<"$OUT"
OUT=$(devA info)
check "status recorded: failed (download)" grep -q "^update: failed (download)" <<<"$OUT"
devA update http://$GW:8080/fw/1.2.0.img >/dev/null # the broken one again: the report carries its failure
check "running 1.1.0" grep -q "^firmware 1.1.0 " <<<"$(devA info)"

# ---- reports pushed to the gateway, verified and recorded by koban
check "A reports" devA report http://$GW:8080/cgi-bin/report
check "B reports" devB report http://$GW:8080/cgi-bin/report
expect_eq "two reports collected" "$(ls spool/*.cose 2>/dev/null | wc -l)" 2
OUT=$(lab_exec gw "$KOBAN" status ingest --makers makers --firmware-deadline 2025-01-01 store pulled.cose spool/*.cose)
expect_eq "ingest exit" "$?" 0
check "pulled: A on 1.0.0" grep -q "^pulled.cose: valid: KBN-E2E-A (koban-cam-1) firmware 1.0.0" <<<"$OUT"
check "pushed: A on 1.1.0, update failed" grep -q "valid: KBN-E2E-A (koban-cam-1) firmware 1.1.0, update failed, 1 event" <<<"$OUT"
check "pushed: B, two events" grep -q "valid: KBN-E2E-B (koban-cam-1) firmware 0.9.0, update none, 2 events" <<<"$OUT"
EV=$("$KOBAN" events store --json)
check "A: update-failed (rejected 1.2.0)" grep -q '"kind":"update-failed".*"mac":"02:00:5e:4b:00:01".*"reason":"rejected","version":"1.2.0"' <<<"$EV"
check "B: firmware-outdated" grep -q '"kind":"firmware-outdated".*"mac":"02:00:5e:4b:00:02"' <<<"$EV"
check "B: default-password-unchanged" grep -q '"kind":"default-password-unchanged".*"mac":"02:00:5e:4b:00:02"' <<<"$EV"
expect_eq "A: no default-password event" "$(grep '"kind":"default-password-unchanged"' <<<"$EV" | grep -c 02:00:5e:4b:00:01)" 0
DEVS=$("$KOBAN" devices store)
check "A recorded with 1.1.0" grep -q "02:00:5e:4b:00:01 .*koban-cam-1 *1.1.0" <<<"$DEVS"
check "B recorded with 0.9.0" grep -q "02:00:5e:4b:00:02 .*koban-cam-1 *0.9.0" <<<"$DEVS"
f=$(ls spool/*.cose | head -n 1)
cp "$f" forged.cose
printf '\x01' | dd of=forged.cose bs=1 seek=120 conv=notrunc status=none
OUT=$(lab_exec gw "$KOBAN" status ingest --makers makers store forged.cose)
expect_eq "forged report: exit 1" "$?" 1
expect_eq "status-invalid event" "$("$KOBAN" events store --kind status-invalid --json | wc -l)" 1
check "log intact" "$KOBAN" log verify store/events.log
summary
