/* packet.h - the decoded view of one captured frame.
 *
 * decode_packet() fills a struct packet in place: it points into the capture
 * buffer and copies only fixed-size header fields, so decoding allocates
 * nothing. Layers that are absent or truncated are flagged, never guessed. */
#ifndef KOBAN_PACKET_H
#define KOBAN_PACKET_H

#include <stdbool.h>
#include <stdint.h>

#include "util/addr.h"

/* libpcap DLT_/LINKTYPE_ values we decode (numbers from the pcap registry). */
enum {
	LINK_NULL = 0,        /* BSD loopback: 4-byte host-order family */
	LINK_ETHERNET = 1,
	LINK_RAW = 101,       /* LINKTYPE_RAW: IPv4 or IPv6 by version nibble */
	LINK_DLT_RAW = 12,    /* DLT_RAW on most platforms */
	LINK_DLT_RAW_ALT = 14,
	LINK_LOOP = 108,      /* OpenBSD loopback: 4-byte network-order family */
	LINK_SLL = 113,
	LINK_IPV4 = 228,
	LINK_IPV6 = 229,
	LINK_SLL2 = 276,
};

enum decode_status {
	DECODE_OK = 0,          /* decoded as far as we understand the packet */
	DECODE_TRUNCATED,       /* a header we needed was cut off by the snap length */
	DECODE_MALFORMED,       /* a header contradicts itself (bad length, bad version) */
	DECODE_UNSUPPORTED,     /* link type or ethertype we do not decode */
};

enum { TCP_FIN = 0x01, TCP_SYN = 0x02, TCP_RST = 0x04, TCP_PSH = 0x08, TCP_ACK = 0x10, TCP_URG = 0x20 };

enum { ARP_REQUEST = 1, ARP_REPLY = 2 };

struct packet {
	uint64_t ts_us;        /* capture timestamp, microseconds since the epoch */
	uint32_t caplen;       /* bytes captured */
	uint32_t wirelen;      /* bytes on the wire */
	const uint8_t *data;   /* start of the frame */

	/* link layer */
	bool has_mac;          /* src_mac/dst_mac are valid (Ethernet; SLL gives src only) */
	bool has_dst_mac;
	uint8_t src_mac[6];
	uint8_t dst_mac[6];
	uint8_t vlan_count;    /* 0, 1 (802.1Q) or 2 (QinQ); deeper tags are skipped */
	uint16_t vlan_id[2];   /* outer first */
	uint16_t ethertype;    /* after VLAN tags; 0 if none */

	/* ARP (ethertype 0x0806, Ethernet/IPv4 only) */
	bool is_arp;
	uint16_t arp_op;
	uint8_t arp_sha[6];
	uint8_t arp_tha[6];
	struct kaddr arp_spa;
	struct kaddr arp_tpa;

	/* network layer */
	uint8_t ip_version;    /* 0 (none), 4 or 6 */
	struct kaddr src_ip;
	struct kaddr dst_ip;
	uint8_t ttl;           /* TTL or hop limit */
	uint8_t l4_proto;      /* IPPROTO_* after the IPv6 extension chain; 0 if none */
	uint32_t ip_len;       /* total IP length claimed by the header(s) */
	bool is_fragment;      /* part of a fragmented datagram */
	bool is_first_fragment;/* offset 0 (L4 header present); non-first fragments have no L4 view */
	uint32_t frag_id;

	/* transport layer (valid when has_l4) */
	bool has_l4;
	uint16_t src_port;
	uint16_t dst_port;
	uint8_t tcp_flags;
	uint32_t tcp_seq;
	uint32_t tcp_ack;
	uint16_t tcp_window;
	uint8_t icmp_type;     /* ICMP or ICMPv6 */
	uint8_t icmp_code;

	/* application payload after the L4 header, clipped to what was captured
	 * and to what the IP length allows (Ethernet padding removed) */
	const uint8_t *payload;
	uint32_t payload_len;
};

/* Decodes one frame of the given link type. Always fills what it can (the
 * packet's timestamp and lengths are set by the caller before or after) and
 * returns the status of the deepest layer reached. Never reads outside
 * data[0..caplen). */
enum decode_status decode_packet(int linktype, const uint8_t *data, uint32_t caplen,
				 struct packet *pkt);

/* Text name of a status, for diagnostics. */
const char *decode_status_str(enum decode_status st);

/* True if the link type is one decode_packet understands. */
bool decode_linktype_supported(int linktype);

#endif
