/* test_mud.c - the MUD profile parser (RFC 8520 JSON), the packet check
 * the engine reports violations with, the JSON round trip, and the CMS
 * signature check with fixtures made by tests/daemon/mud/make-signed.sh. */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "enforce/mud.h"
#include "test.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(1 << 20);
	*len = f && buf ? fread(buf, 1, 1 << 20, f) : 0;
	if (f)
		fclose(f);
	return buf;
}

static struct mud_policy *parse_file(const char *path)
{
	size_t n;
	char *text = slurp(path, &n), err[256] = "";
	struct mud_policy *p = mud_parse(text, n, err, sizeof err);
	if (!p)
		fprintf(stderr, "%s: %s\n", path, err);
	free(text);
	return p;
}

static struct kaddr ip(const char *s)
{
	struct kaddr a;
	kaddr_parse(&a, s);
	return a;
}

static void test_plug(void)
{
	struct mud_policy *p = parse_file("tests/daemon/mud/plug.json");
	CHECK(p != NULL);
	if (!p)
		return;
	CHECK_STR(p->url, "https://plug.example/koban-plug.json");
	CHECK_STR(p->systeminfo, "koban lab smart plug");
	CHECK_INT(p->n, 5);
	CHECK_INT(p->skipped, 1); /* same-manufacturer */
	CHECK_INT(p->aces[0].dir, MUD_FROM_DEVICE);
	CHECK_INT(p->aces[0].proto, IPPROTO_TCP);
	CHECK_INT(p->aces[0].dport_lo, 8080);
	CHECK_INT(p->aces[0].initiated, MUD_FROM_DEVICE);
	CHECK_STR(p->aces[1].dnsname, "ntp.plug.example");
	CHECK(p->aces[2].local_networks);
	CHECK_INT(p->aces[3].dir, MUD_TO_DEVICE);
	struct kprefix local;
	kprefix_parse(&local, "192.168.50.0/24");
	struct kaddr cloud = ip("203.0.113.10"), cnc = ip("198.51.100.66"), lan = ip("192.168.50.7");
	CHECK(mud_permits(p, MUD_FROM_DEVICE, &cloud, IPPROTO_TCP, 40000, 8080, true, &local, 1));
	CHECK(mud_permits(p, MUD_TO_DEVICE, &cloud, IPPROTO_TCP, 8080, 40000, true, &local, 1)); /* the reply */
	CHECK(!mud_permits(p, MUD_TO_DEVICE, &cloud, IPPROTO_TCP, 40000, 8080, false, &local, 1)); /* inbound */
	CHECK(!mud_permits(p, MUD_FROM_DEVICE, &cloud, IPPROTO_TCP, 40000, 8081, true, &local, 1));
	CHECK(!mud_permits(p, MUD_FROM_DEVICE, &cnc, IPPROTO_TCP, 40000, 8080, true, &local, 1));
	CHECK(mud_permits(p, MUD_FROM_DEVICE, &lan, IPPROTO_UDP, 5353, 5353, true, &local, 1));
	CHECK(mud_permits(p, MUD_TO_DEVICE, &lan, IPPROTO_TCP, 5000, 80, false, &local, 1));
	/* a name permits only what it resolved to */
	CHECK(!mud_permits(p, MUD_FROM_DEVICE, &cnc, IPPROTO_UDP, 40000, 123, true, &local, 1));
	p->aces[1].resolved[0] = cnc;
	p->aces[1].n_resolved = 1;
	CHECK(mud_permits(p, MUD_FROM_DEVICE, &cnc, IPPROTO_UDP, 40000, 123, true, &local, 1));
	/* JSON round trip */
	char err[128];
	json_t *j = mud_to_json(p);
	struct mud_policy *q = mud_from_json(j, err, sizeof err);
	CHECK(q && q->n == p->n && memcmp(q->aces, p->aces, p->n * sizeof *p->aces) == 0);
	CHECK(q && strcmp(q->url, p->url) == 0 && q->skipped == p->skipped);
	json_decref(j);
	mud_free(q);
	struct mud_policy *d = mud_dup(p);
	CHECK(d && d->n == p->n && d->aces != p->aces);
	mud_free(d);
	mud_free(p);
}

static void test_rich(void)
{
	struct mud_policy *p = parse_file("tests/daemon/mud/rich.json");
	CHECK(p != NULL);
	if (!p)
		return;
	/* taken: range, lte, v6, admin; skipped: neq, udp-initiated,
	 * controller, the drop and what follows it (2), eth (1) */
	CHECK_INT(p->n, 4);
	CHECK_INT(p->skipped, 6);
	CHECK_INT(p->aces[0].dport_lo, 5000);
	CHECK_INT(p->aces[0].dport_hi, 5010);
	CHECK_INT(p->aces[1].dport_lo, 0);
	CHECK_INT(p->aces[1].dport_hi, 1024);
	CHECK_INT(p->aces[2].family, KADDR_V6);
	CHECK_INT(p->aces[3].dir, MUD_TO_DEVICE);
	CHECK_STR(p->aces[3].dnsname, "admin.maker.example");
	CHECK_INT(p->aces[3].initiated, MUD_TO_DEVICE);
	struct kaddr v6 = ip("2001:db8::5"), net = ip("198.51.100.9");
	CHECK(mud_permits(p, MUD_FROM_DEVICE, &v6, IPPROTO_TCP, 50000, 443, true, NULL, 0));
	CHECK(mud_permits(p, MUD_FROM_DEVICE, &net, IPPROTO_UDP, 50000, 5005, true, NULL, 0));
	CHECK(!mud_permits(p, MUD_FROM_DEVICE, &net, IPPROTO_UDP, 50000, 5011, true, NULL, 0));
	mud_free(p);
}

