#!/bin/bash
# gateway_lab_test.sh - koban watch on a lab gateway, with real nftables,
# all inside network namespaces made here (tests/lab/lab.sh):
#
#   cam  192.168.50.10  busybox telnetd :23 + httpd :80 ─┐
#   bot  192.168.50.20                                   ├ br-lan ─ gw ─ wan0 203.0.113.1 ── inet 203.0.113.10 (httpd :8080)
#   plug 192.168.50.30  MUD profile (DHCP option 161)    │  192.168.50.1 └ wan1 198.51.100.1 ── cnc 198.51.100.66 (httpd :8080)
#   eos  192.168.50.40  past its support period ─────────┤
#   hub  192.168.50.50, hub2 .60: MUD URLs fetched ──────┘  (inet also serves MUD files over HTTPS :8443)
#
# koban watch runs in gw (engine as uid 12345, control group 4242) on br-lan
# and checks: automatic quarantine of a scanning bot within 2 s (scan
# detector) and its packets no longer reaching the WAN (a counter in inet);
# the plug still reaching the internet host; release; per-target block of a
# flood while the device's other traffic flows; quarantine on contact with a
# listed C&C host (c2 detector); degrade of TELNET with HTTP
# working; the plug's MUD profile (allowed peer works, another is dropped
# and reported); a MUD file fetched over HTTPS from the announced URL, applied
# only when its CMS signature verifies; lan-only for an end-of-support device; the engine killed:
# restarted, fail mode closed meanwhile; the control socket refusing an
# unprivileged uid; an event within a second of its packet; SIGHUP reload
# (a bad file refused); state surviving a restart; clean SIGTERM.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/lab/lab.sh
KOBAN=$(realpath "${KOBAN:-build/koban}")
export KOBAN_DATA_DIR=${KOBAN_DATA_DIR:-$PWD/data}

if [ "$(id -u)" -ne 0 ] || ! command -v nft >/dev/null || ! command -v busybox >/dev/null; then
	echo "needs root, nft and busybox"
	echo "0 passed, 1 failed"
	exit 1
fi
lab_init
T=$LAB_TMP
GW=gw

build_lab() {
	local ns
	for ns in gw cam bot plug eos hub hub2 inet cnc; do lab_ns_add $ns; done
	lab_bridge_add gw br-lan 02:00:00:00:00:01 192.168.50.1/24
	lab_link_add gw br-lan p-cam cam 02:00:00:00:00:10
	lab_link_add gw br-lan p-bot bot 02:00:00:00:00:20
	lab_link_add gw br-lan p-plug plug 02:00:00:00:00:30
	lab_link_add gw br-lan p-eos eos 02:00:00:00:00:40
	lab_link_add gw br-lan p-hub hub 02:00:00:00:00:50
	lab_link_add gw br-lan p-hub2 hub2 02:00:00:00:00:60
	lab_veth_add gw wan0 inet eth0
	lab_veth_add gw wan1 cnc eth0
	lab_exec gw ip addr add 203.0.113.1/24 dev wan0
	lab_exec gw ip addr add 198.51.100.1/24 dev wan1
	lab_exec gw sysctl -q -w net.ipv4.ip_forward=1
	local i=10
	for ns in cam bot plug eos hub hub2; do
		lab_exec $ns ip addr add 192.168.50.$i/24 dev eth0
		lab_exec $ns ip route add default via 192.168.50.1
		i=$((i + 10))
	done
	lab_exec inet ip addr add 203.0.113.10/24 dev eth0
	lab_exec inet ip route add default via 203.0.113.1
	lab_exec cnc ip addr add 198.51.100.66/24 dev eth0
	lab_exec cnc ip addr add 198.51.100.67/24 dev eth0 # the address on the C&C indicator list
	lab_exec cnc ip route add default via 198.51.100.1
	mkdir -p "$T/www"
	echo "hello from koban lab" >"$T/www/index.html"
	lab_bg cam "$T/telnetd.log" busybox telnetd -F -p 23 -l /bin/cat
	lab_bg cam "$T/httpd-cam.log" busybox httpd -f -p 80 -h "$T/www"
	lab_bg inet "$T/httpd-inet.log" busybox httpd -f -p 8080 -h "$T/www"
	lab_bg cnc "$T/httpd-cnc.log" busybox httpd -f -p 8080 -h "$T/www"
	# the lab's own resolver for the gateway (MUD names), never the host's
	printf 'nameserver 127.0.0.1\n' >"$T/resolv.conf"
	lab_bg gw "$T/dnsmasq.log" dnsmasq -k --no-resolv --no-hosts --listen-address=127.0.0.1 \
		--bind-interfaces --address=/ntp.plug.example/203.0.113.10 --address=/mud.lab.example/203.0.113.10 \
		--pid-file="$T/dnsmasq.pid"
	mud_server
	wait_for 5 tcp_ok cam 127.0.0.1 23
	wait_for 5 tcp_ok inet 127.0.0.1 8080
	wait_for 5 tcp_ok cnc 127.0.0.1 8080
	# what reaches the WAN side from the bot: a counter in inet's own table
	lab_exec inet nft -f - <<'NFT'
table ip wanwatch {
	chain in {
		type filter hook input priority 0; policy accept;
		ip saddr 192.168.50.20 counter
		udp dport 9999 drop
	}
}
NFT
}

