/* pcap_loop.c - the benchmark's physical limit: a bare libpcap read loop
 * (pcap_open_offline + pcap_next_ex) over a capture file that only counts
 * packets and captured bytes, then prints `packets=N bytes=M`.
 *
 *   pcap_loop FILE */
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: pcap_loop FILE\n");
		return 2;
	}
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(argv[1], err);
	if (!p) {
		fprintf(stderr, "pcap_loop: %s\n", err);
		return 1;
	}
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t packets = 0, bytes = 0;
	int rc;
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		packets++;
		bytes += h->caplen;
	}
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "pcap_loop: %s\n", pcap_geterr(p));
		pcap_close(p);
		return 1;
	}
	pcap_close(p);
	printf("packets=%" PRIu64 " bytes=%" PRIu64 "\n", packets, bytes);
	return 0;
}