static void bad(const char *json, const char *why)
{
	char err[256] = "";
	struct mud_policy *p = mud_parse(json, strlen(json), err, sizeof err);
	CHECK(p == NULL);
	if (p) {
		fprintf(stderr, "accepted: %s\n", why);
		mud_free(p);
	} else {
		CHECK(strncmp(err, "MUD profile: ", 13) == 0);
	}
}

#define HEAD "{\"ietf-mud:mud\":{\"mud-version\":1,\"mud-url\":\"https://x/y.json\","
#define ACLS "\"ietf-access-control-list:acls\":{\"acl\":["

static void test_malformed(void)
{
	bad("", "empty");
	bad("[]", "not an object");
	bad("{\"ietf-mud:mud\":{\"mud-version\":2,\"mud-url\":\"u\"}," ACLS "]}}", "version 2");
	bad(HEAD "\"from-device-policy\":{\"access-lists\":{\"access-list\":[{\"name\":\"nope\"}]}}}," ACLS "]}}",
	    "undefined ACL");
	bad(HEAD "\"from-device-policy\":{}}," ACLS "]}}", "policy without lists");
	bad(HEAD "\"from-device-policy\":{\"access-lists\":{\"access-list\":[{\"name\":\"a\"}]}}}," ACLS
		 "{\"name\":\"a\",\"type\":\"ipv4-acl-type\"}]}}",
	    "ACL without entries");
	bad(HEAD "\"from-device-policy\":{\"access-lists\":{\"access-list\":[{\"name\":\"a\"}]}}}," ACLS
		 "{\"name\":\"a\",\"type\":\"ipv4-acl-type\",\"aces\":{\"ace\":[{\"name\":\"x\"}]}}]}}",
	    "entry without actions");
	bad("{\"ietf-mud:mud\":{\"mud-version\":1,\"mud-url\":\"u\",\"mud-url\":\"v\"}}", "duplicate key");
	bad(HEAD "\"x\":1}}", "no ACLs");
	char *big = malloc(MUD_MAX_BYTES + 2);
	memset(big, ' ', MUD_MAX_BYTES + 1);
	big[MUD_MAX_BYTES + 1] = '\0';
	bad(big, "too large");
	free(big);
	/* entries that are malformed are skipped, never widened */
	const char *odd = HEAD "\"from-device-policy\":{\"access-lists\":{\"access-list\":[{\"name\":\"a\"}]}}}," ACLS
			       "{\"name\":\"a\",\"type\":\"ipv4-acl-type\",\"aces\":{\"ace\":["
			       "{\"name\":\"p\",\"matches\":{\"tcp\":{\"destination-port\":{\"port\":70000}}},"
			       "\"actions\":{\"forwarding\":\"accept\"}},"
			       "{\"name\":\"n\",\"matches\":{\"ipv4\":{\"ietf-acldns:dst-dnsname\":\"a b\"}},"
			       "\"actions\":{\"forwarding\":\"accept\"}},"
			       "{\"name\":\"f\",\"matches\":{\"ipv4\":{\"destination-ipv4-network\":\"2001:db8::/32\"}},"
			       "\"actions\":{\"forwarding\":\"accept\"}}]}}]}}";
	char err[128];
	struct mud_policy *p = mud_parse(odd, strlen(odd), err, sizeof err);
	CHECK(p != NULL);
	if (p) {
		CHECK_INT(p->n, 0);
		CHECK_INT(p->skipped, 3);
		mud_free(p);
	}
}

static void test_signature(void)
{
	size_t n, sn;
	char *prof = slurp("tests/daemon/mud/plug.json", &n), *sig = slurp("tests/daemon/mud/plug.p7s", &sn);
	char err[256] = "";
	CHECK(mud_verify_cms(prof, n, sig, sn, "tests/daemon/mud/ca.pem", err, sizeof err));
	if (err[0])
		fprintf(stderr, "%s\n", err);
	CHECK(!mud_verify_cms(prof, n, sig, sn, "tests/daemon/mud/other-ca.pem", err, sizeof err));
	prof[100] ^= 1; /* one bit of the profile changed */
	CHECK(!mud_verify_cms(prof, n, sig, sn, "tests/daemon/mud/ca.pem", err, sizeof err));
	CHECK(strstr(err, "does not verify") != NULL);
	prof[100] ^= 1;
	CHECK(!mud_verify_cms(prof, n, "garbage", 7, "tests/daemon/mud/ca.pem", err, sizeof err));
	CHECK(!mud_verify_cms(prof, n, sig, sn, "", err, sizeof err));
	CHECK(!mud_verify_cms(prof, n, sig, sn, "/nonexistent.pem", err, sizeof err));
	/* fetching refuses anything but https before any network use */
	struct mud_fetch_cfg fc = {.ca_file = "tests/daemon/mud/ca.pem", .timeout_s = 1};
	CHECK(mud_fetch("http://plug.example/x.json", &fc, err, sizeof err) == NULL);
	CHECK(strstr(err, "not https") != NULL);
	free(prof);
	free(sig);
}

int main(void)
{
	test_plug();
	test_rich();
	test_malformed();
	test_signature();
	return test_summary();
}