# MUD files served over HTTPS by the internet host, signed by a MUD CA made
# here: hub.json with a good signature, bad.json whose signature is not over it.
mud_server() {
	local d=$T/mudweb o="openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
	mkdir -p "$d"
	$o -x509 -keyout "$T/tls.key" -out "$T/tls.pem" -days 2 -subj /CN=mud.lab.example \
		-addext subjectAltName=DNS:mud.lab.example 2>/dev/null
	$o -x509 -keyout "$T/mudca.key" -out "$T/mudca.pem" -days 2 -subj "/CN=lab MUD CA" 2>/dev/null
	$o -keyout "$T/signer.key" -out "$T/signer.csr" -subj "/CN=lab MUD signer" 2>/dev/null
	openssl x509 -req -in "$T/signer.csr" -CA "$T/mudca.pem" -CAkey "$T/mudca.key" -CAcreateserial \
		-out "$T/signer.pem" -days 2 2>/dev/null
	local f
	for f in hub bad; do
		sed "s#https://plug.example/koban-plug.json#https://mud.lab.example:8443/$f.json#" \
			tests/daemon/mud/plug.json >"$d/$f.json"
		openssl cms -sign -binary -in "$d/$f.json" -signer "$T/signer.pem" -inkey "$T/signer.key" \
			-outform DER -out "$d/$f.p7s"
	done
	sed -i 's/koban lab smart plug/koban lab smart plug (altered after signing)/' "$d/bad.json"
	cat >"$T/https.py" <<'PY'
import http.server, os, ssl, sys
os.chdir(sys.argv[1])
srv = http.server.HTTPServer(("203.0.113.10", 8443), http.server.SimpleHTTPRequestHandler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[2], sys.argv[3])
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
srv.serve_forever()
PY
	lab_bg inet "$T/https.log" python3 "$T/https.py" "$d" "$T/tls.pem" "$T/tls.key"
}

# announce NS URL: a DHCP DISCOVER carrying the MUD URL (option 161)
announce() {
	local hex
	hex=$(printf '%s' "$2" | od -An -tx1 | tr -d ' \n')
	lab_exec "$1" busybox udhcpc -i eth0 -n -q -t 2 -T 1 -s /bin/true -x "0xa1:$hex" >/dev/null 2>&1
}

# tcp_ok NS IP PORT: a TCP connection succeeds within a second
tcp_ok() { lab_exec "$1" timeout 2 bash -c "exec 3<>/dev/tcp/$2/$3" 2>/dev/null; }
http_ok() { # NS IP: an HTTP GET / on port 80 returns the lab page
	lab_exec "$1" timeout 3 bash -c "exec 3<>/dev/tcp/$2/80; printf 'GET / HTTP/1.0\r\n\r\n' >&3; cat <&3" \
		2>/dev/null | grep -q "koban lab"
}
wan_count() { lab_exec inet nft list table ip wanwatch | grep -o 'packets [0-9]*' | grep -o '[0-9]*'; }
ctl() { lab_exec gw "$KOBAN" ctl --socket "$T/ctl.sock" "$@"; }
nft_koban() { lab_exec gw nft list table inet koban 2>/dev/null; }

