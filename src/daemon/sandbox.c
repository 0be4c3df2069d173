/* sandbox.c - the engine child's confinement: chroot into its state
 * directory, its own uid/gid with no supplementary groups, an empty
 * capability bounding set, no_new_privs, and a seccomp allow-list
 * (libseccomp) of what the engine, SQLite and the store need: memory, the
 * already-open sockets, files under its (chroot) state directory, time.
 * Everything else fails with EPERM; creating sockets, executing programs,
 * tracing, mounting and changing identity kill the process. */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <seccomp.h>

#include "daemon/daemon.h"

#ifndef PR_CAPBSET_DROP
#define PR_CAPBSET_DROP 24
#endif

int sandbox_enter(const char *dir, uid_t uid, gid_t gid, char *err, size_t errsz)
{
	if (chroot(dir) != 0 || chdir("/") != 0) {
		snprintf(err, errsz, "sandbox: chroot %s: %s", dir, strerror(errno));
		return -1;
	}
	for (int cap = 0; cap <= 63; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL)
			break;
	if (setgroups(0, NULL) != 0 || setresgid(gid, gid, gid) != 0 || setresuid(uid, uid, uid) != 0) {
		snprintf(err, errsz, "sandbox: cannot become uid %u gid %u: %s", (unsigned)uid, (unsigned)gid,
			 strerror(errno));
		return -1;
	}
	if (setuid(0) == 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		snprintf(err, errsz, "sandbox: privileges could not be dropped");
		return -1;
	}
	return 0;
}

static const int allowed[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev), SCMP_SYS(pread64),
	SCMP_SYS(pwrite64), SCMP_SYS(close), SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(stat),
	SCMP_SYS(lstat), SCMP_SYS(statx), SCMP_SYS(lseek), SCMP_SYS(open), SCMP_SYS(openat),
	SCMP_SYS(access), SCMP_SYS(faccessat), SCMP_SYS(faccessat2), SCMP_SYS(unlink), SCMP_SYS(unlinkat),
	SCMP_SYS(rename), SCMP_SYS(renameat), SCMP_SYS(fsync), SCMP_SYS(fdatasync), SCMP_SYS(ftruncate),
	SCMP_SYS(fcntl), SCMP_SYS(flock), SCMP_SYS(getcwd), SCMP_SYS(readlink), SCMP_SYS(mkdir),
	SCMP_SYS(fchown), SCMP_SYS(fchmod), SCMP_SYS(getdents64), SCMP_SYS(mmap), SCMP_SYS(munmap),
	SCMP_SYS(mprotect), SCMP_SYS(mremap), SCMP_SYS(madvise), SCMP_SYS(brk), SCMP_SYS(rt_sigaction),
	SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn), SCMP_SYS(sigaltstack), SCMP_SYS(recvfrom),
	SCMP_SYS(recvmsg), SCMP_SYS(sendto), SCMP_SYS(sendmsg), SCMP_SYS(poll), SCMP_SYS(ppoll),
	SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(getppid), SCMP_SYS(getuid), SCMP_SYS(geteuid),
	SCMP_SYS(getgid), SCMP_SYS(getegid), SCMP_SYS(getrandom), SCMP_SYS(clock_gettime),
	SCMP_SYS(gettimeofday), SCMP_SYS(time), SCMP_SYS(nanosleep), SCMP_SYS(clock_nanosleep),
	SCMP_SYS(futex), SCMP_SYS(sched_yield), SCMP_SYS(sched_getaffinity), SCMP_SYS(getrusage),
	SCMP_SYS(prlimit64), SCMP_SYS(uname), SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(kill),
	SCMP_SYS(tgkill), SCMP_SYS(restart_syscall), SCMP_SYS(membarrier), SCMP_SYS(shutdown),
	SCMP_SYS(getsockopt), SCMP_SYS(ioctl), SCMP_SYS(pipe2), SCMP_SYS(dup), SCMP_SYS(dup3),
	SCMP_SYS(set_robust_list), SCMP_SYS(rseq), SCMP_SYS(arch_prctl),
};

static const int killed[] = {
	SCMP_SYS(execve), SCMP_SYS(execveat), SCMP_SYS(ptrace), SCMP_SYS(socket), SCMP_SYS(connect),
	SCMP_SYS(bind), SCMP_SYS(listen), SCMP_SYS(accept), SCMP_SYS(accept4), SCMP_SYS(mount),
	SCMP_SYS(umount2), SCMP_SYS(chroot), SCMP_SYS(pivot_root), SCMP_SYS(setuid), SCMP_SYS(setgid),
	SCMP_SYS(setreuid), SCMP_SYS(setregid), SCMP_SYS(setresuid), SCMP_SYS(setresgid), SCMP_SYS(setgroups),
	SCMP_SYS(unshare), SCMP_SYS(setns), SCMP_SYS(init_module), SCMP_SYS(finit_module), SCMP_SYS(kexec_load),
	SCMP_SYS(bpf), SCMP_SYS(perf_event_open), SCMP_SYS(process_vm_writev), SCMP_SYS(process_vm_readv),
	SCMP_SYS(open_by_handle_at), SCMP_SYS(keyctl), SCMP_SYS(add_key), SCMP_SYS(fork), SCMP_SYS(vfork),
	SCMP_SYS(clone), SCMP_SYS(clone3),
};

int sandbox_seccomp(char *err, size_t errsz)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	int rc = ctx ? 0 : -ENOMEM;
	for (size_t i = 0; rc == 0 && i < sizeof allowed / sizeof allowed[0]; i++)
		if (allowed[i] >= 0) /* a name unknown on this architecture is negative */
			rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
	for (size_t i = 0; rc == 0 && i < sizeof killed / sizeof killed[0]; i++)
		if (killed[i] >= 0)
			rc = seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, killed[i], 0);
	if (rc == 0)
		rc = seccomp_load(ctx);
	if (ctx)
		seccomp_release(ctx);
	if (rc != 0) {
		snprintf(err, errsz, "sandbox: seccomp: %s", strerror(-rc));
		return -1;
	}
	return 0;
}
