/* syn.h - the half-open (SYN) port survey of `koban audit` for IPv4 targets,
 * used when the process has CAP_NET_RAW (syn.c), and its pure pieces: the
 * per-run sequence cookie, the probe builder and the reply parser (fuzzed by
 * fuzz/fuzz_audit_syn.c). */
#ifndef KOBAN_AUDIT_SYN_H
#define KOBAN_AUDIT_SYN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit/audit.h"

#define SYN_KEY_BYTES 16
#define SYN_PROBE_LEN 24 /* TCP header with one MSS option */

/* The secret of one run: the initial sequence number of every probe is a
 * keyed hash (SipHash-2-4) of (our address, target, ports), so only a reply
 * that acknowledges cookie + 1 is believed. */
struct syn_key {
	uint8_t k[SYN_KEY_BYTES];
};
void syn_key_random(struct syn_key *k);
uint32_t syn_cookie(const struct syn_key *k, const uint8_t src[4], const uint8_t dst[4], uint16_t sport,
		    uint16_t dport);

/* Writes the TCP header of a SYN (with its checksum over the IPv4 pseudo
 * header) into buf; returns SYN_PROBE_LEN, or 0 when cap is too small. */
size_t syn_build(uint8_t *buf, size_t cap, const uint8_t src[4], const uint8_t dst[4], uint16_t sport,
		 uint16_t dport, uint32_t seq);

/* The fields of a TCP segment received on the raw socket (IPv4 header
 * included). Addresses and ports as seen by us: src is the target. */
struct syn_reply {
	uint8_t src[4], dst[4];
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
};
#define SYN_F_FIN 0x01
#define SYN_F_SYN 0x02
#define SYN_F_RST 0x04
#define SYN_F_ACK 0x10

/* Parses an IPv4 packet carrying a TCP header. False for anything else:
 * not IPv4, bad header lengths, a fragment other than the first, a total
 * length or TCP data offset beyond what was received, not TCP. Never reads
 * outside pkt[0..len). */
bool syn_parse(const uint8_t *pkt, size_t len, struct syn_reply *r);

enum syn_verdict {
	SYN_IGNORE = 0, /* not an answer to one of our probes */
	SYN_OPEN,       /* SYN+ACK acknowledging cookie + 1 */
	SYN_CLOSED,     /* RST+ACK acknowledging cookie + 1: closed, the host is up */
};
/* Checks a parsed reply against the cookie of the probe it claims to answer. */
enum syn_verdict syn_classify(const struct syn_key *k, const struct syn_reply *r);

/* A raw IPv4/TCP socket (CAP_NET_RAW), non-blocking; -1 without the right. */
int syn_socket(void);

/* The SYN survey of the listed IPv4 hosts (indices into run->hosts) on
 * raw socket fd (taken over and closed): results go into the same open-port
 * list as ports_scan(). Returns 0, or -1 when it could not start. */
int syn_scan(struct audit_run *run, const size_t *hosts, size_t n, int fd);

#endif