# has_detector NAME [KEY VALUE]: does this koban have the detector (is its key known)?
has_detector() {
	printf '%s.%s = %s\n' "$1" "${2:-repeat}" "${3:-600}" >"$T/probe.conf"
	"$KOBAN" analyze --config "$T/probe.conf" --out "$T/probe" /nonexistent.pcap >/dev/null 2>&1
	[ $? -ne 2 ]
}

write_config() { # extra lines on stdin
	{
		cat <<CONF
local_networks = 192.168.50.0/24
daemon.interfaces = br-lan
daemon.state_dir = $T/state
daemon.uid = 12345
daemon.gid = 12345
daemon.fail_mode = closed
daemon.restart_delay_ms = 5000
ctl.socket = $T/ctl.sock
ctl.gid = 4242
metrics.listen = 127.0.0.1:9465
mud.dir = $T/mud
enforce.quarantine = enforce
enforce.block-target = enforce
enforce.lan-only = enforce
enforce.mud = enforce
mud.fetch = yes
mud.ca_file = $T/mudca.pem
mud.tls_ca_file = $T/tls.pem
mud.timeout = 3
CONF
		cat
	} >"$T/koban.conf"
}

start_watch() {
	lab_bg gw "$T/watch.log" unshare -m --propagation private \
		sh -c 'mount --bind "$0" /etc/resolv.conf && exec "$@"' "$T/resolv.conf" \
		"$KOBAN" watch --config "$T/koban.conf" --indicators "$T/cnc.txt"
	WATCH_PID=$LAB_LAST_PID
	local i
	for ((i = 0; i < 100; i++)); do
		ctl status 2>/dev/null | grep -q '^engine: running' && return 0
		sleep 0.1
	done
	echo "koban watch did not start:" >&2
	cat "$T/watch.log" >&2
	return 1
}

not() { ! "$@"; }
contains() { printf '%s\n' "$1" | grep -q -- "$2"; }
in_table() { lab_exec gw nft list table inet koban 2>/dev/null | grep -qF -- "$1"; }
contains_status_running() { ctl status 2>/dev/null | grep -q '^engine: running'; }
engine_pid() { ctl status | sed -n 's/^engine: running (pid \([0-9]*\)).*/\1/p'; }

# since MS: milliseconds since the time MS (date +%s%3N)
now_ms() { date +%s%3N; }

# wait_for SECS CMD...: true as soon as CMD succeeds
wait_for() {
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 20; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	return 1
}

has_action() { ctl status | grep -q "^  $1 $2"; }
event_seen() { grep -q "\"kind\":\"$1\".*$2" "$T/state/engine/events.jsonl" 2>/dev/null; }

BOT=02:00:00:00:00:20
PLUG=02:00:00:00:00:30
EOS=02:00:00:00:00:40

build_lab
mkdir -p "$T/mud"
cp tests/daemon/mud/plug.json "$T/mud/plug.json"
printf '198.51.100.67  # the lab C&C host\n' >"$T/cnc.txt"
HAVE_SCAN=0 HAVE_FLOOD=0 HAVE_EOS=0 HAVE_C2=0
has_detector scan && HAVE_SCAN=1
has_detector flood && HAVE_FLOOD=1
has_detector end-of-support warn_days 30 && HAVE_EOS=1
has_detector c2 repeat_window 3600 && HAVE_C2=1
{
	[ $HAVE_C2 = 1 ] && printf 'enforce.auto.c2 = quarantine\n'
	[ $HAVE_EOS = 1 ] && printf 'enforce.auto.end-of-support = lan-only\n'

	if [ $HAVE_SCAN = 1 ]; then
		printf 'scan.answer_wait = 0.3\nscan.min_hosts = 10\nenforce.auto.scan = quarantine\n'
	fi
	if [ $HAVE_FLOOD = 1 ]; then
		printf 'flood.window = 2\nflood.min_pps = 200\nflood.critical_pps = 400\nenforce.auto.flood = block-target\n'
	fi
} | write_config
cp "$T/koban.conf" "$T/koban.conf.good"
start_watch || { fail "koban watch starts"; summary; exit 1; }
ok "koban watch starts"
expect_eq "engine runs as the configured uid" "$(ps -o uid= -p "$(engine_pid)" | tr -d ' ')" 12345
check "the engine's state directory belongs to it" test "$(stat -c %u "$T/state/engine")" = 12345
epid=$(engine_pid)
check "engine: seccomp filter loaded" grep -Eq '^Seccomp:[[:space:]]+2$' "/proc/$epid/status"
check "engine: no_new_privs" grep -Eq '^NoNewPrivs:[[:space:]]+1$' "/proc/$epid/status"
check "engine: no effective capabilities" grep -Eq '^CapEff:[[:space:]]+0+$' "/proc/$epid/status"
check "engine: empty capability bounding set" grep -Eq '^CapBnd:[[:space:]]+0+$' "/proc/$epid/status"
check "engine: no supplementary groups" grep -Eq '^Groups:[[:space:]]*$' "/proc/$epid/status"
expect_eq "engine: chrooted into its state directory" "$(readlink "/proc/$epid/root")" "$(realpath "$T/state/engine")"
check "koban's table exists" lab_exec gw nft list table inet koban

