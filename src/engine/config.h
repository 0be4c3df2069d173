/* config.h - koban's configuration file: `key = value` lines, `#` comments.
 * Every key, its default and its meaning are documented in docs/config.md
 * and in the example file data/koban.conf. Unknown keys are an error (a typo
 * must not silently leave a default in place). */
#ifndef KOBAN_CONFIG_H
#define KOBAN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/addr.h"

#define CONFIG_MAX_NETS 32
#define CONFIG_MAX_PARAMS 128

/* A `<module>.<key> = value` setting (detector thresholds, alert outputs).
 * The module that owns the prefix reads it; any left unread is an error. */
struct config_param {
	char key[64];
	char value[448];
	unsigned line;
	bool used;
};

struct config {
	struct kprefix local_nets[CONFIG_MAX_NETS]; /* local_networks; empty = infer */
	size_t n_local_nets;
	uint32_t flow_memory_kb;       /* flow_memory_kb: memory for the flow table (default 65536 = 64 MiB) */
	uint32_t tcp_idle_timeout_s;   /* tcp_idle_timeout: seconds (default 300) */
	uint32_t udp_idle_timeout_s;   /* udp_idle_timeout: seconds (default 60) */
	uint32_t other_idle_timeout_s; /* other_idle_timeout: ICMP etc. (default 30) */
	uint32_t stream_slots;         /* stream_slots: per-flow dissector states (default 256 x 16 KiB) */
	uint32_t max_devices;          /* max_devices: local devices + remote hosts kept (default 65536) */
	char log_key[256];             /* log_key: secret keying the event log's hash chain ("" = unkeyed SHA-256) */
	char lang[3];                  /* lang: "en" or "ja" (default "en") */
	uint32_t hash_inputs_kb;       /* hash_inputs: "full" (0), "none" (UINT32_MAX) or KiB hashed from the
				        * start of each capture for the run record (default 1024) */
	char detectors[256];           /* detectors: "all" (default), "none", or a comma list of names */
	char path[256];                /* the file loaded, for messages ("" = defaults only) */
	struct config_param params[CONFIG_MAX_PARAMS];
	size_t n_params;
};

void config_defaults(struct config *c);
/* Loads PATH over the defaults. On error returns false with a message
 * naming the file, line and problem in err. */
bool config_load(struct config *c, const char *path, char *err, size_t errsz);

/* The value of a dotted parameter (marks it used), or NULL if not set. */
const char *config_param(struct config *c, const char *key);
/* After every module has read its parameters: false, with a message naming
 * the first one nobody knows, if any parameter was left unread. */
bool config_check_unused(const struct config *c, char *err, size_t errsz);

#endif
