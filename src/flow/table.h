/* table.h - the bidirectional flow table.
 *
 * Flows are keyed by the 5-tuple in either direction. Memory is fixed at
 * start-up (a pool of flows plus an open-addressing index); when the pool is
 * full the least recently active flow is evicted, so hostile traffic cannot
 * grow memory. Idle flows expire by capture time, per protocol class. */
#ifndef KOBAN_FLOW_TABLE_H
#define KOBAN_FLOW_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/packet.h"

enum flow_tcp_state {
	FLOW_TCP_SYN = 1,       /* client SYN seen */
	FLOW_TCP_SYNACK = 2,    /* server SYN+ACK seen */
	FLOW_TCP_ESTABLISHED = 4, /* handshake completed (client ACK after SYN+ACK) */
	FLOW_TCP_FIN_CLIENT = 8,
	FLOW_TCP_FIN_SERVER = 16,
	FLOW_TCP_RST = 32,
};

enum flow_end_reason { FLOW_END_IDLE, FLOW_END_EVICTED, FLOW_END_CLOSED, FLOW_END_FLUSH };

enum { FLOW_CLIENT = 0, FLOW_SERVER = 1 };

struct flow {
	/* endpoint 0 is the initiator (client), endpoint 1 the responder (server) */
	uint8_t family;
	uint8_t l4_proto;
	uint16_t port[2];
	uint8_t addr[2][16];
	uint8_t mac[2][6];
	uint8_t has_mac[2];
	uint8_t tcp_state;
	uint8_t lru_class;       /* which idle list: 0 tcp, 1 udp, 2 other */
	bool ended;              /* end callback already ran (closed TCP kept for late packets) */
	bool in_use;
	int16_t dissector;       /* index into dissector_table, -1 undecided, -2 none */
	int32_t stream_slot;     /* per-flow dissector state slot, -1 none */
	uint32_t hash;
	uint32_t pkts[2];
	uint64_t bytes[2];
	uint64_t first_us;
	uint64_t last_us;
	uint64_t queued_us;      /* last_us when the flow was put at the tail of its LRU list */
	uint32_t lru_prev, lru_next;
	uint32_t user;           /* free for the engine (e.g. flags) */
};

struct flow_table;

typedef void (*flow_end_fn)(void *ctx, struct flow *f, enum flow_end_reason why);

struct flow_stats {
	uint64_t created;
	uint64_t expired;
	uint64_t evicted;
	uint64_t closed;
	uint32_t live;
	uint32_t capacity;
};

/* Creates a table using at most memory_bytes (pool + index). timeouts are
 * seconds for tcp, udp and everything else. Returns NULL if the budget is
 * too small for 16 flows or on allocation failure. */
struct flow_table *flow_table_new(size_t memory_bytes, const uint32_t timeouts_s[3], flow_end_fn on_end,
				  void *ctx);
void flow_table_free(struct flow_table *t);

/* Finds or creates the flow of a decoded IP packet (pkt->has_l4 or ICMP).
 * Sets *from_client. Returns NULL for packets without IP addresses. Updates
 * counters, TCP state and times. Expires idle flows first (capture time). */
struct flow *flow_track(struct flow_table *t, const struct packet *pkt, bool *from_client, bool *created);

/* After the caller has processed a packet: if the TCP connection is now
 * closed (RST, or FIN both ways), runs the end callback once (the flow
 * stays in the table for late packets until it idles out). */
bool flow_table_end_if_closed(struct flow_table *t, struct flow *f);

/* Ends every live flow (end of input). */
void flow_table_flush(struct flow_table *t);

void flow_table_stats(const struct flow_table *t, struct flow_stats *out);

/* Bytes one flow costs in the table (pool entry + index share). */
size_t flow_table_bytes_per_flow(void);

#endif