# every device says hello, so the engine knows its address
for ns in cam bot plug; do lab_exec $ns busybox ping -c 1 -W 1 192.168.50.1 >/dev/null; done
check "bot reaches the internet host" tcp_ok bot 203.0.113.10 8080
check "plug reaches the internet host" tcp_ok plug 203.0.113.10 8080
check "camera TELNET reachable from the internet side" tcp_ok inet 192.168.50.10 23
check "camera HTTP reachable" http_ok inet 192.168.50.10

# --- an event within a second of its packet
t0=$(now_ms)
lab_exec eos busybox ping -c 1 -W 1 192.168.50.1 >/dev/null
if wait_for 3 event_seen new-device "$EOS"; then
	lat=$(($(now_ms) - t0))
	echo "new-device event ${lat} ms after the packet"
	check "event within one second of the packet (${lat} ms)" test "$lat" -le 1000
else
	fail "no new-device event for the eos device"
fi

# --- MUD: the plug announces its profile's URL in DHCP option 161
url=$(python3 -c 'import json;print(json.load(open("tests/daemon/mud/plug.json"))["ietf-mud:mud"]["mud-url"])')
announce plug "$url" &
bg=$!
if wait_for 8 has_action mud $PLUG; then
	ok "MUD profile applied from the URL in DHCP option 161"
else
	fail "no MUD action for the plug"
	ctl status >&2
fi
wait $bg
check "MUD: the allowed peer works (internet host :8080)" tcp_ok plug 203.0.113.10 8080
check "MUD: a peer the profile does not allow is dropped (C&C :8080)" not tcp_ok plug 198.51.100.66 8080
check "MUD: the violation is reported" wait_for 3 event_seen mud-violation 198.51.100.66

# --- MUD fetched from the announced URL, used only if its signature verifies
HUB=02:00:00:00:00:50 HUB2=02:00:00:00:00:60
for ns in hub hub2; do lab_exec $ns busybox ping -c 1 -W 1 192.168.50.1 >/dev/null; done
announce hub https://mud.lab.example:8443/hub.json &
bg=$!
check "a fetched MUD profile is applied" wait_for 10 has_action mud $HUB
wait $bg
check "... after its signature verified" contains "$(ctl status)" "mud $HUB.*fetched, signature verified"
check "fetched MUD: the allowed peer works" tcp_ok hub 203.0.113.10 8080
check "fetched MUD: another peer is dropped" not tcp_ok hub 198.51.100.66 8080
announce hub2 https://mud.lab.example:8443/bad.json
check "a profile whose signature does not verify is refused" wait_for 8 grep -q 'bad.json.*does not verify' "$T/watch.log"
check "... and not applied" not has_action mud $HUB2
check "the device without a profile still reaches the C&C host" tcp_ok hub2 198.51.100.66 8080

# --- the bot scans: quarantined within 2 s, nothing more reaches the WAN
cat >"$T/scan.py" <<'PY'
import socket, time
socks = []
for i in range(100, 140):
    s = socket.socket()
    s.setblocking(False)
    try:
        s.connect(("203.0.113.%d" % i, 23))
    except BlockingIOError:
        pass
    socks.append(s)
