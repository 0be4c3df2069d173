/* audit.h - `koban audit`: an active survey of the networks its user is
 * responsible for (key points 4, 12, 15, 21; NOTICE-style login checks).
 *
 * The pieces, one file each in src/audit:
 *   scope.c     which targets may be touched at all (private, link-local, ULA,
 *               the configured scope; anything else only with --authorized and
 *               a scope file)
 *   discover.c  host discovery: ARP on the local segment (AF_PACKET, needs
 *               CAP_NET_RAW), ICMP echo
 *   ports.c     non-blocking connect scan with epoll, global rate limit,
 *               per-host concurrency limit
 *   syn.c       the half-open SYN scan of IPv4 targets with CAP_NET_RAW
 *               (same limits, same open-port list)
 *   banner_*.c  parsers of what services answer (pure functions, fuzzed)
 *   creds_*.c   login checks with the credential list, paced and bounded
 *   service.c   one open port: identify, read its banner, check its login
 *   run.c       the whole survey, worker threads for the services
 *   findings.c  results -> events (default-credential, no-authentication, ...)
 *   notify.c    a per-device notice for the administrator (ja, en)
 *
 * Doing no harm: a successful login is closed at once and nothing is sent
 * after it; at most audit.max_attempts login attempts per service, one at a
 * time, audit.attempt_interval apart. */
#ifndef KOBAN_AUDIT_H
#define KOBAN_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/addr.h"

#define AUDIT_MAX_PORTS 64       /* ports surveyed per host */
#define AUDIT_MAX_HOSTS 65536    /* addresses one run may cover */
#define AUDIT_MAX_SCOPES 64
#define AUDIT_MAX_CREDS 1024

/* How ports are surveyed (audit.scan, --scan). */
enum audit_scan {
	AUDIT_SCAN_AUTO = 0, /* SYN for IPv4 targets when CAP_NET_RAW is held, else connect */
	AUDIT_SCAN_SYN,      /* SYN for IPv4 targets; refused without CAP_NET_RAW */
	AUDIT_SCAN_CONNECT,  /* connect() only */
};
const char *audit_scan_name(enum audit_scan m);
bool audit_scan_parse(const char *s, enum audit_scan *m);

/* ---- options (audit.* keys of the configuration file, docs/audit.md) ---- */
struct audit_opts {
	unsigned max_attempts;        /* audit.max_attempts: login attempts per service (10) */
	unsigned attempt_interval_ms; /* audit.attempt_interval: ms between attempts on one service (1000) */
	unsigned rate_pps;            /* audit.rate / --rate: new connections (and probes) per second (200) */
	unsigned per_host;            /* audit.per_host: concurrent connections per host (4) */
	unsigned connect_timeout_ms;  /* audit.connect_timeout (1500) */
	unsigned io_timeout_ms;       /* audit.io_timeout: waiting for an answer (3000) */
	unsigned workers;             /* audit.workers: services checked in parallel (16) */
	bool discover;                /* audit.discover: ARP/ICMP before the port scan (yes) */
	bool logins;                  /* audit.logins: try credentials at all (yes) */
	enum audit_scan scan;         /* audit.scan / --scan (auto) */
	uint16_t ports[AUDIT_MAX_PORTS]; /* audit.ports: TCP ports surveyed */
	size_t n_ports;
};

struct config;
void audit_opts_defaults(struct audit_opts *o);
/* Reads the audit.* parameters of cfg. False with a message on a bad value. */
bool audit_opts_load(struct audit_opts *o, struct config *cfg, char *err, size_t errsz);
/* Parses "23,80,8000-8010" into o->ports. */
bool audit_ports_parse(struct audit_opts *o, const char *s, char *err, size_t errsz);

/* ---- scope (scope.c) ---- */
struct audit_scope {
	struct kprefix nets[AUDIT_MAX_SCOPES];   /* --scope: targets must lie inside one of them */
	size_t n_nets;
	struct kprefix authorized[AUDIT_MAX_SCOPES * 4]; /* --scope-file entries */
	size_t n_authorized;
	bool authorized_flag;                    /* --authorized given */
};

/* RFC 1918, 169.254/16, fc00::/7, fe80::/10 (not the ISP's shared 100.64/10). */
bool scope_is_own_range(const struct kprefix *p);
/* Adds a --scope CIDR. False (with the reason) when it is malformed, or is
 * outside the private ranges and not covered by the scope file with
 * --authorized. */
