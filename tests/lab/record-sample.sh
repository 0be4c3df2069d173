#!/bin/bash
# record-sample.sh - records samples/lab-home.pcapng, the capture koban ships.
#
# Builds a small home network out of network namespaces (tests/lab/lab.sh),
# runs real daemons and clients in it and captures the LAN bridge in the
# gateway namespace with dumpcap (pcapng). See samples/README.md for what the
# capture holds. Usage (root, Debian with `scripts/deps.sh test` done):
#
#   tests/lab/record-sample.sh [OUTPUT.pcapng]     (default samples/lab-home.pcapng)
#
# LAN 192.168.50.0/24 on bridge br0 in the gateway namespace; the gateway
# (192.168.50.1) runs dnsmasq (DHCP + DNS) and routes to an "internet"
# namespace (203.0.113.0/24) holding cloud.example (TLS 443, MQTT 1883),
# fw.example (HTTP 80) and ntp.example (NTP 123). Nothing is created in the
# host's namespace, so no packet can leave the lab; every namespace, process
# and temp file is removed on exit, failure or interrupt.
set -eu -o pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
FILES=$ROOT/tests/lab/files
OUT=${1:-$ROOT/samples/lab-home.pcapng}
# shellcheck source=tests/lab/lab.sh
source "$ROOT/tests/lab/lab.sh"

for c in busybox dnsmasq mosquitto mosquitto_pub mosquitto_passwd dumpcap tshark openssl python3 ss unshare timeout; do
	command -v "$c" >/dev/null || lab_die "needs $c (run scripts/deps.sh test)"
done
busybox --list | grep -qx telnetd ||
	lab_die "this busybox has no telnetd applet: install busybox-static (scripts/deps.sh test)"

# --- the cast -------------------------------------------------------------
# MACs: real vendor OUIs from /usr/share/ieee-data/oui.csv, made-up lower half.
GW_MAC=00:04:0e:11:22:01      # AVM GmbH (a FRITZ!Box-like home router)
CAM_MAC=44:47:cc:1a:2b:01     # Hangzhou Hikvision Digital Technology
LAPTOP_MAC=ac:ed:5c:3c:4d:02  # Intel Corporate
PLUG_MAC=68:c6:3a:5e:6f:03    # Espressif Inc.
PRINTER_MAC=3c:2a:f4:7a:8b:04 # Brother Industries
GW_IP=192.168.50.1
CAM_IP=192.168.50.20
LAPTOP_IP=192.168.50.30
PLUG_IP=192.168.50.40
PRINTER_IP=192.168.50.50
CLOUD_IP=203.0.113.10
FW_IP=203.0.113.20
NTP_IP=203.0.113.123
CAM_UUID=8a6d3a8e-1dd2-11b2-a5c9-4447cc1a2b01
CAM_SERVER="Linux/3.10 UPnP/1.0 IPCam/5.4.5"
CAM_MUD=https://mud.example/ipcam.json
MQTT_USER=plug-5e6f
MQTT_PASS=plugpass-7731
BROWSER_UA="Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
step() {
	local ms=$(($(now_ms) - START_MS))
	printf '[%3d.%03ds] %s\n' $((ms / 1000)) $((ms % 1000)) "$*"
}
START_MS=$(now_ms)

lab_init
T=$LAB_TMP

# --- namespaces and links ---------------------------------------------------
for n in gw inet cam laptop plug printer; do lab_ns_add "$n"; done
lab_bridge_add gw br0 "$GW_MAC" "$GW_IP/24"
lab_link_add gw br0 p-cam cam "$CAM_MAC"
lab_link_add gw br0 p-laptop laptop "$LAPTOP_MAC"
lab_link_add gw br0 p-plug plug "$PLUG_MAC"
lab_link_add gw br0 p-printer printer "$PRINTER_MAC"
lab_veth_add gw wan inet eth0
lab_exec gw ip addr add 203.0.113.1/24 dev wan
lab_exec gw sysctl -q -w net.ipv4.ip_forward=1
for ip in $CLOUD_IP $FW_IP $NTP_IP; do lab_exec inet ip addr add "$ip/24" dev eth0; done
lab_exec inet ip route add 192.168.50.0/24 via 203.0.113.1

# --- the internet's services --------------------------------------------------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj /CN=cloud.example -addext subjectAltName=DNS:cloud.example \
	-keyout "$T/cloud.key" -out "$T/cloud.crt" 2>/dev/null
mosquitto_passwd -b -c "$T/mosquitto.passwd" "$MQTT_USER" "$MQTT_PASS" 2>/dev/null
cat >"$T/mosquitto.conf" <<EOF
listener 1883 $CLOUD_IP
allow_anonymous false
password_file $T/mosquitto.passwd
persistence false
log_dest stderr
user root
EOF
lab_bg inet "$T/mosquitto.log" mosquitto -c "$T/mosquitto.conf"
lab_bg inet "$T/s_server.log" openssl s_server -accept "$CLOUD_IP:443" -cert "$T/cloud.crt" \
	-key "$T/cloud.key" -www -naccept 1