time.sleep(2)
PY
if [ $HAVE_SCAN = 1 ]; then
	t0=$(now_ms)
	lab_exec bot python3 "$T/scan.py" &
	bg=$!
	if wait_for 4 has_action quarantine $BOT; then
		lat=$(($(now_ms) - t0))
		echo "scan to quarantine: ${lat} ms"
		check "the scanning bot is quarantined within 2 s (${lat} ms)" test "$lat" -le 2000
	else
		fail "the scanning bot was not quarantined"
		ctl status >&2
	fi
	wait $bg
	grep -o 'detection to block: [0-9.]* ms' "$T/watch.log" | head -n 1
	check "the quarantine names the scan" contains "$(ctl status)" "quarantine $BOT.*auto scan"
else
	echo "no scan detector in this build: quarantine by koban ctl"
	check "koban ctl quarantine" ctl quarantine $BOT --reason "lab: scanning"
fi
check "the quarantine rule is in koban's table" in_table "ether saddr $BOT drop"
before=$(wan_count)
check "quarantined bot cannot reach the internet host" not tcp_ok bot 203.0.113.10 8080
lab_exec bot busybox ping -c 2 -W 1 203.0.113.10 >/dev/null 2>&1
expect_eq "no packet of the quarantined bot reached the WAN side" "$(wan_count)" "$before"
check "quarantined bot cannot reach the C&C host" not tcp_ok bot 198.51.100.66 8080
check "the plug still reaches the internet host" tcp_ok plug 203.0.113.10 8080
check "koban ctl release" ctl release $BOT --reason "lab: cleaned"
check "released bot reaches the internet host again" tcp_ok bot 203.0.113.10 8080
check "its packets reach the WAN side again" test "$(wan_count)" -gt "$before"

# --- a flood toward the internet host: blocked per target
cat >"$T/flood.py" <<'PY'
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end, n = time.time() + 4, 0
while time.time() < end:
    s.sendto(b"x" * 64, ("203.0.113.10", 9999))
    n += 1
    if n % 40 == 0:
        time.sleep(0.03)
PY
if [ $HAVE_FLOOD = 1 ]; then
	lab_exec bot python3 "$T/flood.py" &
	bg=$!
	check "the flood is blocked toward its target" wait_for 8 has_action block-target $BOT
	wait $bg
else
	echo "no flood detector in this build: block-target by koban ctl"
	check "koban ctl block" ctl block $BOT 203.0.113.10 --reason "lab: flood"
fi
check "the flooding bot cannot reach the flood target" not tcp_ok bot 203.0.113.10 8080
check "the bot's other traffic flows (C&C host reachable)" tcp_ok bot 198.51.100.66 8080
check "release after the flood" ctl release $BOT

# --- contact with a listed C&C host: quarantined
if [ $HAVE_C2 = 1 ]; then
	tcp_ok bot 198.51.100.67 8080
	check "contact with a listed C&C host quarantines the bot" wait_for 3 has_action quarantine $BOT
	check "... because of the c2 event" contains "$(ctl status)" "quarantine $BOT.*auto c2"
	check "the bot no longer reaches the C&C host" not tcp_ok bot 198.51.100.67 8080
	check "release after the C&C contact" ctl release $BOT
else
	echo "no c2 detector in this build: C&C contact not tested"
fi

# --- degrade: TELNET closed on the camera, HTTP keeps working
check "koban ctl degrade camera telnet" ctl degrade 192.168.50.10 telnet --reason "lab: TELNET open"
check "camera TELNET closed from the internet side" not tcp_ok inet 192.168.50.10 23
check "camera TELNET closed from the gateway" not tcp_ok gw 192.168.50.10 23
check "camera TELNET closed to LAN peers (bridged)" not tcp_ok bot 192.168.50.10 23
check "camera HTTP works for LAN peers" http_ok bot 192.168.50.10
check "camera HTTP still works" http_ok inet 192.168.50.10
check "camera HTTP from the gateway still works" http_ok gw 192.168.50.10

# --- end of support: held to the LAN
cat >"$T/mdns.py" <<'PY'
# an mDNS answer naming the device's maker and model (a NAS whose support has ended)
import socket, struct
def name(n):
    return b"".join(bytes([len(p)]) + p.encode() for p in n.split(".")) + b"\0"
