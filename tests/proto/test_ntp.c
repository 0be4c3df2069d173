/* test_ntp.c - unit tests for the NTP dissector: modes, versions, lengths. */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "proto/dissect.h"
#include "proto/protocols.h"
#include "test.h"

static char value[32];
static int ngot;
static enum fact_about about;

static void keep_fact(void *ctx, const struct fact *f)
{
	(void)ctx;
	ngot++;
	about = f->about;
	size_t n = f->value_len < sizeof value - 1 ? f->value_len : sizeof value - 1;
	memcpy(value, f->value, n);
	value[n] = '\0';
	CHECK_INT(f->kind, FACT_NTP);
}

static void run(const uint8_t *p, size_t n)
{
	uint8_t *copy = malloc(n ? n : 1);
	memcpy(copy, p, n);
	struct packet pkt;
	memset(&pkt, 0, sizeof pkt);
	pkt.l4_proto = IPPROTO_UDP;
	pkt.src_port = 123;
	pkt.dst_port = 123;
	struct dissect_input in = {.pkt = &pkt, .payload = copy, .len = n, .server_port = 123};
	struct fact_sink sink = {.emit = keep_fact};
	ngot = 0;
	value[0] = '\0';
	dissector_ntp.dissect(&in, NULL, &sink);
	free(copy);
}

static bool matches(const uint8_t *p, size_t n, uint16_t sport, uint16_t dport)
{
	struct packet pkt;
	memset(&pkt, 0, sizeof pkt);
	pkt.l4_proto = IPPROTO_UDP;
	pkt.src_port = sport;
	pkt.dst_port = dport;
	struct dissect_input in = {.pkt = &pkt, .payload = p, .len = n};
	return dissector_ntp.match(&in);
}

/* Leap indicator 0, the given version and mode, rest zero. */
static void packet(uint8_t *b, unsigned version, unsigned mode)
{
	memset(b, 0, 68);
	b[0] = (uint8_t)((version << 3) | mode);
}

static void test_modes(void)
{
	uint8_t b[68];
	static const char *const want[8] = {NULL, NULL, NULL, "client", "server", "broadcast",
					    NULL, NULL};
	for (unsigned v = 0; v < 8; v++) {
		for (unsigned mode = 0; mode < 8; mode++) {
			packet(b, v, mode);
			run(b, 48);
			bool expect = v >= 1 && v <= 4 && want[mode];
			CHECK_INT(ngot, expect ? 1 : 0);
			if (expect) {
				CHECK_STR(value, want[mode]);
				CHECK_INT(about, ABOUT_SRC);
			}
		}
	}
	/* leap indicator bits do not matter; extension fields / MAC may follow */
	packet(b, 4, 3);
	b[0] |= 0xc0;
	run(b, 68);
	CHECK_INT(ngot, 1);
	CHECK_STR(value, "client");
}

static void test_lengths(void)
{
	uint8_t b[68];
	packet(b, 3, 4);
	for (size_t n = 0; n < 48; n++) {
		run(b, n);
		CHECK_INT(ngot, 0);
	}
	run(b, 48);
	CHECK_INT(ngot, 1);
	CHECK_STR(value, "server");
}

static void test_match(void)
{
	uint8_t b[68];
	packet(b, 4, 3);
	CHECK(matches(b, 48, 40000, 123));
	CHECK(matches(b, 48, 123, 40000));
	CHECK(matches(b, 48, 123, 123));
	CHECK(!matches(b, 48, 40000, 124));
	CHECK(!matches(b, 0, 40000, 123));
	packet(b, 0, 3);
	CHECK(!matches(b, 48, 40000, 123));
	packet(b, 6, 3);
	CHECK(!matches(b, 48, 40000, 123));
	CHECK_STR(dissector_ntp.name, "ntp");
	CHECK_INT(dissector_ntp.l4_proto, IPPROTO_UDP);
	CHECK_INT(dissector_ntp.state_size, 0);
}

int main(void)
{
	test_modes();
	test_lengths();
	test_match();
	return test_summary();
}
