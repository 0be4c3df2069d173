/* test_scope.c - which targets `koban audit` may touch: the own ranges,
 * --scope, --authorized with a scope file; prefix expansion; the options
 * and the credential list format. */
#include <stdlib.h>
#include <unistd.h>

#include "audit/audit.h"
#include "test.h"

static bool allows(const struct audit_scope *s, const char *t)
{
	struct kprefix p;
	char why[512];
	return scope_parse_target(&p, t) && scope_allows(s, &p, why, sizeof why);
}

static void test_own_ranges(void)
{
	struct audit_scope s = {0};
	CHECK(allows(&s, "192.168.1.20"));
	CHECK(allows(&s, "10.1.2.0/24"));
	CHECK(allows(&s, "172.31.255.1"));
	CHECK(allows(&s, "169.254.10.10"));
	CHECK(allows(&s, "fd12:3456::1"));
	CHECK(allows(&s, "fe80::1"));
	CHECK(!allows(&s, "172.32.0.1"));      /* just outside 172.16/12 */
	CHECK(!allows(&s, "100.64.0.5"));      /* ISP shared space is not the operator's */
	CHECK(!allows(&s, "8.8.8.8"));
	CHECK(!allows(&s, "192.168.0.0/15"));  /* wider than the private range */
	CHECK(!allows(&s, "2001:db8::1"));
	CHECK(!allows(&s, "127.0.0.1"));
	CHECK(!allows(&s, "224.0.0.1"));
	CHECK(!allows(&s, "0.0.0.0"));
}

static void test_scope_limits(void)
{
	struct audit_scope s = {0};
	char why[512];
	CHECK(scope_add(&s, "192.168.60.0/28", why, sizeof why));
	CHECK(allows(&s, "192.168.60.5"));
	CHECK(!allows(&s, "192.168.60.20"));
	CHECK(!allows(&s, "192.168.60.0/24"));
	CHECK(!scope_add(&s, "203.0.113.0/24", why, sizeof why));
	CHECK(strstr(why, "--authorized") != NULL);
	CHECK(!scope_add(&s, "not-an-address", why, sizeof why));
}

static void test_authorized(void)
{
	char path[] = "/tmp/koban-scope-XXXXXX", err[512];
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	const char text[] = "# owner's written authorisation, ticket 42\n198.51.100.0/24\n  203.0.113.7  # one host\n";
	CHECK(write(fd, text, sizeof text - 1) == (ssize_t)(sizeof text - 1));
	close(fd);
	struct audit_scope s = {0};
	CHECK(scope_load_file(&s, path, err, sizeof err));
	CHECK_INT(s.n_authorized, 2);
	CHECK(!allows(&s, "198.51.100.9")); /* the file alone is not enough */
	s.authorized_flag = true;
	CHECK(allows(&s, "198.51.100.9"));
	CHECK(allows(&s, "203.0.113.7"));
	CHECK(!allows(&s, "203.0.113.8"));
	CHECK(!allows(&s, "198.51.0.0/16"));
	CHECK(scope_add(&s, "198.51.100.0/25", err, sizeof err));
	unlink(path);
	struct audit_scope bad = {0};
	FILE *f = fopen(path, "w");
	fputs("10.0.0.0/8\nbogus line\n", f);
	fclose(f);
	CHECK(!scope_load_file(&bad, path, err, sizeof err));
	CHECK(strstr(err, ":2:") != NULL);
	unlink(path);
}

static void test_expand(void)
{
	struct kaddr out[300];
	size_t n = 0;
	struct kprefix p;
	char a[KADDR_STRLEN];
	CHECK(scope_parse_target(&p, "192.168.5.77/24"));
	CHECK(scope_expand(&p, out, &n, 300));
	CHECK_INT(n, 254);
	CHECK_STR(kaddr_str(&out[0], a, sizeof a), "192.168.5.1");
	CHECK_STR(kaddr_str(&out[253], a, sizeof a), "192.168.5.254");
	n = 0;
	CHECK(scope_parse_target(&p, "10.0.0.8/31"));
	CHECK(scope_expand(&p, out, &n, 300));
	CHECK_INT(n, 2);
	n = 0;
	CHECK(scope_parse_target(&p, "fd00::/120"));
	CHECK(scope_expand(&p, out, &n, 300));
	CHECK_INT(n, 256);
	CHECK_STR(kaddr_str(&out[255], a, sizeof a), "fd00::ff");
	n = 0;
	CHECK(!scope_expand(&p, out, &n, 100)); /* more than max */
	CHECK(scope_parse_target(&p, "10.0.0.0/8"));
	CHECK(!scope_expand(&p, out, &n, 300));
}

static void test_ports_and_creds(void)
{
	struct audit_opts o;
	char err[256];
	audit_opts_defaults(&o);
	CHECK(o.max_attempts == 10 && o.attempt_interval_ms == 1000);
	CHECK(audit_ports_parse(&o, "23, 80,8000-8002,23", err, sizeof err));
	CHECK_INT(o.n_ports, 5);
	CHECK_INT(o.ports[4], 8002);
	CHECK(!audit_ports_parse(&o, "0", err, sizeof err));
	CHECK(!audit_ports_parse(&o, "80-70", err, sizeof err));
	CHECK(!audit_ports_parse(&o, "70000", err, sizeof err));
	CHECK(!audit_ports_parse(&o, "http", err, sizeof err));

	struct audit_creds c = {0};
	const char list[] = "# comment\nroot\txc3511\tMirai\nadmin\t\tempty password\r\n\nuser\tuser\n";
	CHECK(creds_parse(&c, list, sizeof list - 1, err, sizeof err));
	CHECK_INT(c.n, 3);
	CHECK_STR(c.v[0].pass, "xc3511");
	CHECK_STR(c.v[1].user, "admin");
	CHECK_STR(c.v[1].pass, "");
	CHECK_INT(c.v[2].entry, 3);
	creds_free(&c);
	const char bad[] = "root\txc3511\tok\nnotab\n";
	CHECK(!creds_parse(&c, bad, sizeof bad - 1, err, sizeof err));
	CHECK(strstr(err, ":2:") != NULL);
	CHECK_INT(c.n, 0);
}

int main(void)
{
	test_own_ranges();
	test_scope_limits();
	test_authorized();
	test_expand();
	test_ports_and_creds();
	return test_summary();
}