txt = b"".join(bytes([len(t)]) + t for t in (b"manufacturer=D-Link", b"model=DNS-320L"))
rr = name("nas._http._tcp.local") + struct.pack(">HHIH", 16, 0x8001, 120, len(txt)) + txt
msg = struct.pack(">HHHHHH", 0, 0x8400, 0, 1, 0, 0) + rr
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("192.168.50.40"))
s.bind(("192.168.50.40", 5353))
s.sendto(msg, ("224.0.0.251", 5353))
PY
if [ $HAVE_EOS = 1 ]; then
	lab_exec eos python3 "$T/mdns.py"
	check "the end-of-support device is held to the LAN automatically" wait_for 4 has_action lan-only $EOS
	check "... because of the end-of-support event" contains "$(ctl status)" "lan-only $EOS.*auto end-of-support"
else
	echo "no end-of-support detector in this build: lan-only by koban ctl"
	check "koban ctl lan-only" ctl lan-only $EOS --reason "lab: support ended"
fi
check "end-of-support device cannot reach the internet" not tcp_ok eos 203.0.113.10 8080
check "end-of-support device still reaches the LAN (camera HTTP)" http_ok eos 192.168.50.10
check "end-of-support device still reaches the gateway" lab_exec eos busybox ping -c 1 -W 1 192.168.50.1

# --- a device whose own signed status report (libkoban-device) shows firmware older than the deadline:
# `koban status ingest --quarantine-outdated` asks the gateway to quarantine it
DEVTOOL=$(dirname "$KOBAN")/koban-device-tool
DEVEX=$(dirname "$KOBAN")/koban-device-example
if [ -x "$DEVTOOL" ] && [ -x "$DEVEX" ]; then
	mkdir -p "$T/fw/makers" "$T/fw/store"
	(
		cd "$T/fw" || exit 1
		"$DEVTOOL" keygen acme >/dev/null && cp acme.pub makers/ &&
			printf 'plug firmware 0.9.0\nselftest=ok\n' >old.bin &&
			"$DEVTOOL" sign --key acme.key --version 0.9.0 --counter 1 --hw-class plug-1 --release 2023-05-01 \
				old.bin old.img >/dev/null &&
			"$DEVTOOL" provision --key acme.key --id PLUG-OLD --hw-class plug-1 --maker "Acme Devices" \
				--eos 2031-03-31 --image old.img flash.bin >/dev/null &&
			"$DEVEX" --flash flash.bin --mac $PLUG report old.cose >/dev/null
	)
	check "the plug's status report is made" test -s "$T/fw/old.cose"
	out=$(cd "$T/fw" && "$KOBAN" status ingest --makers makers --firmware-deadline 2025-01-01 \
		--quarantine-outdated="$T/ctl.sock" store old.cose 2>&1)
	check "status ingest reports the outdated firmware" grep -q "quarantine requested for $PLUG" <<<"$out"
	check "the out-of-date plug is quarantined" wait_for 3 has_action quarantine $PLUG
	check "... for its firmware" contains "$(ctl status)" "quarantine $PLUG.*firmware older than the deadline"
	check "the out-of-date plug cannot reach the internet host" not tcp_ok plug 203.0.113.10 8080
	check "release the plug" ctl release $PLUG --reason "lab: updated"
	check "the released plug reaches the internet host" tcp_ok plug 203.0.113.10 8080
else
	fail "koban-device-tool or koban-device-example missing (make device)"
fi

# --- the control socket
out=$(lab_exec gw setpriv --reuid 12346 --regid 12346 --clear-groups "$KOBAN" ctl --socket "$T/ctl.sock" status 2>&1)
check "the control socket refuses an unprivileged uid" test $? -ne 0
check "... saying why" contains "$out" "ermission denied"
check "a member of ctl.gid may use it" lab_exec gw setpriv --reuid 12346 --regid 12346 --groups 4242 \
	"$KOBAN" ctl --socket "$T/ctl.sock" status
check "a malformed request is refused" not ctl degrade 192.168.50.10 99999

# --- a client that connects and says nothing does not stall the daemon
lab_exec gw bash -c 'exec 3<>/dev/tcp/127.0.0.1/9465; sleep 3' &
silent=$!
sleep 0.2
t0=$(now_ms)
ctl status >/dev/null
dt=$(($(now_ms) - t0))
check "a silent metrics client does not stall the daemon (${dt} ms)" test "$dt" -lt 700
kill "$silent" 2>/dev/null
wait "$silent" 2>/dev/null

