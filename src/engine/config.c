/* config.c - loads koban.conf (`key = value`, `#` comments) over defaults. */
#include "engine/config.h"

#include <ctype.h>
#include <stddef.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	c->flow_memory_kb = 65536;
	c->tcp_idle_timeout_s = 300;
	c->udp_idle_timeout_s = 60;
	c->other_idle_timeout_s = 30;
	c->stream_slots = 256;
	c->max_devices = 65536;
	strcpy(c->lang, "en");
	strcpy(c->detectors, "all");
	c->hash_inputs_kb = 1024;
}

static const char *config_set_param(struct config *c, const char *key, const char *val, unsigned line)
{
	if (strlen(key) >= sizeof c->params[0].key || strlen(val) >= sizeof c->params[0].value)
		return "key or value too long";
	for (size_t i = 0; i < c->n_params; i++) {
		if (strcmp(c->params[i].key, key) == 0) {
			strcpy(c->params[i].value, val);
			c->params[i].line = line;
			return NULL;
		}
	}
	if (c->n_params == CONFIG_MAX_PARAMS)
		return "too many settings";
	struct config_param *p = &c->params[c->n_params++];
	strcpy(p->key, key);
	strcpy(p->value, val);
	p->line = line;
	p->used = false;
	return NULL;
}

const char *config_param(struct config *c, const char *key)
{
	for (size_t i = 0; i < c->n_params; i++) {
		if (strcmp(c->params[i].key, key) == 0) {
			c->params[i].used = true;
			return c->params[i].value;
		}
	}
	return NULL;
}

bool config_check_unused(const struct config *c, char *err, size_t errsz)
{
	for (size_t i = 0; i < c->n_params; i++) {
		if (!c->params[i].used) {
			snprintf(err, errsz, "%s:%u: %s: unknown key", c->path[0] ? c->path : "config",
				 c->params[i].line, c->params[i].key);
			return false;
		}
	}
	return true;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static bool parse_u32(const char *v, uint32_t min, uint32_t max, uint32_t *out)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);
	if (errno || end == v || *end || n < min || n > max || v[0] == '-')
		return false;
	*out = (uint32_t)n;
	return true;
}

static bool parse_networks(struct config *c, char *v)
{
	c->n_local_nets = 0;
	for (char *save = NULL, *tok = strtok_r(v, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
		if (c->n_local_nets == CONFIG_MAX_NETS || !kprefix_parse(&c->local_nets[c->n_local_nets], tok))
			return false;
		c->n_local_nets++;
	}
	return true;
}

struct u32_key {
	const char *name;
	size_t offset;
	uint32_t min, max;
};

static const struct u32_key u32_keys[] = {
	{"flow_memory_kb", offsetof(struct config, flow_memory_kb), 64, 16u * 1024 * 1024},
	{"tcp_idle_timeout", offsetof(struct config, tcp_idle_timeout_s), 1, 86400},
	{"udp_idle_timeout", offsetof(struct config, udp_idle_timeout_s), 1, 86400},
	{"other_idle_timeout", offsetof(struct config, other_idle_timeout_s), 1, 86400},
	{"stream_slots", offsetof(struct config, stream_slots), 0, 65536},
	{"max_devices", offsetof(struct config, max_devices), 16, 10000000},
};

/* Applies one key; returns NULL or a description of what is wrong. */
static const char *config_set(struct config *c, const char *key, char *val, unsigned line)
{
	if (strchr(key, '.'))
		return config_set_param(c, key, val, line);
	for (size_t i = 0; i < sizeof u32_keys / sizeof u32_keys[0]; i++) {
		if (strcmp(key, u32_keys[i].name) == 0)
			return parse_u32(val, u32_keys[i].min, u32_keys[i].max,
					 (uint32_t *)((char *)c + u32_keys[i].offset))
				       ? NULL
				       : "value out of range or not a number";
	}
	if (strcmp(key, "local_networks") == 0)
		return parse_networks(c, val) ? NULL : "expected a list of prefixes such as 192.168.1.0/24";
	if (strcmp(key, "log_key") == 0) {
		if (strlen(val) >= sizeof c->log_key)
			return "log_key is too long (at most 255 characters)";
		strcpy(c->log_key, val);
		return NULL;
	}
	if (strcmp(key, "hash_inputs") == 0) {
		if (strcmp(val, "full") == 0)
			c->hash_inputs_kb = 0;
		else if (strcmp(val, "none") == 0)
			c->hash_inputs_kb = UINT32_MAX;
		else if (!parse_u32(val, 1, 16u * 1024 * 1024, &c->hash_inputs_kb))
			return "expected full, none, or a size in KiB";
		return NULL;
	}
	if (strcmp(key, "detectors") == 0) {
		if (strlen(val) >= sizeof c->detectors)
			return "list too long";
		strcpy(c->detectors, val);
		return NULL;
	}
	if (strcmp(key, "lang") == 0) {
		if (strcmp(val, "en") != 0 && strcmp(val, "ja") != 0)
			return "lang must be en or ja";
		strcpy(c->lang, val);
		return NULL;
	}
	return "unknown key";
}

bool config_load(struct config *c, const char *path, char *err, size_t errsz)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return false;
	}
	char line[1024];
	unsigned lineno = 0;
	snprintf(c->path, sizeof c->path, "%s", path);
	bool ok = true;
	while (ok && fgets(line, sizeof line, f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(err, errsz, "%s:%u: line too long", path, lineno);
			ok = false;
			break;
		}
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *s = trim(line);
		if (!*s)
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, errsz, "%s:%u: expected key = value", path, lineno);
			ok = false;
			break;
		}
		*eq = '\0';
		char *key = trim(s), *val = trim(eq + 1);
		const char *why = config_set(c, key, val, lineno);
		if (why) {
			snprintf(err, errsz, "%s:%u: %s: %s", path, lineno, key, why);
			ok = false;
		}
	}
	fclose(f);
	return ok;
}
