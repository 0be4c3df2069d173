/* capture.c - live capture in the privileged parent: one libpcap handle per
 * watched interface (non-blocking, a kernel buffer of daemon.buffer_mb;
 * frames are handed over in blocks at least every CAPTURE_TIMEOUT_MS, so a
 * busy link costs one wake-up per block, not per frame), read in the main loop and passed on to the engine in
 * batches of up to IPC_BATCH_BYTES. When the engine cannot take more, the
 * parent stops reading and the kernel buffer absorbs the burst; what it
 * cannot hold is counted by the kernel as drops (koban_capture_drops). */
#include <stdio.h>
#include <string.h>

#include "daemon/gw.h"

#define CAPTURE_TIMEOUT_MS 20

static pcap_t *open_one(const struct gw *g, const char *name, char *err, size_t errsz)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_create(name, ebuf);
	if (!p) {
		snprintf(err, errsz, "capture on %s: %s", name, ebuf);
		return NULL;
	}
	pcap_set_snaplen(p, (int)g->dc.snaplen);
	pcap_set_promisc(p, 1);
	pcap_set_timeout(p, CAPTURE_TIMEOUT_MS);
	pcap_set_buffer_size(p, (int)(g->dc.buffer_mb * 1024 * 1024));
	pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_MICRO);
	int rc = pcap_activate(p);
	if (rc < 0 || pcap_setnonblock(p, 1, ebuf) != 0) {
		snprintf(err, errsz, "capture on %s: %s", name, rc < 0 ? pcap_geterr(p) : ebuf);
		pcap_close(p);
		return NULL;
	}
	return p;
}

int gw_capture_open(struct gw *g, char *err, size_t errsz)
{
	for (size_t i = 0; i < g->dc.n_ifaces; i++) {
		struct gw_cap *c = &g->caps[g->n_caps];
		if (!(c->p = open_one(g, g->dc.ifaces[i], err, errsz)))
			return -1;
		c->fd = pcap_get_selectable_fd(c->p);
		c->linktype = pcap_datalink(c->p);
		snprintf(c->name, sizeof c->name, "%s", g->dc.ifaces[i]);
		g->n_caps++;
	}
	return 0;
}

void gw_capture_close(struct gw *g)
{
	for (size_t i = 0; i < g->n_caps; i++)
		pcap_close(g->caps[i].p);
	g->n_caps = 0;
}

void gw_flush(struct gw *g)
{
	struct ipc_batch *b = g->batch;
	if (!b->count)
		return;
	if (!g->child_ready) {
		g->dropped_down += b->count;
	} else {
		struct ipc_hdr *h = (struct ipc_hdr *)b->buf;
		h->type = IPC_PACKETS;
		h->len = (uint32_t)b->len;
		/* blocking: the socket buffer is the engine's queue; when it is
		 * full the kernel's capture buffer holds the rest */
		if (send(g->child_fd, b->buf, sizeof *h + b->len, MSG_NOSIGNAL) < 0)
			g->dropped_ipc += b->count;
	}
	b->count = 0;
	b->len = 0;
}

struct cb_ctx {
	struct gw *g;
	size_t idx;
};

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct cb_ctx *x = (struct cb_ctx *)user;
	struct gw *g = x->g;
	struct ipc_pkt p = {
		.ts_us = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec,
		.caplen = h->caplen,
		.wirelen = h->len,
		.linktype = (uint32_t)g->caps[x->idx].linktype,
		.ifindex = (uint32_t)x->idx,
	};
	g->captured++;
	if (!ipc_batch_add(g->batch, &p, bytes)) {
		gw_flush(g);
		ipc_batch_add(g->batch, &p, bytes);
	}
}

void gw_capture_read(struct gw *g, size_t i)
{
	struct cb_ctx x = {g, i};
	/* bounded, so the control socket and the engine's messages are served */
	for (int round = 0; round < 16; round++)
		if (pcap_dispatch(g->caps[i].p, 512, on_packet, (u_char *)&x) <= 0)
			break;
	gw_flush(g);
}

uint64_t gw_capture_drops(struct gw *g)
{
	uint64_t n = 0;
	for (size_t i = 0; i < g->n_caps; i++) {
		struct pcap_stat st;
		if (pcap_stats(g->caps[i].p, &st) == 0)
			n += (uint64_t)st.ps_drop + st.ps_ifdrop;
	}
	return n;
}
