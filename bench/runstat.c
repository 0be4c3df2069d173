/* runstat.c - runs a command and reports its wall time and peak RSS, so the
 * benchmark needs no /usr/bin/time: fork + execvp, wait4() for the rusage.
 * Prints one line to stderr (or to -o FILE):
 *   runstat: exit=N wall=S user=S sys=S maxrss_kb=K [timeout=1]
 * exit is the command's status, 128+signal if killed. With -t SECS the
 * command is killed (SIGKILL) after SECS seconds. runstat's own exit status
 * is the command's.
 *
 *   runstat [-o FILE] [-t SECS] -- COMMAND [ARGS...] */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t timed_out;

static void on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
}

static double tv_s(struct timeval tv) { return (double)tv.tv_sec + (double)tv.tv_usec / 1e6; }

int main(int argc, char **argv)
{
	const char *outpath = NULL;
	unsigned timeout = 0;
	int opt;
	while ((opt = getopt(argc, argv, "+o:t:")) != -1) {
		switch (opt) {
		case 'o': outpath = optarg; break;
		case 't': timeout = (unsigned)strtoul(optarg, NULL, 10); break;
		default:
			fprintf(stderr, "usage: runstat [-o FILE] [-t SECS] -- COMMAND [ARGS...]\n");
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: runstat [-o FILE] [-t SECS] -- COMMAND [ARGS...]\n");
		return 2;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	if (pid < 0) {
		perror("runstat: fork");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "runstat: %s: %s\n", argv[optind], strerror(errno));
		_exit(127);
	}
	if (timeout) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_alarm; /* no SA_RESTART: wait4 returns EINTR */
		sigaction(SIGALRM, &sa, NULL);
		alarm(timeout);
	}
	int status = 0;
	struct rusage ru;
	for (;;) {
		pid_t r = wait4(pid, &status, 0, &ru);
		if (r == pid)
			break;
		if (r < 0 && errno == EINTR) {
			if (timed_out)
				kill(pid, SIGKILL);
			continue;
		}
		perror("runstat: wait4");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1;
	FILE *out = stderr;
	if (outpath && !(out = fopen(outpath, "w"))) {
		fprintf(stderr, "runstat: %s: %s\n", outpath, strerror(errno));
		out = stderr;
	}
	fprintf(out, "runstat: exit=%d wall=%.3f user=%.3f sys=%.3f maxrss_kb=%ld%s\n", code, wall, tv_s(ru.ru_utime),
		tv_s(ru.ru_stime), ru.ru_maxrss, timed_out ? " timeout=1" : "");
	if (out != stderr)
		fclose(out);
	return code;
}
