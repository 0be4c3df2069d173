/* out_command.c - the command alert output: for each alert, runs
 * `/bin/sh -c COMMAND` (fork + execve) with the alert as one line of JSON
 * on its standard input. COMMAND comes only from the configuration; event
 * data never reaches the shell's command line, only standard input and the
 * environment variables KOBAN_ALERT, KOBAN_KIND, KOBAN_SEVERITY,
 * KOBAN_COUNT and KOBAN_INCIDENT, which are set only when their value is
 * made of [a-z0-9-] (so even unquoted expansions cannot inject anything).
 * The child runs in its own process group with its standard output sent to
 * our standard error (stdout may carry JSON alerts) and no other inherited
 * descriptors. After timeout seconds the group gets SIGTERM, and SIGKILL
 * half a second later if it is still there. One command at a time. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alert/alert_int.h"

#define KILL_GRACE_MS 500
#define ENV_VARS 5

extern char **environ;

struct out_command {
	struct alert_out base;
	char *command;
	unsigned timeout_s;
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

/* "NAME=value" in buf if value is non-empty and only [a-z0-9-], else NULL. */
static char *env_entry(char *buf, size_t bufsz, const char *name, const char *value)
{
	size_t n = value ? strlen(value) : 0;
	if (n == 0 || n + strlen(name) + 2 > bufsz || strspn(value, "abcdefghijklmnopqrstuvwxyz0123456789-") != n)
		return NULL;
	size_t k = strlen(name);
	memcpy(buf, name, k); /* lengths checked above */
	buf[k] = '=';
	memcpy(buf + k + 1, value, n + 1);
	return buf;
}

static bool ours(const char *entry)
{
	static const char *const names[] = {"KOBAN_ALERT=", "KOBAN_KIND=", "KOBAN_SEVERITY=", "KOBAN_COUNT=",
					    "KOBAN_INCIDENT="};
	for (size_t i = 0; i < ENV_VARS; i++)
		if (strncmp(entry, names[i], strlen(names[i])) == 0)
			return true;
	return false;
}

/* The child's environment: ours first, then the inherited one without
 * entries of the same names. Built before fork (the child only execs).
 * vars holds the storage of our entries. */
static char **build_env(json_t *alert, char vars[ENV_VARS][64])
{
	size_t n = 0;
	while (environ && environ[n])
		n++;
	char **env = calloc(n + ENV_VARS + 1, sizeof *env);
	if (!env)
		return NULL;
	char cnt[24] = "", inc[24] = "";
	json_t *c = json_object_get(alert, "count"), *i = json_object_get(alert, "incident");
	if (json_is_integer(c))
		snprintf(cnt, sizeof cnt, "%" JSON_INTEGER_FORMAT, json_integer_value(c));
	if (json_is_integer(i))
		snprintf(inc, sizeof inc, "%" JSON_INTEGER_FORMAT, json_integer_value(i));
	char *mine[ENV_VARS] = {
		env_entry(vars[0], 64, "KOBAN_ALERT", json_string_value(json_object_get(alert, "alert"))),
		env_entry(vars[1], 64, "KOBAN_KIND", json_string_value(json_object_get(alert, "kind"))),
		env_entry(vars[2], 64, "KOBAN_SEVERITY", json_string_value(json_object_get(alert, "severity"))),
		env_entry(vars[3], 64, "KOBAN_COUNT", cnt),
		env_entry(vars[4], 64, "KOBAN_INCIDENT", inc),
	};
	size_t k = 0;
	for (size_t j = 0; j < ENV_VARS; j++)
		if (mine[j])
			env[k++] = mine[j];
	for (size_t j = 0; j < n; j++)
		if (!ours(environ[j]))
			env[k++] = environ[j];
	return env;
}

/* In the child: only async-signal-safe calls from here to execve. */
static void child(int in_fd, const char *command, char **env)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	struct sigaction dfl = {.sa_handler = SIG_DFL};
	sigaction(SIGPIPE, &dfl, NULL);
	setpgid(0, 0);
	if (in_fd == 0 ? fcntl(0, F_SETFD, 0) < 0 : dup2(in_fd, 0) < 0) /* 0 if our stdin was closed */
		_exit(126);
	if (dup2(2, 1) < 0)
		_exit(126);
	if (syscall(SYS_close_range, 3u, ~0u, 0u) != 0)
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
	char *const argv[] = {(char *)"sh", (char *)"-c", (char *)command, NULL};
	execve("/bin/sh", argv, env);
	_exit(127);
}

