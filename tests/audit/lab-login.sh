#!/bin/sh
# lab-login.sh - the lab camera's login program for `busybox telnetd -l`, for
# the audit lab test. It is NOT /bin/login and never starts a shell: it asks
# for a user and a password, appends "attempt USER" to the file named in
# $1 (the pacing and attempt-count assertions read it), accepts only
# root/xc3511 (a Mirai-era default pair), then prints a busybox-like prompt
# and logs every line typed after the login as "command ..." (the test
# asserts there are none: koban must close a successful login at once).
log=${1:-/dev/null}
printf 'ipcam-02 login: '
IFS= read -r user || exit 1
printf 'Password: '
IFS= read -r pass || exit 1
printf '\n'
user=$(printf '%s' "$user" | tr -d '\r\000')
pass=$(printf '%s' "$pass" | tr -d '\r\000')
echo "attempt $user $(date +%s.%N)" >>"$log"
if [ "$user" != root ] || [ "$pass" != xc3511 ]; then
	sleep 1
	echo 'Login incorrect'
	exit 1
fi
printf '\n\nBusyBox v1.19.4 built-in shell (ash)\n\n'
while printf '# ' && IFS= read -r cmd; do
	echo "command $cmd" >>"$log"
done
exit 0
