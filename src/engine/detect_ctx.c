/* detect_ctx.c - runs the detectors inside the engine: creates the enabled
 * ones with their parameters, dispatches the engine's hooks to them, and
 * offers them the services declared in detect/detector.h. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "detect/detector.h"
#include "engine/engine_internal.h"

struct detect_ctx {
	struct engine *e;
	const char *prefix;
};

static bool detector_enabled(const char *list, const char *name)
{
	if (strcmp(list, "all") == 0)
		return true;
	if (strcmp(list, "none") == 0 || !*list)
		return false;
	size_t n = strlen(name);
	for (const char *p = list; *p;) {
		while (*p == ',' || *p == ' ')
			p++;
		size_t len = strcspn(p, ", ");
		if (len == n && strncmp(p, name, n) == 0)
			return true;
		p += len;
	}
	return false;
}

int engine_detectors_init(struct engine *e, char *err, size_t errsz)
{
	for (size_t i = 0; i < detector_count && e->n_detectors < ENGINE_MAX_DETECTORS; i++) {
		const struct detector *d = detector_table[i];
		if (!detector_enabled(e->cfg.detectors, d->name))
			continue;
		struct detector_slot *s = &e->detectors[e->n_detectors];
		s->ctx = calloc(1, sizeof *s->ctx);
		if (!s->ctx) {
			snprintf(err, errsz, "out of memory");
			return -1;
		}
		s->ctx->e = e;
		s->ctx->prefix = d->name;
		s->det = d;
		s->state = d->create(s->ctx, err, errsz);
		if (!s->state) {
			free(s->ctx);
			return -1;
		}
		e->n_detectors++;
	}
	return 0;
}

void engine_detectors_free(struct engine *e)
{
	for (size_t i = 0; i < e->n_detectors; i++) {
		e->detectors[i].det->destroy(e->detectors[i].state);
		free(e->detectors[i].ctx);
	}
	e->n_detectors = 0;
}

#define DISPATCH(e, hook, ...)                                                          \
	for (size_t i_ = 0; i_ < (e)->n_detectors; i_++) {                                \
		struct detector_slot *s_ = &(e)->detectors[i_];                           \
		if (s_->det->hook)                                                        \
			s_->det->hook(s_->state, s_->ctx, __VA_ARGS__);                   \
	}

void detect_dispatch_packet(struct engine *e, const struct detect_packet *dp)
{
	DISPATCH(e, on_packet, dp);
}

void detect_dispatch_flow_end(struct engine *e, const struct flow *f)
{
	DISPATCH(e, on_flow_end, f);
}

void detect_dispatch_login(struct engine *e, const struct detect_login *l)
{
	DISPATCH(e, on_login, l);
}

void detect_dispatch_dns(struct engine *e, const struct detect_dns *q)
{
	DISPATCH(e, on_dns, q);
}

void detect_dispatch_device(struct engine *e, struct device *d, uint64_t ts_us)
{
	DISPATCH(e, on_device, d, ts_us);
}

void detect_dispatch_finish(struct engine *e, uint64_t ts_us)
{
	DISPATCH(e, on_finish, ts_us);
}

/* ---- services for detectors ---- */

static const char *param(struct detect_ctx *ctx, const char *key)
{
	char full[128];
	snprintf(full, sizeof full, "%s.%s", ctx->prefix, key);
	return config_param(&ctx->e->cfg, full);
}

uint32_t detect_param_u32(struct detect_ctx *ctx, const char *key, uint32_t def, bool *ok)
{
	const char *v = param(ctx, key);
	if (!v)
		return def;
	char *end;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);
	if (errno || end == v || *end || v[0] == '-' || n > UINT32_MAX) {
		*ok = false;
		return def;
	}
	return (uint32_t)n;
}

double detect_param_double(struct detect_ctx *ctx, const char *key, double def, bool *ok)
{
	const char *v = param(ctx, key);
	if (!v)
		return def;
	char *end;
	double d = strtod(v, &end);
	if (end == v || *end || !isfinite(d) || d < 0) {
		*ok = false;
		return def;
	}
	return d;
}

bool detect_param_bool(struct detect_ctx *ctx, const char *key, bool def, bool *ok)
{
	const char *v = param(ctx, key);
	if (!v)
		return def;
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1") || !strcasecmp(v, "on"))
		return true;
	if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcmp(v, "0") || !strcasecmp(v, "off"))
		return false;
	*ok = false;
	return def;
}

const char *detect_param_str(struct detect_ctx *ctx, const char *key, const char *def)
{
	const char *v = param(ctx, key);
	return v ? v : def;
}

void detect_event_init(struct event *ev, const char *kind, enum severity sev, const struct device *dev,
		       const struct kaddr *dev_ip, uint64_t ts_us)
{
	event_init(ev, kind, sev, dev, dev_ip, ts_us);
}

void detect_event_key_points(struct event *ev, const uint8_t *kps, size_t n)
{
	for (size_t i = 0; i < n && ev->n_key_points < EVENT_MAX_KEY_POINTS; i++)
		ev->key_points[ev->n_key_points++] = kps[i];
}

void detect_emit(struct detect_ctx *ctx, struct event *ev)
{
	event_emit(ctx->e, ev);
}

bool detect_is_local(struct detect_ctx *ctx, const struct kaddr *ip)
{
	return engine_ip_is_local(ctx->e, ip);
}

struct device *detect_device_by_ip(struct detect_ctx *ctx, const struct kaddr *ip)
{
	return inventory_by_ip(ctx->e->inv, ip);
}

const char *detect_name_of(struct detect_ctx *ctx, const struct kaddr *ip)
{
	return inventory_name_get(ctx->e->inv, ip);
}

struct intel *detect_intel(struct detect_ctx *ctx)
{
	return ctx->e->intel;
}