/* Writes data to the child's stdin until done, the child stops reading
 * (EPIPE, which is not an error) or the deadline. SIGPIPE is blocked in
 * this thread meanwhile and a SIGPIPE it caused is consumed. */
static void feed(int fd, const char *data, size_t len, int64_t deadline)
{
	sigset_t pipe_set, old, pending;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	sigpending(&pending);
	bool was_pending = sigismember(&pending, SIGPIPE);
	bool broken = false;
	while (len > 0 && now_ms() < deadline) {
		ssize_t w = write(fd, data, len);
		if (w > 0) {
			data += w;
			len -= (size_t)w;
		} else if (w < 0 && errno == EAGAIN) {
			struct pollfd p = {fd, POLLOUT, 0};
			poll(&p, 1, (int)(deadline - now_ms()) > 0 ? (int)(deadline - now_ms()) : 0);
		} else if (w < 0 && errno == EINTR) {
			continue;
		} else {
			broken = w < 0 && errno == EPIPE;
			break;
		}
	}
	if (broken && !was_pending) {
		struct timespec zero = {0, 0};
		sigtimedwait(&pipe_set, NULL, &zero);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* Waits for the child until the deadline, then stops its process group.
 * Returns its wait status; *timed_out tells whether it had to be killed. */
static int reap(pid_t pid, int64_t deadline, bool *timed_out)
{
	int status = 0, step = 1;
	*timed_out = false;
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid || (r < 0 && errno != EINTR))
			return status;
		int64_t now = now_ms();
		if (now >= deadline) {
			if (!*timed_out) {
				*timed_out = true;
				kill(-pid, SIGTERM);
				deadline = now + KILL_GRACE_MS;
				continue;
			}
			kill(-pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			return status;
		}
		sleep_ms(step < deadline - now ? step : (int)(deadline - now));
		step = step < 50 ? step * 2 : 50;
	}
}

static int command_send(struct alert_out *base, json_t *alert)
{
	struct out_command *o = (struct out_command *)base;
	char *line = json_dumps(alert, JSON_COMPACT);
	char vars[ENV_VARS][64];
	char **env = line ? build_env(alert, vars) : NULL;
	int fds[2] = {-1, -1};
	if (!env || pipe2(fds, O_CLOEXEC) != 0) {
		free(line);
		free(env);
		return -1;
	}
	int64_t deadline = now_ms() + (int64_t)o->timeout_s * 1000;
	pid_t pid = fork();
	if (pid == 0)
		child(fds[0], o->command, env);
	free(env);
	close(fds[0]);
	if (pid < 0) {
		close(fds[1]);
		free(line);
		return -1;
	}
	setpgid(pid, pid); /* also here, so kill(-pid) works whoever runs first */
	fcntl(fds[1], F_SETFL, O_NONBLOCK);
	size_t len = strlen(line);
	line[len] = '\n'; /* replaces the NUL: written as one line */
	feed(fds[1], line, len + 1, deadline);
	close(fds[1]);
	free(line);
	bool timed_out;
	int status = reap(pid, deadline, &timed_out);
	if (timed_out)
		o->base.timeouts++;
	return !timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static void command_destroy(struct alert_out *base)
{
	struct out_command *o = (struct out_command *)base;
	free(o->command);
	free(o);
}

struct alert_out *out_command_new(const char *command, unsigned timeout_s, char *err, size_t errsz)
{
	struct out_command *o = calloc(1, sizeof *o);
	if (o)
		o->command = strdup(command);
	if (!o || !o->command) {
		free(o);
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	if (access("/bin/sh", X_OK) != 0) {
		snprintf(err, errsz, "alert.command: /bin/sh: %s", strerror(errno));
		command_destroy(&o->base);
		return NULL;
	}
	o->base.send = command_send;
	o->base.destroy = command_destroy;
	o->timeout_s = timeout_s;
	return &o->base;
}
