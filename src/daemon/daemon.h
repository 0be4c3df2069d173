/* daemon.h - `koban watch`, the live gateway daemon.
 *
 * A small privileged parent (root) owns the capture handles (libpcap, one
 * per watched interface), the nftables tables of koban, the control socket
 * and the metrics listener. It forks the engine child, which sandboxes
 * itself (chroot into its state directory, a uid/gid of its own, no
 * capabilities, no_new_privs, a seccomp allow-list) before it reads any
 * packet, and then runs the same engine, detectors, store and alerts as
 * `koban analyze`. Frames go to the child and events, device identities and
 * counters come back over one socketpair (ipc.h). Events may trigger
 * automatic actions (enforce.auto.<kind>), which the parent applies with
 * nftables; operators act through `koban ctl`. If the child dies the parent
 * restarts it and, meanwhile, applies the configured fail mode: `open`
 * (traffic flows unwatched; rules already in place stay) or `closed`
 * (nothing is forwarded to or from the watched interfaces). See
 * docs/gateway.md. */
#ifndef KOBAN_DAEMON_H
#define KOBAN_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "engine/config.h"
#include "enforce/enforce.h"

#define DAEMON_MAX_IFACES 8
#define DAEMON_MAX_AUTO 32

struct daemon_auto {
	char kind[32];           /* event kind */
	enum enf_kind action;
};

/* The daemon's own keys (docs/gateway.md lists them with their defaults). */
struct daemon_cfg {
	char ifaces[DAEMON_MAX_IFACES][16]; /* daemon.interfaces */
	size_t n_ifaces;
	char state_dir[256];     /* daemon.state_dir (/var/lib/koban) */
	uid_t uid;               /* daemon.uid: the engine's numeric uid (65534) */
	gid_t gid;               /* daemon.gid (65534) */
	bool fail_closed;        /* daemon.fail_mode = open | closed (open) */
	uint32_t snaplen;        /* daemon.snaplen (65535) */
	uint32_t buffer_mb;      /* daemon.buffer_mb: kernel capture buffer per interface (32) */
	bool sandbox;            /* daemon.sandbox (yes): no only for debugging */
	uint32_t restart_ms;     /* daemon.restart_delay_ms: wait before restarting the engine (500) */
	char ctl_path[108];      /* ctl.socket (/run/koban/ctl.sock) */
	gid_t ctl_gid;           /* ctl.gid: the group allowed besides root (0 = root only) */
	char metrics_listen[64]; /* metrics.listen (127.0.0.1:9465; "off") */
	enum enf_mode mode[ENF__COUNT]; /* enforce.<action> = monitor | enforce (monitor) */
	struct daemon_auto autos[DAEMON_MAX_AUTO]; /* enforce.auto.<event-kind> = <action> */
	size_t n_autos;
	bool keep_rules;         /* enforce.keep_on_exit (no): leave the tables when stopping */
	char mud_dir[256];       /* mud.dir (/etc/koban/mud) */
	bool mud_fetch;          /* mud.fetch (no) */
	char mud_ca[256];        /* mud.ca_file: the CA that signs MUD files */
	char mud_tls_ca[256];    /* mud.tls_ca_file: CAs for MUD servers ("" = the system's) */
	uint32_t mud_timeout_s;  /* mud.timeout (5) */
};

/* Reads the daemon's keys from c (marking them used); false with a
 * message on a bad value. */
bool daemon_cfg_read(struct config *c, struct daemon_cfg *d, char *err, size_t errsz);

/* The local networks for lan-only and MUD: the configured ones, else the
 * private ranges. Returns the count written to out (at most max). */
size_t daemon_local_nets(const struct config *c, struct kprefix *out, size_t max);

/* ---- the engine child (child.c) ---- */

struct child_args {
	const struct config *cfg;
	const struct daemon_cfg *dc;
	int fd;                  /* the child's end of the socketpair */
	char *const *indicators; /* extra indicator files */
	size_t n_indicators;
};

/* Runs the engine child; never returns. */
void child_main(const struct child_args *a) __attribute__((noreturn));

/* ---- sandbox.c ---- */

/* chroot into dir, chdir /, drop supplementary groups, set gid and uid,
 * clear the capability bounding set, set no_new_privs. */
int sandbox_enter(const char *dir, uid_t uid, gid_t gid, char *err, size_t errsz);
/* Loads the engine's seccomp allow-list. */
int sandbox_seccomp(char *err, size_t errsz);

/* ---- the parent (parent.c) ---- */

struct watch_opts {
	const char *config_path;
	char *const *indicators;
	size_t n_indicators;
};

/* Runs the daemon in the foreground until SIGTERM/SIGINT. Returns the exit
 * status. */
int daemon_run(const struct watch_opts *o);

#endif
