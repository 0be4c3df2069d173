/* alert.c - the alerter (see alert.h): reads the `alert.*` settings, opens
 * the outputs, drops events below alert.min_severity, folds the rest into
 * incidents (fold.c) and hands each resulting alert to every output. */
#include "alert/alert.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alert/alert_int.h"

#define MAX_OUTPUTS 3
#define DEFAULT_FOLD_WINDOW 600
#define MAX_FOLD_WINDOW 604800 /* a week */
#define DEFAULT_COMMAND_TIMEOUT 10
#define MAX_COMMAND_TIMEOUT 3600

struct alerter {
	struct alert_out *outs[MAX_OUTPUTS];
	size_t n_outs;
	enum severity min_sev;
	struct fold *fold;
	struct alert_stats stats;
	void (*sink)(void *ctx, json_t *alert);
	void *sink_ctx;
};

/* Every setting, read at once so that all are marked used. */
struct alert_settings {
	const char *out_stdout, *syslog, *syslog_socket, *syslog_udp, *syslog_facility;
	const char *command, *command_timeout, *min_severity, *fold_window;
};

static void read_settings(struct config *cfg, struct alert_settings *s)
{
	s->out_stdout = config_param(cfg, "alert.stdout");
	s->syslog = config_param(cfg, "alert.syslog");
	s->syslog_socket = config_param(cfg, "alert.syslog_socket");
	s->syslog_udp = config_param(cfg, "alert.syslog_udp");
	s->syslog_facility = config_param(cfg, "alert.syslog_facility");
	s->command = config_param(cfg, "alert.command");
	s->command_timeout = config_param(cfg, "alert.command_timeout");
	s->min_severity = config_param(cfg, "alert.min_severity");
	s->fold_window = config_param(cfg, "alert.fold_window");
}

/* "FILE:LINE: key: why" like the configuration loader's messages. */
static bool bad(const struct config *cfg, const char *key, const char *why, char *err, size_t errsz)
{
	for (size_t i = 0; i < cfg->n_params; i++) {
		if (strcmp(cfg->params[i].key, key) == 0) {
			snprintf(err, errsz, "%s:%u: %s: %s", cfg->path[0] ? cfg->path : "config", cfg->params[i].line,
				 key, why);
			return false;
		}
	}
	snprintf(err, errsz, "%s: %s", key, why);
	return false;
}

static bool parse_bool(const char *v, bool *out)
{
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1") || !strcasecmp(v, "on"))
		*out = true;
	else if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcmp(v, "0") || !strcasecmp(v, "off"))
		*out = false;
	else
		return false;
	return true;
}

static bool parse_uint(const char *v, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;
	errno = 0;
	unsigned long n = strtoul(v, &end, 10);
	if (errno || end == v || *end || v[0] == '-' || v[0] == '+' || n < min || n > max)
		return false;
	*out = n;
	return true;
}

/* The settings parsed, with their defaults. */
struct alert_opts {
	bool use_stdout, use_syslog;
	int facility, min_sev;
	unsigned long timeout_s, window_s;
};

/* Checks every value (also of outputs left off, so a typo never waits). */
static bool check_settings(const struct config *cfg, const struct alert_settings *s, struct alert_opts *o,
			   char *err, size_t errsz)
{
	*o = (struct alert_opts){.facility = 16 /* local0 */, .min_sev = SEV_MEDIUM,
				 .timeout_s = DEFAULT_COMMAND_TIMEOUT, .window_s = DEFAULT_FOLD_WINDOW};
	if (s->out_stdout && !parse_bool(s->out_stdout, &o->use_stdout))
		return bad(cfg, "alert.stdout", "expected yes or no", err, errsz);
	if (s->syslog && !parse_bool(s->syslog, &o->use_syslog))
		return bad(cfg, "alert.syslog", "expected yes or no", err, errsz);
	if (s->syslog_socket && s->syslog_udp)
		return bad(cfg, "alert.syslog_udp", "give alert.syslog_socket or alert.syslog_udp, not both", err,
			   errsz);
	if (s->syslog_socket && s->syslog_socket[0] != '/')
		return bad(cfg, "alert.syslog_socket", "expected an absolute path", err, errsz);
	if (s->syslog_facility && (o->facility = syslog_facility_parse(s->syslog_facility)) < 0)
		return bad(cfg, "alert.syslog_facility", "unknown facility (daemon, user, auth, local0 .. local7 ...)",
			   err, errsz);
	if (s->command && !*s->command)
		return bad(cfg, "alert.command", "empty command", err, errsz);
	if (s->command_timeout && !parse_uint(s->command_timeout, 1, MAX_COMMAND_TIMEOUT, &o->timeout_s))
		return bad(cfg, "alert.command_timeout", "expected seconds, 1 .. 3600", err, errsz);
	if (s->min_severity && (o->min_sev = severity_parse(s->min_severity)) < 0)
		return bad(cfg, "alert.min_severity", "expected info, low, medium, high or critical", err, errsz);
	if (s->fold_window && !parse_uint(s->fold_window, 0, MAX_FOLD_WINDOW, &o->window_s))
		return bad(cfg, "alert.fold_window", "expected seconds, 0 .. 604800", err, errsz);
	return true;
}

