/* test_command.c - the command alert output: the alert JSON arrives on the
 * command's stdin (also when larger than a pipe buffer), the KOBAN_*
 * variables are set only with safe values, the command's stdout goes to our
 * stderr, no descriptors leak, a command that does not read or fails is
 * handled, a hanging one (and its children, and one ignoring SIGTERM) is
 * killed at the timeout, and event text full of shell metacharacters never
 * runs anything. Everything happens in a temporary directory. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alert/alert.h"
#include "test.h"

#define S 1000000ull
#define T0 (1767225600ull * S)

static char dir[] = "/tmp/koban-command-XXXXXX";

static void set(struct config *c, const char *key, const char *value)
{
	struct config_param *p = &c->params[c->n_params++];
	snprintf(p->key, sizeof p->key, "%s", key);
	snprintf(p->value, sizeof p->value, "%s", value);
	p->line = (unsigned)c->n_params;
}

static struct alerter *make(const char *command, const char *timeout)
{
	struct config c;
	char err[256];
	config_defaults(&c);
	set(&c, "alert.command", command);
	set(&c, "alert.fold_window", "0");
	if (timeout)
		set(&c, "alert.command_timeout", timeout);
	struct alerter *a = alerter_new(&c, err, sizeof err);
	if (!a)
		fprintf(stderr, "alerter_new: %s\n", err);
	return a;
}

static void init_event(struct event *ev, const char *kind)
{
	memset(ev, 0, sizeof *ev);
	snprintf(ev->kind, sizeof ev->kind, "%s", kind);
	ev->severity = SEV_HIGH;
	ev->ts_us = T0;
	kaddr_parse(&ev->device_ip, "192.168.1.7");
	snprintf(ev->summary_en, sizeof ev->summary_en, "summary");
	snprintf(ev->summary_ja, sizeof ev->summary_ja, "概要");
	ev->evidence = json_object();
}

static char *path(const char *name)
{
	static char buf[4][128];
	static int i;
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
	return buf[i];
}

static json_t *load(const char *name)
{
	return json_load_file(path(name), 0, NULL);
}

static char *slurp(const char *name, char *buf, size_t bufsz)
{
	FILE *f = fopen(path(name), "r");
	size_t n = f ? fread(buf, 1, bufsz - 1, f) : 0;
	buf[n] = '\0';
	if (f)
		fclose(f);
	return buf;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_stdin_and_env(void)
{
	char cmd[512], buf[512];
	snprintf(cmd, sizeof cmd,
		 "echo to-stdout; cat > %s/out.json; ls /proc/self/fd > %s/fds; "
		 "printf '%%s|%%s|%%s|%%s|%%s' \"$KOBAN_ALERT\" \"$KOBAN_KIND\" \"$KOBAN_SEVERITY\" \"$KOBAN_COUNT\" "
		 "\"$KOBAN_INCIDENT\" > %s/env",
		 dir, dir, dir);
	int leak = open("/dev/null", O_RDONLY); /* without O_CLOEXEC: must not reach the command */
	dup2(leak, 20);
	char errpath[160];
	snprintf(errpath, sizeof errpath, "%s/stderr", dir);
	fflush(stderr);
	int saved = dup(2), errfd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(errfd, 2);
	struct alerter *a = make(cmd, NULL);
	struct event ev;
	init_event(&ev, "default-credential");
	json_object_set_new(ev.evidence, "user", json_string("admin"));
	alerter_event(a, &ev);
	json_decref(ev.evidence);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(errfd);
	close(leak);
	close(20);
	json_t *o = load("out.json");
	CHECK(o != NULL);
	CHECK_STR(json_string_value(json_object_get(o, "kind")), "default-credential");
	CHECK_STR(json_string_value(json_object_get(o, "alert")), "event");
	CHECK_STR(json_string_value(json_object_get(json_object_get(o, "device"), "ip")), "192.168.1.7");
	CHECK_STR(json_string_value(json_object_get(json_object_get(o, "evidence"), "user")), "admin");
	CHECK_STR(json_string_value(json_object_get(json_object_get(o, "summary"), "ja")), "概要");
	CHECK_INT(json_integer_value(json_object_get(o, "count")), 1);
	json_decref(o);
	CHECK_STR(slurp("env", buf, sizeof buf), "event|default-credential|high|1|1");
	CHECK(strstr(slurp("stderr", buf, sizeof buf), "to-stdout") != NULL);
	slurp("fds", buf, sizeof buf);
	CHECK(strstr(buf, "20\n") == NULL && strstr(buf, "0\n1\n2\n") == buf);
	struct alert_stats st;
	alerter_get_stats(a, &st);
	CHECK_INT(st.send_errors, 0);
	alerter_free(a);
}

/* Larger than a pipe buffer: all of it arrives; a command that does not
 * read at all neither hangs nor kills us with SIGPIPE. */
static void test_large(void)
{
	char cmd[256];
	static char big[300001];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	snprintf(cmd, sizeof cmd, "cat > %s/big.json", dir);
	struct alerter *a = make(cmd, "10");
	struct event ev;
	init_event(&ev, "flood");
	json_object_set_new(ev.evidence, "blob", json_string(big));
	alerter_event(a, &ev);
	alerter_free(a);
	json_t *o = load("big.json");
	CHECK(o && strcmp(json_string_value(json_object_get(json_object_get(o, "evidence"), "blob")), big) == 0);
	json_decref(o);
	a = make("exit 0", "10");
	double t = now_s();
	alerter_event(a, &ev);
	CHECK(now_s() - t < 5);
	struct alert_stats st;
	alerter_get_stats(a, &st);
	CHECK_INT(st.send_errors, 0);
	alerter_free(a);
	a = make("exit 3", "10");
	alerter_event(a, &ev);
	alerter_get_stats(a, &st);
	CHECK_INT(st.send_errors, 1);
	CHECK_INT(st.command_timeouts, 0);
	alerter_free(a);
	json_decref(ev.evidence);
}

