/* test_addr.c - address parsing, formatting and range tests. */
#include "test.h"
#include "util/addr.h"

int main(void)
{
	struct kaddr a;
	char buf[KADDR_STRLEN];
	CHECK(kaddr_parse(&a, "192.168.1.20"));
	CHECK_STR(kaddr_str(&a, buf, sizeof buf), "192.168.1.20");
	CHECK(kaddr_is_private(&a));
	CHECK(kaddr_parse(&a, "172.31.0.1") && kaddr_is_private(&a));
	CHECK(kaddr_parse(&a, "172.32.0.1") && !kaddr_is_private(&a));
	CHECK(kaddr_parse(&a, "8.8.8.8") && !kaddr_is_private(&a));
	CHECK(kaddr_parse(&a, "fd12::1") && kaddr_is_private(&a));
	CHECK(kaddr_parse(&a, "fe80::1") && kaddr_is_private(&a));
	CHECK(kaddr_parse(&a, "2001:db8::1") && !kaddr_is_private(&a));
	CHECK(kaddr_parse(&a, "224.0.0.251") && kaddr_is_multicast(&a));
	CHECK(kaddr_parse(&a, "ff02::fb") && kaddr_is_multicast(&a));
	CHECK(!kaddr_parse(&a, "300.1.1.1"));
	CHECK(!kaddr_parse(&a, ""));

	struct kprefix p;
	CHECK(kprefix_parse(&p, "10.1.0.0/16"));
	CHECK(kaddr_parse(&a, "10.1.200.3") && kprefix_contains(&p, &a));
	CHECK(kaddr_parse(&a, "10.2.0.1") && !kprefix_contains(&p, &a));
	CHECK(kprefix_parse(&p, "192.168.1.128/25"));
	CHECK(kaddr_parse(&a, "192.168.1.129") && kprefix_contains(&p, &a));
	CHECK(kaddr_parse(&a, "192.168.1.127") && !kprefix_contains(&p, &a));
	CHECK(kprefix_parse(&p, "fd00::/8"));
	CHECK(kaddr_parse(&a, "fd99::1") && kprefix_contains(&p, &a));
	CHECK(!kprefix_parse(&p, "10.0.0.0/33"));
	CHECK(!kprefix_parse(&p, "10.0.0.0/"));
	CHECK(!kprefix_parse(&p, "10.0.0.0/8x"));

	uint8_t mac[6];
	CHECK(mac_parse(mac, "28:57:be:01:02:03"));
	CHECK_STR(mac_str(mac, buf, sizeof buf), "28:57:be:01:02:03");
	CHECK(!mac_is_group(mac) && !mac_is_local_admin(mac));
	CHECK(!mac_parse(mac, "28:57:be:01:02"));
	CHECK(mac_parse(mac, "02:00:00:00:00:01") && mac_is_local_admin(mac));
	return test_summary();
}
