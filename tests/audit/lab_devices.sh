# lab_devices.sh - starts the devices of the audit lab (sourced by
# audit_lab_test.sh and bench/audit.sh after the namespaces exist; uses $T,
# $NET, $ROOT). Lab users live in a lab passwd/shadow that is bind-mounted
# over /etc/passwd and /etc/shadow inside a private mount namespace of the
# daemon only: the host's account files are never modified.

# --- test data: credentials, an advisory and an end-of-support entry for the
# camera model the web device describes over UPnP
cp "$ROOT/data/default-credentials" "$T/data/"
cat >"$T/data/advisories.json" <<'EOJ'
[{"id": "lab-camera-auth", "vendor": "Hikvision", "product": "DS-2CD2042WD-I",
  "affected": [{"fixed": "V5.4.41"}], "refs": ["CVE-2017-7921"],
  "summary": "lab advisory: improper authentication", "severity": "critical"}]
EOJ
cat >"$T/data/end-of-support.json" <<'EOJ'
[{"vendor": "Hikvision", "product": "DS-2CD2042WD-I", "end_date": "2020-01-01", "note": "lab entry"}]
EOJ

# --- lab accounts (passwords: admin/password and support/support are on the
# default list; operator's is long and random)
STRONG=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
h() { openssl passwd -6 "$1"; }
cat >"$T/passwd" <<EOP
root:x:0:0:root:/root:/bin/sh
sshd:x:100:65534::/run/sshd:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
admin:x:1000:1000::$T/home/admin:/bin/sh
support:x:1001:1001::$T/home/support:/bin/sh
operator:x:1002:1002::$T/home/operator:/bin/sh
EOP
cat >"$T/shadow" <<EOP
root:*:19000:0:99999:7:::
sshd:*:19000:0:99999:7:::
nobody:*:19000:0:99999:7:::
admin:$(h password):19000:0:99999:7:::
support:$(h support):19000:0:99999:7:::
operator:$(h "$STRONG"):19000:0:99999:7:::
EOP
printf 'root:x:0:\nnogroup:x:65534:\nadmin:x:1000:\nsupport:x:1001:\noperator:x:1002:\n' >"$T/group"
chmod 640 "$T/shadow"
# runs CMD in namespace NS with the lab accounts and a private /run
with_lab_accounts() { # NS LOG CMD...
	local ns=$1 log=$2
	shift 2
	# shellcheck disable=SC2016
	lab_bg "$ns" "$log" unshare -m --propagation private sh -c \
		'mount --bind "$0/passwd" /etc/passwd && mount --bind "$0/shadow" /etc/shadow &&
		 mount --bind "$0/group" /etc/group && mount -t tmpfs lab /run && mkdir -m 755 /run/sshd &&
		 mount -t tmpfs lab /var/log && exec "$@"' "$T" "$@"
}

# --- .10 cam: TELNET with the lab login program (root/xc3511)
printf '#!/bin/sh\nexec %s %s\n' "$ROOT/tests/audit/lab-login.sh" "$T/telnet-attempts.log" >"$T/telnet-login"
chmod 755 "$T/telnet-login"
: >"$T/telnet-attempts.log"
# shellcheck disable=SC2016
lab_bg cam "$T/telnetd.log" unshare -m --propagation private sh -c \
	'mount -t tmpfs lab /run && mount -t tmpfs lab /var/log && exec busybox telnetd -F -K -p 23 -b "$0" -l "$1"' \
	"$NET.10" "$T/telnet-login"

# --- .11 nas: vsftpd, local user admin/password
cat >"$T/vsftpd.conf" <<EOC
listen=YES
listen_ipv6=NO
listen_address=$NET.11
anonymous_enable=NO
local_enable=YES
write_enable=NO
pam_service_name=vsftpd
secure_chroot_dir=$T/empty
xferlog_enable=YES
xferlog_std_format=NO
log_ftp_protocol=YES
vsftpd_log_file=$T/vsftpd.log
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
background=NO
userlist_enable=YES
userlist_deny=NO
userlist_file=$T/ftp.users
EOC
printf 'admin\n' >"$T/ftp.users"
with_lab_accounts nas "$T/vsftpd.out" vsftpd "$T/vsftpd.conf"

# --- .12 web: lighttpd with Basic admin/admin, UPnP, weak TLS
sed "s#http://192.168.50.20:80/#http://$NET.12:80/#" "$ROOT/tests/lab/files/ipcam-www/description.xml" \
	>"$T/www/description.xml"
