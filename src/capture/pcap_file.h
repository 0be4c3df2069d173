/* pcap_file.h - reads several pcap/pcapng files (libpcap) as one stream in
 * capture-time order (a k-way merge on timestamps). A file that cannot be
 * opened or ends in the middle of a record is reported with its name and
 * the reason; the other files are still read. */
#ifndef KOBAN_PCAP_FILE_H
#define KOBAN_PCAP_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pcap/pcap.h>

struct capture_source {
	const char *path;
	pcap_t *pcap;
	int linktype;
	bool pending;              /* hdr/data hold the next packet of this file */
	bool done;
	struct pcap_pkthdr *hdr;
	const u_char *data;
	uint64_t packets;
	uint64_t size;             /* file size in bytes */
	char error[PCAP_ERRBUF_SIZE + 64]; /* non-empty if the file failed */
};

struct capture_set {
	struct capture_source *src;
	size_t n;
	ssize_t last;              /* source of the packet returned last, or -1 */
	uint64_t total_size;
};

struct capture_packet {
	int linktype;
	uint64_t ts_us;
	uint32_t caplen;
	uint32_t wirelen;
	const uint8_t *data;       /* valid until the next capture_set_next() */
	size_t source;
};

/* Opens every path; files that fail get an error and are skipped. Returns
 * the number opened. */
size_t capture_set_open(struct capture_set *set, char *const *paths, size_t n);
/* Next packet in time order across all files; false at the end. */
bool capture_set_next(struct capture_set *set, struct capture_packet *out);
/* Bytes consumed so far across all files (for a progress bar). */
uint64_t capture_set_position(const struct capture_set *set);
void capture_set_close(struct capture_set *set);

#endif
