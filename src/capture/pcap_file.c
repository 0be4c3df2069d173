/* pcap_file.c - time-ordered reading of several capture files. */
#include "capture/pcap_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static uint64_t ts_of(const struct pcap_pkthdr *h)
{
	if (h->ts.tv_sec < 0)
		return 0;
	long usec = h->ts.tv_usec < 0 ? 0 : h->ts.tv_usec > 999999 ? 999999 : h->ts.tv_usec;
	return (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)usec;
}

static void source_fail(struct capture_source *s, const char *why)
{
	snprintf(s->error, sizeof s->error, "%s", why && *why ? why : "unknown error");
	s->done = true;
	s->pending = false;
}

/* Reads the next record of one file into s->hdr/s->data. */
static void source_advance(struct capture_source *s)
{
	s->pending = false;
	if (s->done)
		return;
	int rc = pcap_next_ex(s->pcap, &s->hdr, &s->data);
	if (rc == 1) {
		s->pending = true;
		s->packets++;
	} else if (rc == PCAP_ERROR_BREAK) {
		s->done = true;
	} else {
		char why[PCAP_ERRBUF_SIZE + 64];
		snprintf(why, sizeof why, "read error after %llu packets: %s", (unsigned long long)s->packets,
			 pcap_geterr(s->pcap));
		source_fail(s, why);
	}
}

size_t capture_set_open(struct capture_set *set, char *const *paths, size_t n)
{
	memset(set, 0, sizeof *set);
	set->last = -1;
	set->src = calloc(n ? n : 1, sizeof *set->src);
	if (!set->src)
		return 0;
	set->n = n;
	size_t opened = 0;
	for (size_t i = 0; i < n; i++) {
		struct capture_source *s = &set->src[i];
		char errbuf[PCAP_ERRBUF_SIZE] = "";
		struct stat st;
		s->path = paths[i];
		if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			source_fail(s, "is a directory");
			continue;
		}
		s->size = stat(paths[i], &st) == 0 ? (uint64_t)st.st_size : 0;
		s->pcap = pcap_open_offline_with_tstamp_precision(paths[i], PCAP_TSTAMP_PRECISION_MICRO, errbuf);
		if (!s->pcap) {
			source_fail(s, errbuf);
			continue;
		}
		s->linktype = pcap_datalink(s->pcap);
		set->total_size += s->size;
		opened++;
		source_advance(s);
	}
	return opened;
}

bool capture_set_next(struct capture_set *set, struct capture_packet *out)
{
	if (set->last >= 0)
		source_advance(&set->src[set->last]);
	ssize_t best = -1;
	uint64_t best_ts = 0;
	for (size_t i = 0; i < set->n; i++) {
		struct capture_source *s = &set->src[i];
		if (!s->pending)
			continue;
		uint64_t ts = ts_of(s->hdr);
		if (best < 0 || ts < best_ts) {
			best = (ssize_t)i;
			best_ts = ts;
		}
	}
	set->last = best;
	if (best < 0)
		return false;
	struct capture_source *s = &set->src[best];
	out->linktype = s->linktype;
	out->ts_us = best_ts;
	out->caplen = s->hdr->caplen;
	out->wirelen = s->hdr->len;
	out->data = s->data;
	out->source = (size_t)best;
	return true;
}

uint64_t capture_set_position(const struct capture_set *set)
{
	uint64_t pos = 0;
	for (size_t i = 0; i < set->n; i++) {
		const struct capture_source *s = &set->src[i];
		if (!s->pcap)
			continue;
		if (s->done) {
			pos += s->size;
			continue;
		}
		FILE *f = pcap_file(s->pcap);
		long off = f ? ftell(f) : -1;
		if (off > 0)
			pos += (uint64_t)off;
	}
	return pos;
}

void capture_set_close(struct capture_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->src[i].pcap)
			pcap_close(set->src[i].pcap);
	free(set->src);
	memset(set, 0, sizeof *set);
}
