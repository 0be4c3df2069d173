/* ports.h - the TCP connect survey (ports.c) and host discovery
 * (discover.c) of `koban audit`; the SYN survey is in syn.h. */
#ifndef KOBAN_AUDIT_PORTS_H
#define KOBAN_AUDIT_PORTS_H

#include <stddef.h>

#include "audit/audit.h"

/* Connects to every port of run->opts on the listed hosts (indices into
 * run->hosts); open ports become services of the host, any answer marks
 * the host up. Returns 0, or -1 when it could not start. */
int ports_scan(struct audit_run *run, const size_t *hosts, size_t n);

/* What a scan (connect or SYN) learnt about one port: open ports join the
 * host's services (once), a refused port still shows the host is up. */
void ports_result(struct audit_run *run, struct audit_host *h, uint16_t port, bool open);

/* Host discovery before the scan. ARP on directly attached IPv4 networks
 * (needs CAP_NET_RAW): hosts that answer are up and get their MAC; hosts on
 * such a network that do not answer are marked `arp_silent` and skipped by
 * the scan (they cannot be reached). ICMP echo for the rest (raw socket
 * with CAP_NET_RAW, else the unprivileged ping socket when allowed).
 * skip[i] is set for hosts the scan should leave out. */
int discover_hosts(struct audit_run *run, bool *skip);

#endif
