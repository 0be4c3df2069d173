#!/bin/bash
# audit_lab_test.sh - `koban audit` against real daemons in a namespace lab
# (tests/lab/lab.sh): every device runs in its own network namespace on one
# bridge (192.168.60.0/24), koban runs in the gateway namespace; nothing is
# created in the host's namespace and every address is a lab address.
#
#   .10 cam     busybox telnetd with the lab login program, root/xc3511
#   .11 nas     vsftpd, lab user admin/password (lab passwd/shadow bind-mounted
#               inside a private mount namespace; the host's files are untouched)
#   .12 web     lighttpd, HTTP Basic admin/admin, UPnP (SSDP + description XML
#               of a camera model listed in the test's advisory and end-of-support
#               data), TLS on 443 with a 1024-bit RSA key (openssl s_server)
#   .13 ssh     openssh-server (own config, host key, passwd), support/support
#   .14 broker  mosquitto with anonymous access (also 198.51.100.7, for the
#               --authorized case)
#   .15 hard    the hardened device: sshd and MQTT with strong passwords, TLS
#               with a valid 2048-bit certificate, no TELNET
#
# Asserts the exact findings per device (none on the hardened one), the
# attempt counts per service from the daemons' own logs, the pacing, that
# nothing is typed or run after a successful login, the run record in the
# tamper-evident log, the notices, and that targets outside the scope are
# refused before anything is sent. The survey runs with the default
# `--scan auto`, i.e. the SYN scan (root holds CAP_NET_RAW), then again with
# `--scan connect` and must find the same open ports and findings
# (lab_scan.sh). Everything is removed on exit.
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
# shellcheck source=tests/lib.sh
source tests/lib.sh
# shellcheck source=tests/lab/lab.sh
source tests/lab/lab.sh
KOBAN=${KOBAN:-$ROOT/build/koban}
case "$KOBAN" in /*) ;; *) KOBAN=$ROOT/$KOBAN ;; esac
for c in busybox vsftpd lighttpd /usr/sbin/sshd ssh-keygen mosquitto mosquitto_passwd openssl python3 unshare; do
	command -v "$c" >/dev/null || { echo "needs $c (scripts/deps.sh test)"; echo "0 passed, 1 failed"; exit 1; }
done
NET=192.168.60
MAX=16         # audit.max_attempts in the test's configuration
INTERVAL=200   # audit.attempt_interval (ms)

lab_init
T=$LAB_TMP
mkdir -p "$T/data" "$T/www" "$T/empty" "$T/home/admin" "$T/home/support" "$T/home/operator"
chmod 755 "$T/home" "$T/home/"* "$T/empty"

# --- the network ---------------------------------------------------------------
lab_ns_add gw
lab_bridge_add gw br0 02:6b:00:00:00:01 "$NET.1/24"
i=10
for n in cam nas web ssh broker hard; do
	lab_ns_add "$n"
	lab_link_add gw br0 "p-$n" "$n" "02:6b:00:00:00:$i"
	lab_exec "$n" ip addr add "$NET.$i/24" dev eth0
	i=$((i + 1))
done
lab_exec broker ip addr add 198.51.100.7/24 dev eth0
lab_exec gw ip addr add 198.51.100.1/24 dev br0

source tests/audit/lab_devices.sh

# --- the survey --------------------------------------------------------------
cat >"$T/audit.conf" <<EOC
audit.max_attempts = $MAX
audit.attempt_interval = $INTERVAL
audit.connect_timeout = 1000
audit.io_timeout = 2500
EOC
start=$(date +%s.%N)
lab_exec gw env KOBAN_DATA_DIR="$T/data" timeout 300 "$KOBAN" audit --config "$T/audit.conf" --out "$T/out" \
	--scope "$NET.0/24" "$NET.0/24" >"$T/audit.out" 2>"$T/audit.err"
rc=$?
end=$(date +%s.%N)
expect_eq "audit exit status" "$rc" 0
[ $rc -eq 0 ] || { cat "$T/audit.out" "$T/audit.err" >&2; }
cat "$T/audit.out"
echo "audit took $(python3 -c "print(round($end - $start, 1))") s"

source tests/audit/lab_asserts.sh
source tests/audit/lab_scan.sh
summary