lab_bg inet "$T/fw-httpd.log" busybox httpd -f -p "$FW_IP:80" -h "$FILES/fw-www"
lab_bg inet "$T/sntp.log" python3 "$FILES/sntp.py" server --ip "$NTP_IP" --duration 60
lab_bg gw "$T/dnsmasq.log" dnsmasq --keep-in-foreground --conf-file="$FILES/dnsmasq.conf" \
	--dhcp-leasefile="$T/dnsmasq.leases" --pid-file="$T/dnsmasq.pid" --user=root --group=root \
	--log-facility="$T/dnsmasq.queries"
lab_wait_tcp inet "$CLOUD_IP" 1883
lab_wait_tcp inet "$CLOUD_IP" 443
lab_wait_tcp inet "$FW_IP" 80
lab_wait_udp inet 123
lab_wait_udp gw 67
lab_wait_udp gw 53
printf 'nameserver %s\n' "$GW_IP" >"$T/resolv.conf"

dhcp() { # NS UDHCPC-ARGS...
	local ns=$1
	shift
	lab_exec "$ns" timeout 10 busybox udhcpc -i eth0 -f -q -n -t 5 -T 1 -A 1 \
		-s "$FILES/udhcpc.script" "$@" >>"$T/udhcpc-$ns.log" 2>&1 ||
		lab_die "$ns: no DHCP lease (see $T/udhcpc-$ns.log)"
}
hexstr() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }

# --- capture ------------------------------------------------------------------
lab_bg gw "$T/dumpcap.log" dumpcap -q -i br0 -w "$T/capture.pcapng"
CAP_PID=$LAB_LAST_PID
for ((i = 0; i < 50; i++)); do grep -q '^File:' "$T/dumpcap.log" && break; sleep 0.1; done
grep -q '^File:' "$T/dumpcap.log" || lab_die "dumpcap did not start: $(cat "$T/dumpcap.log")"
sleep 0.5
START_MS=$(now_ms)

# 1. The camera: DHCP with hostname (12), vendor class (60), client id (61,
#    udhcpc's default 01+MAC) and a MUD URL (161); then TELNET (busybox
#    telnetd with the lab's login program), HTTP (busybox httpd, /admin behind
#    Basic realm "IPCAM", UPnP description at /description.xml) and SSDP.
step "camera: DHCP"
dhcp cam -x hostname:ipcam-01 -V hikvision-ipc -x "0xa1:$(hexstr "$CAM_MUD")"
# telnetd writes utmp/wtmp records: give it a private, empty /run and /var/log
# so the host's login records are never touched.
# shellcheck disable=SC2016
lab_bg cam "$T/telnetd.log" unshare -m --propagation private sh -c \
	'mount -t tmpfs lab /run && mount -t tmpfs lab /var/log && exec busybox telnetd -F -K -p 23 -b "$0" -l "$1" -f "$2"' \
	"$CAM_IP" "$FILES/ipcam-login.sh" "$FILES/ipcam-issue"
lab_bg cam "$T/cam-httpd.log" busybox httpd -f -p "$CAM_IP:80" -h "$FILES/ipcam-www" \
	-c "$FILES/ipcam-httpd.conf" -r IPCAM
lab_wait_tcp cam "$CAM_IP" 23
lab_wait_tcp cam "$CAM_IP" 80
step "camera: SSDP NOTIFY"
lab_bg cam "$T/ssdp.log" python3 "$FILES/ssdp.py" device --ip "$CAM_IP" \
	--location "http://$CAM_IP:80/description.xml" --server "$CAM_SERVER" --uuid "$CAM_UUID" --duration 40
lab_wait_udp cam 1900
sleep 1

# 2. The smart plug: DHCP with hostname and vendor class; then NTP, a
#    firmware check over plain HTTP and an MQTT login and publish to the cloud.
step "plug: DHCP"
dhcp plug -x hostname:smartplug-5e6f -V ESP32-SP10
step "plug: NTP, firmware check, MQTT"
lab_exec_dns plug "$T/resolv.conf" timeout 5 python3 "$FILES/sntp.py" client ntp.example >>"$T/plug.log" 2>&1
lab_exec_dns plug "$T/resolv.conf" timeout 5 busybox wget -q -O - -U "SP10/1.4.2 ESP32HTTPClient" \
	http://fw.example/plug/latest.json >>"$T/plug.log" 2>&1
