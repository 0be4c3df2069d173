/* run.c - one survey: discovery, the port scan (SYN for IPv4 targets when
 * audit.scan allows and CAP_NET_RAW is held, connect() for the rest), then the services of every
 * host checked by a pool of worker threads (audit.workers), at most
 * audit.per_host tasks on one host at a time. Afterwards a certificate seen
 * on more than one device is marked as shared. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "audit/net.h"
#include "audit/ports.h"
#include "audit/service.h"
#include "audit/syn.h"

struct task {
	size_t host;
	int svc;        /* index into the host's services, or -1 for the UPnP probe */
	bool taken;
};

struct pool {
	struct audit_run *run;
	struct task *tasks;
	size_t n, first_open;
	unsigned *active;   /* per host */
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

/* Takes the next task whose host is below its limit; NULL when none is left. */
static struct task *take(struct pool *p)
{
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (p->first_open < p->n && p->tasks[p->first_open].taken)
			p->first_open++;
		if (p->first_open == p->n) {
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		for (size_t i = p->first_open; i < p->n; i++) {
			struct task *t = &p->tasks[i];
			if (!t->taken && p->active[t->host] < p->run->opts->per_host) {
				t->taken = true;
				p->active[t->host]++;
				pthread_mutex_unlock(&p->mu);
				return t;
			}
		}
		pthread_cond_wait(&p->cv, &p->mu);
	}
}

static void done(struct pool *p, struct task *t)
{
	pthread_mutex_lock(&p->mu);
	p->active[t->host]--;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	struct task *t;
	while ((t = take(p))) {
		struct audit_host *h = &p->run->hosts[t->host];
		if (t->svc < 0)
			upnp_probe(p->run->opts, h);
		else
			service_check(p->run->opts, p->run->creds, &h->ip, &h->svc[t->svc]);
		done(p, t);
	}
	return NULL;
}

static size_t make_tasks(struct audit_run *run, struct task *tasks)
{
	size_t n = 0;
	for (size_t i = 0; i < run->n_hosts; i++) {
		struct audit_host *h = &run->hosts[i];
		if (!h->up)
			continue;
		for (size_t s = 0; s < h->n_svc; s++)
			tasks[n++] = (struct task){.host = i, .svc = (int)s};
		tasks[n++] = (struct task){.host = i, .svc = -1};
	}
	return n;
}

static int check_services(struct audit_run *run)
{
	size_t max = 0;
	for (size_t i = 0; i < run->n_hosts; i++)
		max += run->hosts[i].up ? run->hosts[i].n_svc + 1 : 0;
	struct pool p = {.run = run};
	p.tasks = calloc(max ? max : 1, sizeof *p.tasks);
	p.active = calloc(run->n_hosts ? run->n_hosts : 1, sizeof *p.active);
	if (!p.tasks || !p.active) {
		free(p.tasks);
		free(p.active);
		return -1;
	}
	p.n = make_tasks(run, p.tasks);
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	size_t nw = run->opts->workers < p.n ? run->opts->workers : p.n;
	pthread_t *th = calloc(nw ? nw : 1, sizeof *th);
	size_t started = 0;
	for (size_t i = 0; th && i < nw; i++)
		started += pthread_create(&th[started], NULL, worker, &p) == 0;
	if (started == 0)
		worker(&p);
	for (size_t i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	free(th);
	pthread_mutex_destroy(&p.mu);
	pthread_cond_destroy(&p.cv);
	free(p.tasks);
	free(p.active);
	return 0;
}

/* One certificate (and so one private key) on several devices. */
static void mark_shared_certs(struct audit_run *run)
{
	for (size_t i = 0; i < run->n_hosts; i++)
		for (size_t s = 0; s < run->hosts[i].n_svc; s++) {
			struct tls_facts *a = &run->hosts[i].svc[s].tls;
			if (!a->sha256[0])
				continue;
			for (size_t j = 0; j < run->n_hosts && !a->shared; j++)
				for (size_t u = 0; j != i && u < run->hosts[j].n_svc; u++)
					if (!strcmp(run->hosts[j].svc[u].tls.sha256, a->sha256))
						a->shared = true;
		}
}

/* The port survey: with a raw socket (audit.scan syn or auto, CAP_NET_RAW)
 * IPv4 hosts get the SYN scan and IPv6 hosts the connect scan; otherwise
 * every host the connect scan. list is reordered (IPv4 first). */
static int scan_ports(struct audit_run *run, size_t *list, size_t n)
{
	int fd = run->opts->scan == AUDIT_SCAN_CONNECT ? -1 : syn_socket();
	if (fd < 0 && run->opts->scan == AUDIT_SCAN_SYN) {
		fprintf(stderr, "koban: --scan syn needs CAP_NET_RAW (use --scan connect or auto)\n");
		return -1;
	}
	if (fd < 0) {
		if (run->verbose && run->opts->scan == AUDIT_SCAN_AUTO)
			fprintf(stderr, "koban: no CAP_NET_RAW: connect scan\n");
		snprintf(run->stats.scan, sizeof run->stats.scan, "connect");
		return ports_scan(run, list, n);
	}
	size_t n4 = 0;
	for (size_t i = 0; i < n; i++)
		if (run->hosts[list[i]].ip.family == KADDR_V4) {
			size_t t = list[n4];
			list[n4++] = list[i];
			list[i] = t;
		}
	snprintf(run->stats.scan, sizeof run->stats.scan, n4 == n ? "syn" : n4 ? "syn+connect" : "connect");
	if (syn_scan(run, list, n4, fd) != 0)
		return -1;
	return ports_scan(run, list + n4, n - n4);
}

int audit_run_all(struct audit_run *run)
{
	uint64_t t0 = audit_now_us();
	net_rate_set(run->opts->rate_pps);
	bool *skip = calloc(run->n_hosts ? run->n_hosts : 1, sizeof *skip);
	size_t *list = calloc(run->n_hosts ? run->n_hosts : 1, sizeof *list);
	if (!skip || !list) {
		free(skip);
		free(list);
		return -1;
	}
	if (run->opts->discover && discover_hosts(run, skip) > 0 && run->verbose)
		fprintf(stderr, "koban: no CAP_NET_RAW: no ARP discovery, every target is scanned\n");
	size_t n = 0;
	for (size_t i = 0; i < run->n_hosts; i++)
		if (!skip[i])
			list[n++] = i;
	int rc = scan_ports(run, list, n);
	if (rc == 0)
		rc = check_services(run);
	mark_shared_certs(run);
	run->stats.hosts_targeted = (unsigned)run->n_hosts;
	for (size_t i = 0; i < run->n_hosts; i++) {
		run->stats.hosts_up += run->hosts[i].up;
		for (size_t s = 0; s < run->hosts[i].n_svc; s++)
			run->stats.logins_tried += run->hosts[i].svc[s].login.attempts;
	}
	run->stats.wall_us = audit_now_us() - t0;
	free(skip);
	free(list);
	return rc;
}
