#!/bin/sh
# deps.sh - installs what koban needs on Debian 12 (as root). With `test`,
# also what the tests and benchmarks use (clang's sanitizers and libFuzzer,
# tcpdump's captures are in the repo; lab daemons for the namespace tests).
set -e
export DEBIAN_FRONTEND=noninteractive
RUNTIME="build-essential pkg-config libpcap-dev libsqlite3-dev libjansson-dev libsodium-dev ieee-data
         libnftables-dev nftables libseccomp-dev libcurl4-openssl-dev libssl-dev libssh-dev"
TEST="clang libclang-rt-14-dev iproute2 busybox-static dnsmasq mosquitto mosquitto-clients tcpdump tshark
      python3 procps sqlite3 psmisc socat tcpreplay openssl openssh-server vsftpd lighttpd nmap hydra hping3 curl"
pkgs=$RUNTIME
[ "${1:-}" = test ] && pkgs="$RUNTIME $TEST"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "koban: installing:$missing" >&2
	apt-get update -q >/dev/null
	echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
	# The test daemons (sshd, vsftpd, lighttpd, mosquitto, dnsmasq) are started by the tests inside their own
	# network namespaces; do not let their packages start system-wide services on this machine.
	policy=""
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		policy=/usr/sbin/policy-rc.d
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod 755 "$policy"
	fi
	status=0
	apt-get install -y -q --no-install-recommends $missing >/dev/null || status=$?
	[ -n "$policy" ] && rm -f "$policy"
	exit $status
fi
