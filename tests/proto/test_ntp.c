/* test_ntp.c - unit tests for the NTP dissector: modes, versions, lengths. */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "datagram_run.h"
#include "proto/dissect.h"
#include "proto/protocols.h"
#include "test.h"

/* Every fact is an NTP one. */
static void run(const uint8_t *p, size_t n)
{
	datagram_run(&dissector_ntp, p, n, 123, 123, 123);
	for (int i = 0; i < nrec; i++)
		CHECK_INT(recs[i].kind, FACT_NTP);
}

static bool matches(const uint8_t *p, size_t n, uint16_t sport, uint16_t dport)
{
	return datagram_matches(&dissector_ntp, p, n, sport, dport);
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
			CHECK_INT(nrec, expect ? 1 : 0);
			if (expect) {
				CHECK_STR(val(FACT_NTP), want[mode]);
				CHECK_INT(recs[0].about, ABOUT_SRC);
			}
		}
	}
	/* leap indicator bits do not matter; extension fields / MAC may follow */
	packet(b, 4, 3);
	b[0] |= 0xc0;
	run(b, 68);
	CHECK_INT(nrec, 1);
	CHECK_STR(val(FACT_NTP), "client");
}

static void test_lengths(void)
{
	uint8_t b[68];
	packet(b, 3, 4);
	for (size_t n = 0; n < 48; n++) {
		run(b, n);
		CHECK_INT(nrec, 0);
	}
	run(b, 48);
	CHECK_INT(nrec, 1);
	CHECK_STR(val(FACT_NTP), "server");
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
