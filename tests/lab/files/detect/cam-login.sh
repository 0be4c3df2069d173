#!/bin/sh
# cam-login.sh - the login program of the lab's camera for `busybox telnetd -l`
# (tests/lab/record-detect.sh). It is NOT /bin/login and never starts a real
# shell: like a cheap DVR/camera firmware it gives three tries, accepts only
# root/xc3511 (the hard-coded XiongMai pair from Mirai's table) and then
# answers a few commands with canned text.
tries=0
while [ $tries -lt 3 ]; do
	tries=$((tries + 1))
	printf 'cam-7720 login: '
	IFS= read -r user || exit 1
	stty -echo 2>/dev/null
	printf 'Password: '
	IFS= read -r pass || exit 1
	stty echo 2>/dev/null
	printf '\n'
	user=$(printf '%s' "$user" | tr -d '\r\000')
	pass=$(printf '%s' "$pass" | tr -d '\r\000')
	if [ "$user" = root ] && [ "$pass" = xc3511 ]; then
		printf '\n\nBusyBox v1.20.2 (2018-05-14 15:12:40 CST) built-in shell (ash)\n'
		printf "Enter 'help' for a list of built-in commands.\n\n"
		while printf '# ' && IFS= read -r cmd; do
			cmd=$(printf '%s' "$cmd" | tr -d '\r\000')
			case "$cmd" in
			'uname -a') printf 'Linux cam-7720 3.10.0 #12 Mon May 14 15:20:11 CST 2018 armv7l GNU/Linux\n' ;;
			id) printf 'uid=0(root) gid=0(root)\n' ;;
			exit | logout) exit 0 ;;
			'') ;;
			*) printf -- '-sh: %s: not found\n' "${cmd%% *}" ;;
			esac
		done
		exit 0
	fi
	sleep 0.3
	printf 'Login incorrect\n'
done
exit 1