# --- metrics
metrics=$(lab_exec gw bash -c 'exec 3<>/dev/tcp/127.0.0.1/9465; printf "GET /metrics HTTP/1.0\r\n\r\n" >&3; cat <&3')
check "metrics: packets" contains "$metrics" '^koban_packets_captured_total [1-9]'
check "metrics: actions by kind" contains "$metrics" '^koban_actions_total{action="degrade",mode="enforce"} 1'
check "metrics: events by kind" contains "$metrics" '^koban_events_total{kind="new-device"}'
check "metrics: devices" contains "$metrics" '^koban_devices [1-9]'
check "koban ctl devices lists the camera" contains "$(ctl devices)" '^02:00:00:00:00:10 192.168.50.10'
check "koban ctl devices --json" contains "$(ctl devices --json)" '"mud_url": "https://plug.example/koban-plug.json"'
check "metrics: HTTP answer" contains "$metrics" '^HTTP/1.0 200 OK' 

# --- the engine dies: restarted; fail mode closed holds meanwhile
pid=$(engine_pid)
kill -KILL "$pid"
check "fail-closed rules while the engine is down" wait_for 2 in_table 'iifname "br-lan" drop'
check "status says the engine is down" contains "$(ctl status)" '^engine: down'
check "nothing is forwarded while the engine is down" not tcp_ok plug 203.0.113.10 8080
check "the engine is still down (the fail mode held throughout)" contains "$(ctl status)" '^engine: down'
wait_for 15 contains_status_running
newpid=$(engine_pid)
check "the parent restarted the engine" test -n "$newpid" -a "$newpid" != "$pid"
check "restart counted" contains "$(ctl status)" 'restarts 1'
check "forwarding restored after the restart" wait_for 3 tcp_ok plug 203.0.113.10 8080
check "fail-closed rules removed" not in_table 'iifname "br-lan" drop'
check "actions kept across the engine's restart" in_table 'tcp dport 23 drop'

# --- SIGHUP: a bad file is refused, a good one reloaded
echo "no_such_key = 1" >>"$T/koban.conf"
kill -HUP "$WATCH_PID"
check "a bad configuration is refused on SIGHUP" wait_for 3 grep -q 'reload refused' "$T/watch.log"
check "the daemon keeps running" contains "$(ctl status)" '^engine: running'
cp "$T/koban.conf.good" "$T/koban.conf"
kill -HUP "$WATCH_PID"
check "SIGHUP reloads" wait_for 3 grep -q 'configuration reloaded' "$T/watch.log"
check "the engine runs after the reload" wait_for 10 contains_status_running

# --- SIGTERM: clean stop, state kept, log intact; a new start restores the rules
kill -TERM "$WATCH_PID"
for ((i = 0; i < 100; i++)); do kill -0 "$WATCH_PID" 2>/dev/null || break; sleep 0.1; done
wait "$WATCH_PID"
expect_eq "SIGTERM: clean exit" "$?" 0
check "koban's table removed at exit" not lab_exec gw nft list table inet koban
check "the state file keeps the actions" grep -q '"degrade"' "$T/state/enforce/actions.json"
check "the tamper-evident log is intact" "$KOBAN" log verify "$T/state/engine/events.log"
check "actions are in the log" grep -q '"kind":"action".*koban added degrade' "$T/state/engine/events.jsonl"
check "releases are in the log" grep -q '"kind":"action".*koban released' "$T/state/engine/events.jsonl"
start_watch || { fail "koban watch starts"; summary; exit 1; }
check "actions restored at start" contains "$(ctl status)" "degrade 02:00:00:00:00:10"
check "rules restored at start: camera TELNET still closed" not tcp_ok inet 192.168.50.10 23
check "end-of-support device still held to the LAN" not tcp_ok eos 203.0.113.10 8080
check "release after the restart" ctl release 192.168.50.10
check "camera TELNET open again" tcp_ok inet 192.168.50.10 23
kill -TERM "$WATCH_PID"
wait "$WATCH_PID"
expect_eq "second SIGTERM: clean exit" "$?" 0
if [ "$T_FAIL" -ne 0 ]; then
	echo "--- koban watch log" >&2
	tail -n 40 "$T/watch.log" >&2
fi
summary