static void dispatch(void *ctx, json_t *alert)
{
	struct alerter *a = ctx;
	for (size_t i = 0; i < a->n_outs; i++)
		if (a->outs[i]->send(a->outs[i], alert) != 0)
			a->stats.send_errors++;
	if (a->sink)
		a->sink(a->sink_ctx, alert);
}

static bool add_out(struct alerter *a, struct alert_out *o, char *err, size_t errsz)
{
	if (!o) {
		if (!*err)
			snprintf(err, errsz, "out of memory");
		return false;
	}
	a->outs[a->n_outs++] = o;
	return true;
}

/* Opens the enabled outputs. */
static bool open_outputs(struct alerter *a, struct config *cfg, const struct alert_settings *s,
			 const struct alert_opts *o, char *err, size_t errsz)
{
	if (errsz)
		err[0] = '\0';
	if (o->use_stdout && !add_out(a, out_stdout_new(stdout), err, errsz))
		return false;
	if (o->use_syslog) {
		struct syslog_opts so = {s->syslog_socket, s->syslog_udp, o->facility, cfg->lang};
		if (!add_out(a, out_syslog_new(&so, err, errsz), err, errsz))
			return false;
	}
	if (s->command && !add_out(a, out_command_new(s->command, (unsigned)o->timeout_s, err, errsz), err, errsz))
		return false;
	return true;
}

struct alerter *alerter_new(struct config *cfg, char *err, size_t errsz)
{
	struct alert_settings s;
	struct alert_opts o;
	read_settings(cfg, &s);
	if (!check_settings(cfg, &s, &o, err, errsz))
		return NULL;
	struct alerter *a = calloc(1, sizeof *a);
	if (!a) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	a->min_sev = (enum severity)o.min_sev;
	a->fold = fold_new((uint32_t)o.window_s, FOLD_MAX_OPEN, dispatch, a);
	if (!a->fold) {
		snprintf(err, errsz, "out of memory");
		alerter_free(a);
		return NULL;
	}
	if (!open_outputs(a, cfg, &s, &o, err, errsz)) {
		alerter_free(a);
		return NULL;
	}
	return a;
}

void alerter_event(struct alerter *a, const struct event *ev)
{
	if (!a || !ev)
		return;
	a->stats.events++;
	fold_advance(a->fold, ev->ts_us); /* time moves on even for events we ignore */
	if (ev->severity < a->min_sev) {
		a->stats.below_min++;
		return;
	}
	fold_event(a->fold, ev);
}

void alerter_finish(struct alerter *a)
{
	if (a)
		fold_flush(a->fold);
}

void alerter_free(struct alerter *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n_outs; i++)
		a->outs[i]->destroy(a->outs[i]);
	fold_free(a->fold);
	free(a);
}

void alerter_get_stats(const struct alerter *a, struct alert_stats *out)
{
	memset(out, 0, sizeof *out);
	if (!a)
		return;
	*out = a->stats;
	struct fold_stats f;
	fold_get_stats(a->fold, &f);
	out->folded = f.folded;
	out->alerts = f.alerts;
	out->summaries = f.summaries;
	for (size_t i = 0; i < a->n_outs; i++)
		out->command_timeouts += a->outs[i]->timeouts;
}

void alerter_set_sink(struct alerter *a, void (*fn)(void *ctx, json_t *alert), void *ctx)
{
	if (!a)
		return;
	a->sink = fn;
	a->sink_ctx = ctx;
}
