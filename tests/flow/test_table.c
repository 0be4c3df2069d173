/* test_table.c - the flow table: direction, TCP handshake, counters, idle
 * expiry, eviction under a fixed memory budget, port reuse. */
#include <netinet/in.h>
#include <string.h>

#include "flow/table.h"
#include "test.h"

static int ends[4];
static struct flow last_ended;

static void on_end(void *ctx, struct flow *f, enum flow_end_reason why)
{
	(void)ctx;
	ends[why]++;
	last_ended = *f;
}

static struct packet pkt(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport, uint8_t proto, uint8_t flags,
			 uint64_t ts)
{
	struct packet p;
	memset(&p, 0, sizeof p);
	uint8_t s[4] = {(uint8_t)(src >> 24), (uint8_t)(src >> 16), (uint8_t)(src >> 8), (uint8_t)src};
	uint8_t d[4] = {(uint8_t)(dst >> 24), (uint8_t)(dst >> 16), (uint8_t)(dst >> 8), (uint8_t)dst};
	kaddr_v4(&p.src_ip, s);
	kaddr_v4(&p.dst_ip, d);
	p.ip_version = 4;
	p.l4_proto = proto;
	p.has_l4 = true;
	p.src_port = sport;
	p.dst_port = dport;
	p.tcp_flags = flags;
	p.ts_us = ts;
	p.wirelen = 60;
	return p;
}

#define A 0xc0a80002u
#define B 0xcb007101u

static void test_handshake(void)
{
	uint32_t to[3] = {300, 60, 30};
	struct flow_table *t = flow_table_new(64 * 1024, to, on_end, NULL);
	bool fc, created;
	memset(ends, 0, sizeof ends);
	struct packet p = pkt(A, 40000, B, 80, IPPROTO_TCP, TCP_SYN, 1000000);
	struct flow *f = flow_track(t, &p, &fc, &created);
	CHECK(f && created && fc);
	p = pkt(B, 80, A, 40000, IPPROTO_TCP, TCP_SYN | TCP_ACK, 1001000);
	CHECK(flow_track(t, &p, &fc, &created) == f && !created && !fc);
	CHECK(!(f->tcp_state & FLOW_TCP_ESTABLISHED));
	p = pkt(A, 40000, B, 80, IPPROTO_TCP, TCP_ACK, 1002000);
	flow_track(t, &p, &fc, &created);
	CHECK(f->tcp_state & FLOW_TCP_ESTABLISHED);
	CHECK_INT(f->pkts[FLOW_CLIENT], 2);
	CHECK_INT(f->pkts[FLOW_SERVER], 1);
	CHECK_INT(f->bytes[FLOW_CLIENT], 120);
	CHECK_INT(f->first_us, 1000000);
	CHECK_INT(f->last_us, 1002000);
	p = pkt(A, 40000, B, 80, IPPROTO_TCP, TCP_FIN | TCP_ACK, 1003000);
	flow_track(t, &p, &fc, &created);
	CHECK(!flow_table_end_if_closed(t, f));
	p = pkt(B, 80, A, 40000, IPPROTO_TCP, TCP_FIN | TCP_ACK, 1004000);
	flow_track(t, &p, &fc, &created);
	CHECK(flow_table_end_if_closed(t, f));
	CHECK(!flow_table_end_if_closed(t, f)); /* only once */
	CHECK_INT(ends[FLOW_END_CLOSED], 1);
	/* a new SYN on the same ports is a new connection */
	p = pkt(A, 40000, B, 80, IPPROTO_TCP, TCP_SYN, 2000000);
	f = flow_track(t, &p, &fc, &created);
	CHECK(created && f->pkts[FLOW_CLIENT] == 1);
	flow_table_free(t);
}