lab_exec_dns plug "$T/resolv.conf" timeout 5 mosquitto_pub -h cloud.example -p 1883 -i smartplug-5e6f \
	-u "$MQTT_USER" -P "$MQTT_PASS" -q 1 -t tele/smartplug-5e6f/STATE \
	-m '{"POWER":"ON","Watts":12.5,"Fw":"1.4.2"}' >>"$T/plug.log" 2>&1
sleep 1

# 3. The printer: DHCP, then mDNS announcements of _ipp._tcp (PTR, SRV, TXT, A).
step "printer: DHCP, mDNS announcements"
dhcp printer -x hostname:BRN3C2AF47A8B04
lab_bg printer "$T/mdns.log" python3 "$FILES/mdns.py" announce --ip "$PRINTER_IP" \
	--host BRN3C2AF47A8B04 --instance "Brother HL-L2350DW series" --service _ipp._tcp --port 631 \
	--txt txtvers=1 --txt qtotal=1 --txt rp=ipp/print --txt "ty=Brother HL-L2350DW series" \
	--txt "product=(Brother HL-L2350DW series)" --txt usb_MFG=Brother --txt "usb_MDL=HL-L2350DW series" \
	--txt fv=1.62 --txt "adminurl=http://BRN3C2AF47A8B04.local./" --txt "pdl=application/octet-stream,image/urf,image/pwg-raster" \
	--txt UUID=e3248000-80ce-11db-8000-3c2af47a8b04 --duration 30
sleep 1.5

# 4. The laptop: DHCP; finds the camera by SSDP and reads its UPnP
#    description; opens its admin page (401, then Basic admin/admin); logs in
#    over TELNET as root/xc3511; looks for printers over mDNS; opens TLS to
#    cloud.example with SNI.
step "laptop: DHCP"
dhcp laptop -x hostname:alice-laptop
step "laptop: SSDP M-SEARCH, UPnP description"
loc=$(lab_exec laptop timeout 5 python3 "$FILES/ssdp.py" search --ip "$LAPTOP_IP" --wait 1.5 | head -n 1)
[ "$loc" = "http://$CAM_IP:80/description.xml" ] || lab_die "SSDP search found '$loc'"
lab_exec laptop timeout 5 busybox wget -q -O "$T/description.xml" -U "$BROWSER_UA" "$loc"
cmp -s "$T/description.xml" "$FILES/ipcam-www/description.xml" || lab_die "description.xml differs"
step "laptop: HTTP admin page (401, then Basic admin/admin)"
if lab_exec_dns laptop "$T/resolv.conf" timeout 5 busybox wget -q -O /dev/null -U "$BROWSER_UA" \
	http://ipcam-01.lan/admin/ 2>/dev/null; then
	lab_die "admin page served without authentication"
fi
lab_exec_dns laptop "$T/resolv.conf" timeout 5 busybox wget -q -O "$T/admin.html" -U "$BROWSER_UA" \
	http://admin:admin@ipcam-01.lan/admin/
grep -q DS-2CD2042WD-I "$T/admin.html" || lab_die "admin page not served"
step "laptop: TELNET login root/xc3511"
lab_exec_dns laptop "$T/resolv.conf" timeout 10 python3 "$FILES/telnet_client.py" ipcam-01.lan root xc3511 \
	"uname -a" "id" >"$T/telnet.log" 2>&1 || lab_die "telnet login failed: $(cat "$T/telnet.log")"
grep -q 'armv7l' "$T/telnet.log" || lab_die "telnet session did not reach the shell"
step "laptop: mDNS query _ipp._tcp"
inst=$(lab_exec laptop timeout 5 python3 "$FILES/mdns.py" query --ip "$LAPTOP_IP" --service _ipp._tcp --wait 2)
[ "$inst" = "Brother HL-L2350DW series._ipp._tcp.local" ] || lab_die "mDNS query found '$inst'"
step "laptop: TLS to cloud.example (SNI)"
printf 'GET / HTTP/1.0\r\nHost: cloud.example\r\n\r\n' |
	lab_exec_dns laptop "$T/resolv.conf" timeout 5 openssl s_client -quiet -connect cloud.example:443 \
		-servername cloud.example >"$T/tls.log" 2>&1 || true
grep -q 's_server' "$T/tls.log" || lab_die "TLS exchange failed: $(cat "$T/tls.log")"
sleep 1

# --- stop and check -------------------------------------------------------------
step "stop capture"
kill -TERM "$CAP_PID"
wait "$CAP_PID" || true
[ -s "$T/capture.pcapng" ] || lab_die "empty capture"
mkdir -p "$(dirname "$OUT")"
cp "$T/capture.pcapng" "$OUT"
chmod 644 "$OUT"
n=$(tshark -r "$OUT" 2>/dev/null | wc -l)
echo "recorded $OUT: $n packets, $(stat -c %s "$OUT") bytes"
