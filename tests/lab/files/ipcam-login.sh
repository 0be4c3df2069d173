#!/bin/sh
# ipcam-login.sh - the lab camera's login program for `busybox telnetd -l`.
# It is NOT /bin/login and never starts a real shell: it asks for a user and a
# password, accepts only root/xc3511 (a Mirai-era default pair) and then
# answers a few commands with canned text, like a camera's busybox shell.
printf 'ipcam-01 login: '
IFS= read -r user || exit 1
stty -echo 2>/dev/null
printf 'Password: '
IFS= read -r pass || exit 1
stty echo 2>/dev/null
printf '\n'
user=$(printf '%s' "$user" | tr -d '\r\000')
pass=$(printf '%s' "$pass" | tr -d '\r\000')
if [ "$user" != root ] || [ "$pass" != xc3511 ]; then
	sleep 1
	echo 'Login incorrect'
	exit 1
fi
printf '\n\nBusyBox v1.19.4 (2017-01-24 10:12:33 CST) built-in shell (ash)\n'
printf "Enter 'help' for a list of built-in commands.\n\n"
while printf '# ' && IFS= read -r cmd; do
	cmd=$(printf '%s' "$cmd" | tr -d '\r\000')
	case "$cmd" in
	'uname -a') echo 'Linux ipcam-01 3.10.73 #1 SMP PREEMPT Tue Jan 24 10:12:33 CST 2017 armv7l GNU/Linux' ;;
	'cat /proc/version') echo 'Linux version 3.10.73 (hik@build) (gcc version 4.9.1) #1 SMP PREEMPT Tue Jan 24 10:12:33 CST 2017' ;;
	id) echo 'uid=0(root) gid=0(root)' ;;
	exit | logout) exit 0 ;;
	'') ;;
	*) echo "-sh: ${cmd%% *}: not found" ;;
	esac
done
exit 0