printf '<html><head><title>IPCam admin</title></head><body>admin</body></html>\n' >"$T/www/index.html"
printf 'admin:admin\n' >"$T/lighttpd.users"
cat >"$T/lighttpd.conf" <<EOC
server.document-root = "$T/www"
server.bind = "$NET.12"
server.port = 80
server.modules = ("mod_auth", "mod_authn_file", "mod_accesslog")
server.errorlog = "$T/lighttpd-error.log"
server.tag = "lighttpd/1.4 IPCam"
accesslog.filename = "$T/lighttpd-access.log"
accesslog.format = "%h %>s auth=%{Authorization}i \"%r\""
mimetype.assign = (".xml" => "text/xml", ".html" => "text/html")
index-file.names = ("index.html")
auth.backend = "plain"
auth.backend.plain.userfile = "$T/lighttpd.users"
\$HTTP["url"] !~ "^/description\.xml$" {
  auth.require = ("" => ("method" => "basic", "realm" => "IPCAM", "require" => "valid-user"))
}
EOC
lab_bg web "$T/lighttpd.out" lighttpd -D -f "$T/lighttpd.conf"
lab_bg web "$T/ssdp.out" python3 "$ROOT/tests/lab/files/ssdp.py" device --ip "$NET.12" \
	--location "http://$NET.12:80/description.xml" --server "Linux/3.10 UPnP/1.0 IPCam/5.4.5" \
	--uuid 8a6d3a8e-1dd2-11b2-a5c9-026b0000000c --duration 900
openssl req -x509 -newkey rsa:1024 -nodes -days 30 -subj /CN=ipcam-web -keyout "$T/weak.key" \
	-out "$T/weak.crt" 2>/dev/null
lab_bg web "$T/tls-web.out" openssl s_server -accept "$NET.12:443" -cert "$T/weak.crt" -key "$T/weak.key" \
	-www -quiet -cipher DEFAULT@SECLEVEL=0

# --- .13 ssh: openssh-server, support/support; .15 hard: operator/<strong>
ssh-keygen -q -t ed25519 -N '' -f "$T/ssh_host_key"
sshd_conf() { # ADDR USER FILE
	cat >"$3" <<EOC
ListenAddress $1
Port 22
HostKey $T/ssh_host_key
PidFile none
UsePAM no
PasswordAuthentication yes
KbdInteractiveAuthentication no
PermitRootLogin no
AllowUsers $2
ForceCommand /bin/false
DisableForwarding yes
PermitTTY no
StrictModes no
MaxAuthTries 6
LogLevel VERBOSE
EOC
}
sshd_conf "$NET.13" support "$T/sshd-weak.conf"
sshd_conf "$NET.15" operator "$T/sshd-hard.conf"
with_lab_accounts ssh "$T/sshd-weak.out" /usr/sbin/sshd -D -e -f "$T/sshd-weak.conf" -E "$T/sshd-weak.log"
with_lab_accounts hard "$T/sshd-hard.out" /usr/sbin/sshd -D -e -f "$T/sshd-hard.conf" -E "$T/sshd-hard.log"

# --- .14 broker: mosquitto, anonymous; .15 hard: mosquitto with a password
cat >"$T/mosq-broker.conf" <<EOC
listener 1883 $NET.14
listener 1883 198.51.100.7
allow_anonymous true
persistence false
log_dest file $T/mosq-broker.log
log_type all
user root
EOC
mosquitto_passwd -b -c "$T/mosq.passwd" operator "$STRONG" 2>/dev/null
cat >"$T/mosq-hard.conf" <<EOC
listener 1883 $NET.15
allow_anonymous false
password_file $T/mosq.passwd
persistence false
log_dest file $T/mosq-hard.log
log_type all
user root
EOC
lab_bg broker "$T/mosq-broker.out" mosquitto -c "$T/mosq-broker.conf"
lab_bg hard "$T/mosq-hard.out" mosquitto -c "$T/mosq-hard.conf"
openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj /CN=hard.lab -keyout "$T/good.key" \
	-out "$T/good.crt" 2>/dev/null
lab_bg hard "$T/tls-hard.out" openssl s_server -accept "$NET.15:443" -cert "$T/good.crt" -key "$T/good.key" \
	-www -quiet

lab_wait_tcp cam "$NET.10" 23
lab_wait_tcp nas "$NET.11" 21
lab_wait_tcp web "$NET.12" 80
lab_wait_tcp web "$NET.12" 443
lab_wait_tcp ssh "$NET.13" 22
lab_wait_tcp broker "$NET.14" 1883
lab_wait_tcp hard "$NET.15" 22
lab_wait_tcp hard "$NET.15" 1883
lab_wait_tcp hard "$NET.15" 443
lab_wait_udp web 1900