/* 1 if the process is gone (or a zombie nobody has reaped yet). */
static int dead(long pid)
{
	char p[64], stat[256] = "";
	snprintf(p, sizeof p, "/proc/%ld/stat", pid);
	FILE *f = fopen(p, "r");
	if (!f)
		return 1;
	size_t n = fread(stat, 1, sizeof stat - 1, f);
	stat[n] = '\0';
	fclose(f);
	const char *paren = strrchr(stat, ')');
	return paren && (paren[2] == 'Z' || paren[2] == 'X');
}

static void test_timeout(void)
{
	char cmd[256], buf[64];
	snprintf(cmd, sizeof cmd, "sleep 30 & echo $! > %s/child; wait", dir);
	const char *const cmds[] = {cmd, "sleep 30", "trap '' TERM; sleep 30 & wait; sleep 30"};
	for (size_t i = 0; i < 3; i++) {
		struct alerter *a = make(cmds[i], "1");
		struct event ev;
		init_event(&ev, "scan");
		double t = now_s();
		alerter_event(a, &ev);
		double took = now_s() - t;
		CHECK(took >= 0.9 && took < 3.0);
		if (!(took >= 0.9 && took < 3.0))
			fprintf(stderr, "command %zu took %.2f s\n", i, took);
		struct alert_stats st;
		alerter_get_stats(a, &st);
		CHECK_INT(st.command_timeouts, 1);
		CHECK_INT(st.send_errors, 1);
		alerter_free(a);
		json_decref(ev.evidence);
	}
	long pid = atol(slurp("child", buf, sizeof buf));
	CHECK(pid > 0);
	for (int i = 0; i < 100 && pid > 0 && !dead(pid); i++)
		usleep(10000);
	CHECK(pid > 0 && dead(pid)); /* the command's own child went with it */
}

static void test_metacharacters(void)
{
	char cmd[256], evil[8][160];
	snprintf(cmd, sizeof cmd, "cat > %s/evil.json; echo $KOBAN_KIND $KOBAN_SEVERITY > %s/evil.env", dir, dir);
	snprintf(evil[0], sizeof evil[0], "$(touch %s/pwned0)", dir);
	snprintf(evil[1], sizeof evil[1], "`touch %s/pwned1`", dir);
	snprintf(evil[2], sizeof evil[2], "; touch %s/pwned2; #", dir);
	snprintf(evil[3], sizeof evil[3], "| touch %s/pwned3 |", dir);
	snprintf(evil[4], sizeof evil[4], "' \"; touch %s/pwned4 '\"", dir);
	snprintf(evil[5], sizeof evil[5], "\n touch %s/pwned5 \n", dir);
	snprintf(evil[6], sizeof evil[6], "&& touch %s/pwned6 &", dir);
	snprintf(evil[7], sizeof evil[7], "x;touch %s/pwned7", dir);
	struct alerter *a = make(cmd, "5");
	struct event ev;
	init_event(&ev, "c2");
	snprintf(ev.kind, sizeof ev.kind, "c2;touch %.8s", "pwnedk"); /* an impossible kind, still harmless */
	snprintf(ev.peer_name, sizeof ev.peer_name, "%s", evil[0]);
	snprintf(ev.summary_en, sizeof ev.summary_en, "%s %s", evil[1], evil[2]);
	snprintf(ev.summary_ja, sizeof ev.summary_ja, "%s", evil[3]);
	json_object_set_new(ev.evidence, evil[4], json_string(evil[5]));
	json_object_set_new(ev.evidence, "indicator", json_string(evil[6]));
	json_object_set_new(ev.evidence, "domain", json_string(evil[7]));
	kaddr_parse(&ev.peer_ip, "192.0.2.1");
	alerter_event(a, &ev);
	alerter_free(a);
	json_decref(ev.evidence);
	char name[32], buf[128];
	for (int i = 0; i < 8; i++) {
		snprintf(name, sizeof name, "pwned%d", i);
		CHECK(access(path(name), F_OK) != 0);
	}
	CHECK(access("pwnedk", F_OK) != 0);
	json_t *o = load("evil.json");
	CHECK(o != NULL);
	json_t *evd = json_object_get(o, "evidence");
	CHECK_STR(json_string_value(json_object_get(json_object_get(o, "peer"), "name")), evil[0]);
	CHECK_STR(json_string_value(json_object_get(evd, evil[4])), evil[5]);
	CHECK_STR(json_string_value(json_object_get(evd, "indicator")), evil[6]);
	CHECK_STR(json_string_value(json_object_get(json_object_get(o, "summary"), "ja")), evil[3]);
	json_decref(o);
	CHECK_STR(slurp("evil.env", buf, sizeof buf), "high\n"); /* KOBAN_KIND left unset */
}

static void test_settings(void)
{
	struct config c;
	char err[256];
	config_defaults(&c);
	set(&c, "alert.command_timeout", "5"); /* read and checked without a command too */
	struct alerter *a = alerter_new(&c, err, sizeof err);
	CHECK(a != NULL && config_check_unused(&c, err, sizeof err));
	alerter_free(a);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	test_stdin_and_env();
	test_large();
	test_timeout();
	test_metacharacters();
	test_settings();
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return test_summary();
}
