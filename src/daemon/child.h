/* child.h - state of the engine child shared by child.c (engine, store,
 * messages) and child_mud.c (reports of traffic a MUD profile does not
 * permit). Not used outside src/daemon/. */
#ifndef KOBAN_CHILD_H
#define KOBAN_CHILD_H

#include <stdio.h>

#include "alert/alert.h"
#include "daemon/daemon.h"
#include "daemon/ipc.h"
#include "engine/engine.h"
#include "enforce/mud.h"
#include "store/store.h"

#define CHILD_MAX_MUD 64
#define CHILD_RATE_SLOTS 1024

struct child_mud {
	uint8_t mac[6];
	bool enforced;
	struct mud_policy *p;
};

struct child {
	int fd;
	struct config cfg;
	struct engine *eng;
	struct store *store;
	struct alerter *alerts;
	struct intel *intel;
	FILE *jsonl;
	uint64_t *dev_sig;          /* identity signature per inventory index */
	size_t n_sig;
	struct child_mud mud[CHILD_MAX_MUD];
	size_t n_mud;
	struct kprefix local[CONFIG_MAX_NETS + 8];
	size_t n_local;
	uint64_t rate_key[CHILD_RATE_SLOTS], rate_ts[CHILD_RATE_SLOTS];
	uint64_t mud_violations;
	uint64_t write_errors;
	uint64_t last_ts_us;
};

/* child.c: records an event (store, events.jsonl, alerts, the parent). */
void child_event(struct child *c, const struct event *ev);

/* child_mud.c */
void child_mud_set(struct child *c, const char *json, size_t len);
void child_mud_packet(struct child *c, int linktype, uint64_t ts_us, const uint8_t *data, uint32_t caplen);
void child_mud_free(struct child *c);

#endif
