/* gw.h - the privileged parent's state, shared by its source files:
 * parent.c (set-up, main loop, signals), capture.c (libpcap), supervise.c
 * (the engine child and its messages), actions.c (containment state,
 * nftables, automatic actions, MUD), ctl.c (control socket), metrics.c
 * (Prometheus). Not used outside src/daemon/. */
#ifndef KOBAN_GW_H
#define KOBAN_GW_H

#include <pcap/pcap.h>
#include <poll.h>
#include <sys/types.h>

#include "daemon/ctlproto.h"
#include "daemon/daemon.h"
#include "daemon/ipc.h"
#include "enforce/enforce.h"
#include "enforce/mud.h"

#define GW_MAX_KINDS 64
#define GW_MAX_DEVS 4096
#define GW_MAX_PENDING 512
#define GW_MAX_CLIENTS 16
#define GW_MAX_FETCH 32

/* A connection to the control socket or the metrics port, read without
 * blocking until its request is whole (or its second is up). */
struct gw_client {
	int fd;
	bool metrics;
	uint64_t deadline_ms;
	size_t n;
	char buf[CTL_MAX_LINE + 2];
};

/* A device waiting for its MUD profile. */
struct gw_fetch {
	uint8_t mac[6];
	char url[256];
};

struct gw_cap {
	pcap_t *p;
	int fd;
	char name[16];
	int linktype;
};

struct gw_dev {
	struct ipc_device d;
	bool mud_checked;        /* its MUD URL was looked up */
};

struct gw_kind_count {
	char kind[32];
	uint64_t n;
};

struct gw {
	struct config cfg;
	struct daemon_cfg dc;
	const struct watch_opts *opts;
	/* capture */
	struct gw_cap caps[DAEMON_MAX_IFACES];
	size_t n_caps;
	struct ipc_batch *batch;
	uint64_t captured, dropped_down, dropped_ipc;
	/* the engine child */
	int child_fd;
	pid_t child_pid;
	bool child_ready;
	uint64_t child_started_ms, restart_at_ms;
	unsigned restarts, quick_deaths;
	struct ipc_stats cstats;
	json_t *pending;         /* action records waiting for the child */
	/* containment */
	struct enf_set acts;
	struct kprefix local[CONFIG_MAX_NETS + 8];
	size_t n_local;
	bool fail_active;        /* fail-closed rules in place */
	char nft_error[256];     /* last failure applying rules ("" = none) */
	struct mud_policy **muds; /* local profiles from mud.dir */
	size_t n_muds;
	/* what the engine reported */
	struct gw_dev *devs;
	size_t n_devs;
	struct gw_kind_count kinds[GW_MAX_KINDS];
	size_t n_kinds;
	uint64_t actions_total[ENF__COUNT][2]; /* [kind][enforced] */
	uint64_t releases;
	uint64_t last_block_us;  /* packet that raised an event -> its automatic rule in place */
	/* the MUD helper (one at a time) and its queue */
	pid_t mud_pid;
	int mud_fd;
	uint8_t mud_mac[6];
	char mud_url[256];
	char *mud_out;
	size_t mud_len;
	struct gw_fetch fetchq[GW_MAX_FETCH];
	size_t n_fetchq;
	/* sockets */
	int sig_fd, ctl_fd, metrics_fd;
	struct gw_client clients[GW_MAX_CLIENTS];
	size_t n_clients;
	bool stop;
};

uint64_t gw_now_ms(void);
void gw_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* capture.c */
int gw_capture_open(struct gw *g, char *err, size_t errsz);
void gw_capture_close(struct gw *g);
/* Reads what is waiting on capture i into the batch (sending full batches). */
void gw_capture_read(struct gw *g, size_t i);
/* Sends the batch now (if the engine is up); drops it if it is down. */
void gw_flush(struct gw *g);
/* Kernel drop counters summed over the interfaces. */
uint64_t gw_capture_drops(struct gw *g);

/* supervise.c */
int gw_child_start(struct gw *g);
void gw_child_reap(struct gw *g);
void gw_child_stop(struct gw *g);
void gw_child_input(struct gw *g);
void gw_child_tick(struct gw *g);

/* actions.c */
int gw_state_load(struct gw *g);
int gw_state_save(struct gw *g);
/* Regenerates and applies koban's tables. Returns 0 or -1 (error kept in g->nft_error). */
int gw_rules_apply(struct gw *g);
void gw_rules_remove(struct gw *g);
/* Adds an action (filling the device's known addresses) and applies it;
 * writes the record to the log. Returns 0 or -1 with a message. */
int gw_act(struct gw *g, struct enf_action *a, char *msg, size_t msgsz);
/* Removes every action on the device. Returns how many. */
size_t gw_release(struct gw *g, const struct enf_device *d, const char *origin);
void gw_on_event(struct gw *g, const struct ipc_event *e);
void gw_on_device(struct gw *g, const struct ipc_device *d);
struct gw_dev *gw_dev_find(struct gw *g, const struct enf_device *d);
void gw_record(struct gw *g, const char *what, const struct enf_action *a, const char *result);
void gw_muds_load(struct gw *g);
void gw_muds_free(struct gw *g);
void gw_mud_to_child(struct gw *g, const struct enf_action *a, bool remove);
/* A device announced a MUD URL: a helper process finds its profile (local,
 * or fetched and verified when allowed) and resolves its names; the result
 * becomes the device's ENF_MUD action (gw_mud_input). */
void gw_mud_for_device(struct gw *g, const struct ipc_device *d);
void gw_mud_input(struct gw *g);
void gw_mud_stop(struct gw *g);

/* ctl.c */
int gw_ctl_open(struct gw *g, char *err, size_t errsz);
void gw_ctl_request(struct gw *g, int fd, const char *line, size_t len);
void gw_ctl_close(struct gw *g);

/* clients.c */
void gw_client_accept(struct gw *g, int listen_fd, bool metrics);
/* Adds the clients' descriptors to p (from index *n). */
void gw_clients_poll(struct gw *g, struct pollfd *p, size_t *n);
/* Serves the clients whose entries (from index base) are ready; closes
 * the ones whose time is up. */
void gw_clients_serve(struct gw *g, const struct pollfd *p, size_t base);
void gw_clients_close(struct gw *g);

/* metrics.c */
int gw_metrics_open(struct gw *g, char *err, size_t errsz);
void gw_metrics_respond(struct gw *g, int fd, const char *req, size_t len);
/* The Prometheus text (caller frees). */
char *gw_metrics_text(struct gw *g);

#endif