bool scope_add(struct audit_scope *s, const char *cidr, char *why, size_t whysz);
/* Reads a scope file: one CIDR or address a line, '#' comments. */
bool scope_load_file(struct audit_scope *s, const char *path, char *err, size_t errsz);
/* An address ("192.168.1.5", a /32 or /128) or a CIDR prefix. */
bool scope_parse_target(struct kprefix *p, const char *s);
/* May this target (an address or a prefix) be surveyed? False with the reason. */
bool scope_allows(const struct audit_scope *s, const struct kprefix *t, char *why, size_t whysz);
/* Appends the addresses of t (network and broadcast addresses of IPv4
 * prefixes shorter than /31 left out) to out, at most max in all. IPv6
 * prefixes are expanded only down to /112. Returns false when too many. */
bool scope_expand(const struct kprefix *t, struct kaddr *out, size_t *n, size_t max);

/* ---- credentials (credlist.c): the list that is tried, in order ---- */
struct audit_cred {
	char *user, *pass;
	unsigned entry;               /* 1-based number in the file, what events cite */
};
struct audit_creds {
	struct audit_cred *v;
	size_t n;
	char path[256];
};
/* The data/default-credentials format (user TAB password TAB source). */
bool creds_parse(struct audit_creds *c, const char *buf, size_t len, char *err, size_t errsz);
bool creds_load(struct audit_creds *c, const char *path, char *err, size_t errsz);
void creds_free(struct audit_creds *c);

/* ---- what the survey learns ---- */
enum svc_proto {
	SVC_UNKNOWN = 0, SVC_TELNET, SVC_SSH, SVC_FTP, SVC_HTTP, SVC_HTTPS, SVC_RTSP, SVC_MQTT, SVC_MQTTS,
};
const char *svc_name(enum svc_proto p);
/* What the port usually carries (the probe order starts there). */
enum svc_proto svc_guess(uint16_t port);

enum login_state {
	LOGIN_NOT_TRIED = 0,
	LOGIN_NO_AUTH,      /* the service gave access without any credential */
	LOGIN_FOUND,        /* a pair of the list was accepted (and the session closed at once) */
	LOGIN_REFUSED,      /* every pair tried was refused */
	LOGIN_INCONCLUSIVE, /* the answers could not be read as yes or no */
};

struct login_result {
	enum login_state state;
	unsigned attempts;  /* login attempts sent (each one connection or one request) */
	unsigned entry;     /* LOGIN_FOUND: the list entry */
	char user[64];
	char method[24];    /* "password", "basic", "digest", "anonymous", "none" ... */
	char path[128];     /* HTTP: the protected path */
	uint64_t first_us, last_us; /* monotonic times of the first and last attempt */
};

struct tls_facts {
	bool present;
	bool self_signed, expired, not_yet_valid, weak_key, shared;
	int key_bits;
	char key_type[8];     /* "RSA", "EC", "DSA" ... */
	char version[12];     /* negotiated protocol, "TLSv1.3" */
	char sha256[65];      /* certificate fingerprint */
	char subject[160], issuer[160];
	char not_after[32];
};

struct http_facts {
	int status;
	char server[128];
	char title[128];
	char auth_scheme[16];  /* "Basic", "Digest" */
	char realm[96];
	char auth_path[96];    /* the path that asked for a login */
};

struct audit_service {
	uint16_t port;
	enum svc_proto proto;
	char banner[256];      /* sanitised first words of the service (or Server: header) */
	struct http_facts http;
	struct tls_facts tls;
	struct login_result login;
};

struct audit_host {
	struct kaddr ip;
	bool has_mac;
	uint8_t mac[6];
	bool up;
	char seen_by[24];      /* "arp", "icmp", "tcp" */
	struct audit_service svc[AUDIT_MAX_PORTS];
	size_t n_svc;
	char upnp_location[256], upnp_server[160];
	char manufacturer[128], model[128], firmware[96];
};

/* ---- the run (run.c) ---- */
struct audit_stats {
	unsigned hosts_targeted, hosts_up, ports_open, connects, syn_sent, logins_tried;
	char scan[16];        /* what surveyed the ports: "syn", "connect", "syn+connect" */
	uint64_t wall_us;
};

struct audit_run {
	const struct audit_opts *opts;
	const struct audit_creds *creds;
	struct audit_host *hosts;
	size_t n_hosts;
	struct audit_stats stats;
	bool verbose;
};

/* Discovers, scans and checks every host of run->hosts (filled in place). */
int audit_run_all(struct audit_run *run);

/* ---- helpers shared by the pieces ---- */
uint64_t audit_now_us(void);          /* CLOCK_MONOTONIC */
void audit_sleep_ms(unsigned ms);
/* Pacing: waits until at least interval_ms have passed since *last_us
 * (0 = no attempt yet) and stamps *last_us. */
void audit_pace(uint64_t *last_us, unsigned interval_ms);

#endif
