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
};

void config_defaults(struct config *c);
/* Loads PATH over the defaults. On error returns false with a message
 * naming the file, line and problem in err. */
bool config_load(struct config *c, const char *path, char *err, size_t errsz);

#endif