static void test_direction(void)
{
	uint32_t to[3] = {300, 60, 30};
	struct flow_table *t = flow_table_new(64 * 1024, to, on_end, NULL);
	bool fc, created;
	/* first packet seen is the SYN-ACK: the receiver initiated */
	struct packet p = pkt(B, 443, A, 50000, IPPROTO_TCP, TCP_SYN | TCP_ACK, 1);
	struct flow *f = flow_track(t, &p, &fc, &created);
	CHECK(!fc && f->port[FLOW_SERVER] == 443 && f->port[FLOW_CLIENT] == 50000);
	/* UDP reply from a well-known port seen first */
	p = pkt(B, 53, A, 33333, IPPROTO_UDP, 0, 2);
	f = flow_track(t, &p, &fc, &created);
	CHECK(!fc && f->port[FLOW_SERVER] == 53);
	/* non-first fragments are not tracked */
	p = pkt(A, 0, B, 0, IPPROTO_UDP, 0, 3);
	p.is_fragment = true;
	p.is_first_fragment = false;
	CHECK(flow_track(t, &p, &fc, &created) == NULL);
	flow_table_free(t);
}

static void test_idle_expiry(void)
{
	uint32_t to[3] = {300, 60, 30};
	struct flow_table *t = flow_table_new(64 * 1024, to, on_end, NULL);
	bool fc, created;
	memset(ends, 0, sizeof ends);
	struct packet p = pkt(A, 5000, B, 53, IPPROTO_UDP, 0, 1000000);
	flow_track(t, &p, &fc, &created);
	p = pkt(A, 40000, B, 80, IPPROTO_TCP, TCP_SYN, 2000000);
	flow_track(t, &p, &fc, &created);
	/* 60 s after the UDP flow: not yet expired (strictly more than the timeout) */
	p = pkt(A, 6000, B, 53, IPPROTO_UDP, 0, 61000000);
	flow_track(t, &p, &fc, &created);
	CHECK_INT(ends[FLOW_END_IDLE], 0);
	p = pkt(A, 6001, B, 53, IPPROTO_UDP, 0, 61000001 + 1);
	flow_track(t, &p, &fc, &created);
	CHECK_INT(ends[FLOW_END_IDLE], 1);
	CHECK_INT(last_ended.port[FLOW_CLIENT], 5000);
	struct flow_stats st;
	flow_table_stats(t, &st);
	CHECK_INT(st.live, 3);
	flow_table_flush(t);
	CHECK_INT(ends[FLOW_END_FLUSH], 3);
	flow_table_stats(t, &st);
	CHECK_INT(st.live, 0);
	flow_table_free(t);
}

static void test_budget(void)
{
	uint32_t to[3] = {300, 60, 30};
	size_t budget = 32 * 1024;
	struct flow_table *t = flow_table_new(budget, to, on_end, NULL);
	struct flow_stats st;
	flow_table_stats(t, &st);
	CHECK(st.capacity * flow_table_bytes_per_flow() <= budget);
	CHECK(st.capacity >= 16);
	CHECK(flow_table_bytes_per_flow() <= 256);
	memset(ends, 0, sizeof ends);
	bool fc, created;
	/* a scan: 100000 distinct flows, memory stays fixed */
	for (uint32_t i = 0; i < 100000; i++) {
		struct packet p = pkt(A, (uint16_t)(1024 + i % 60000), B + i, 23, IPPROTO_TCP, TCP_SYN, 1000 + i);
		flow_track(t, &p, &fc, &created);
	}
	flow_table_stats(t, &st);
	CHECK(st.live <= st.capacity);
	CHECK_INT(st.evicted, 100000 - st.capacity);
	CHECK_INT(ends[FLOW_END_EVICTED], 100000 - st.capacity);
	/* the newest flow is still there, the oldest is gone */
	struct packet p = pkt(A, (uint16_t)(1024 + 99999 % 60000), B + 99999, 23, IPPROTO_TCP, TCP_ACK, 200000);
	flow_track(t, &p, &fc, &created);
	CHECK(!created);
	p = pkt(A, 1024, B, 23, IPPROTO_TCP, TCP_ACK, 200001);
	flow_track(t, &p, &fc, &created);
	CHECK(created);
	flow_table_free(t);
	CHECK(flow_table_new(100, to, on_end, NULL) == NULL);
}

int main(void)
{
	test_handshake();
	test_direction();
	test_idle_expiry();
	test_budget();
	return test_summary();
}
