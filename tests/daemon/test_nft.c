/* test_nft.c - nftables rule generation from containment actions: each
 * action kind gives the rules docs/gateway.md describes, monitor-mode
 * actions give none, and (as root, inside a private network namespace made
 * by the test) the generated script is accepted by the kernel through
 * libnftables and replaces koban's tables without touching another table. */
#include <netinet/in.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nftables/libnftables.h>

#include "enforce/enforce.h"
#include "enforce/mud.h"
#include "test.h"

static struct enf_action act(enum enf_kind k, const char *mac, const char *ip)
{
	struct enf_action a = {.kind = k, .enforced = true};
	if (mac) {
		mac_parse(a.dev.mac, mac);
		a.dev.has_mac = true;
	}
	if (ip)
		kaddr_parse(&a.dev.ips[a.dev.n_ips++], ip);
	return a;
}

static char *gen(struct enf_set *s, bool fail_closed)
{
	static struct kprefix local[2];
	kprefix_parse(&local[0], "192.168.50.0/24");
	kprefix_parse(&local[1], "fd00::/8");
	static const char *const ifs[] = {"lan0"};
	struct enf_rules_in in = {.set = s, .local = local, .n_local = 2, .ifaces = ifs, .n_ifaces = 1,
				  .fail_closed = fail_closed};
	return nft_rules_text(&in);
}

#define HAS(text, s) CHECK(strstr((text), (s)) != NULL)
#define HASNT(text, s) CHECK(strstr((text), (s)) == NULL)

static void test_quarantine(void)
{
	struct enf_set s;
	enf_set_init(&s);
	struct enf_action a = act(ENF_QUARANTINE, "02:00:00:00:00:05", "192.168.50.5");
	CHECK_INT(enf_set_add(&s, &a), 0);
	char *t = gen(&s, false);
	HAS(t, "table inet koban\ndelete table inet koban\n");
	HAS(t, "\t\tether saddr 02:00:00:00:00:05 drop\n");
	HAS(t, "\t\tip saddr 192.168.50.5 drop\n\t\tip daddr 192.168.50.5 drop\n");
	HAS(t, "\t\tip saddr 192.168.50.5 udp dport { 53, 67 } accept\n");
	HAS(t, "\t\tip saddr 192.168.50.5 tcp dport 53 accept\n\t\tip saddr 192.168.50.5 drop\n");
	HAS(t, "\t\tip daddr 192.168.50.5 udp sport { 53, 67 } accept\n");
	HAS(t, "\t\tether daddr 02:00:00:00:00:05 drop\n"); /* bridge table */
	HASNT(t, "iifname");
	free(t);
	/* monitor mode: recorded, no rule */
	s.v[0].enforced = false;
	t = gen(&s, false);
	HASNT(t, "02:00:00:00:00:05");
	HASNT(t, "192.168.50.5");
	free(t);
	/* the device moves to another address: the rules follow it */
	s.v[0].enforced = true;
	struct kaddr moved[2];
	kaddr_parse(&moved[0], "192.168.50.55");
	kaddr_parse(&moved[1], "fd00::55");
	CHECK(enf_set_update_ips(&s, s.v[0].dev.mac, moved, 2));
	CHECK(!enf_set_update_ips(&s, s.v[0].dev.mac, moved, 2));
	CHECK(!enf_set_update_ips(&s, s.v[0].dev.mac, moved, 0));
	t = gen(&s, false);
	HAS(t, "\t\tip saddr 192.168.50.55 drop\n");
	HAS(t, "\t\tip6 daddr fd00::55 drop\n");
	HASNT(t, "192.168.50.5 ");
	free(t);
	/* release */
	struct enf_device d;
	CHECK(enf_device_parse(&d, "02:00:00:00:00:05"));
	CHECK_INT(enf_set_remove(&s, &d, ENF_NONE), 1);
	CHECK_INT(s.n, 0);
	enf_set_free(&s);
}

static void test_degrade_block_lanonly(void)
{
	struct enf_set s;
	enf_set_init(&s);
	struct enf_action a = act(ENF_DEGRADE, "02:00:00:00:00:07", "192.168.50.7");
	a.port = 23;
	a.proto = IPPROTO_TCP;
	enf_set_add(&s, &a);
	struct enf_action b = act(ENF_BLOCK_TARGET, NULL, "192.168.50.8");
	kaddr_parse(&b.target, "203.0.113.10");
	enf_set_add(&s, &b);
	struct enf_action c = act(ENF_LAN_ONLY, NULL, "192.168.50.9");
	enf_set_add(&s, &c);
	struct enf_action e = act(ENF_DEGRADE, NULL, "fd00::7");
	e.port = 5353;
	enf_set_add(&s, &e);
	char *t = gen(&s, true);
	HAS(t, "\t\tip daddr 192.168.50.7 tcp dport 23 drop\n\t\tip saddr 192.168.50.7 tcp sport 23 drop\n");
	HAS(t, "\t\tip saddr 192.168.50.8 ip daddr 203.0.113.10 drop\n");
	HASNT(t, "ip daddr 192.168.50.8 drop");
	HAS(t, "\t\tip saddr 192.168.50.9 ip daddr != { 192.168.50.0/24 } drop\n");
	HAS(t, "\t\tip daddr 192.168.50.9 ip saddr != { 192.168.50.0/24 } drop\n");
	HAS(t, "\t\tip6 daddr fd00::7 meta l4proto { tcp, udp } th dport 5353 drop\n");
	HAS(t, "\t\tiifname \"lan0\" drop\n\t\toifname \"lan0\" drop\n");
	/* degrade and block-target also in the bridge table (LAN peers) */
	const char *br = strstr(t, "table bridge koban {");
	CHECK(br != NULL);
	if (br) {
		HAS(br, "\t\tip daddr 192.168.50.7 tcp dport 23 drop\n");
		HAS(br, "\t\tip saddr 192.168.50.8 ip daddr 203.0.113.10 drop\n");
		HASNT(br, "192.168.50.9"); /* lan-only concerns the WAN */
	}
	/* order: fail-closed before lan-only before block-target before degrade */
	CHECK(strstr(t, "iifname") < strstr(t, "192.168.50.9"));
	CHECK(strstr(t, "192.168.50.9") < strstr(t, "203.0.113.10"));
	CHECK(strstr(t, "203.0.113.10") < strstr(t, "tcp dport 23"));
	/* the same action twice is one action */
	struct enf_action a2 = act(ENF_DEGRADE, "02:00:00:00:00:07", "192.168.50.7");
	a2.port = 23;
	a2.proto = IPPROTO_TCP;
	CHECK_INT(enf_set_add(&s, &a2), 0);
	CHECK_INT(s.n, 4);
	free(t);
	enf_set_free(&s);
}

static struct mud_policy *load_plug(void)
{
	FILE *f = fopen("tests/daemon/mud/plug.json", "r");
	static char buf[65536];
	size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
	if (f)
		fclose(f);
	char err[256] = "";
	struct mud_policy *p = mud_parse(buf, n, err, sizeof err);
	if (!p)
		fprintf(stderr, "plug.json: %s\n", err);
	return p;
}

static void test_mud_rules(void)
{
	struct enf_set s;
	enf_set_init(&s);
	struct enf_action a = act(ENF_MUD, "02:00:00:00:00:0a", "192.168.50.10");
	a.mud = load_plug();
	CHECK(a.mud != NULL);
	if (!a.mud)
		return;
	kaddr_parse(&a.mud->aces[1].resolved[0], "203.0.113.20");
	a.mud->aces[1].n_resolved = 1;
	enf_set_add(&s, &a);
	char *t = gen(&s, false);
	HAS(t, "\t\tether saddr 02:00:00:00:00:0a jump mud_0_from\n");
	HAS(t, "\t\tip daddr 192.168.50.10 jump mud_0_to\n");
	HAS(t, "\tchain mud_0_from {\n\t\tct state established,related accept\n");
	HAS(t, "\t\tip daddr 203.0.113.10/32 tcp dport 8080 accept\n");
	HAS(t, "\t\tip daddr { 203.0.113.20 } udp dport 123 accept\n");
	HAS(t, "\t\tip daddr { 192.168.50.0/24 } accept\n");
	HAS(t, "\t\tip saddr { 192.168.50.0/24 } accept\n");
	/* to-device entry for replies only: covered by the established rule */
	HASNT(t, "ip saddr 203.0.113.10/32");
	HAS(t, "\t\tcounter drop\n");
	free(t);
	/* an unresolved name permits nothing */
	s.v[0].mud->aces[1].n_resolved = 0;
	t = gen(&s, false);
	HASNT(t, "udp dport 123");
	free(t);
	enf_set_free(&s);
}

static void test_json_roundtrip(void)
{
	struct enf_action a = act(ENF_DEGRADE, "02:00:00:00:00:07", "192.168.50.7");
	a.port = 23;
	a.proto = IPPROTO_TCP;
	a.since = 1234;
	snprintf(a.reason, sizeof a.reason, "telnet open");
	snprintf(a.origin, sizeof a.origin, "ctl uid 0");
	json_t *j = enf_action_to_json(&a);
	struct enf_action b;
	char err[128];
	CHECK(enf_action_from_json(j, &b, err, sizeof err));
	CHECK_INT(b.kind, ENF_DEGRADE);
	CHECK_INT(b.port, 23);
	CHECK_INT(b.proto, IPPROTO_TCP);
	CHECK(b.enforced);
	CHECK_INT(b.since, 1234);
	CHECK_STR(b.reason, "telnet open");
	CHECK(memcmp(b.dev.mac, a.dev.mac, 6) == 0);
	json_decref(j);
	j = json_pack("{s:s, s:[], s:s, s:i}", "action", "quarantine", "ips", "mode", "enforce", "since", 1);
	CHECK(!enf_action_from_json(j, &b, err, sizeof err)); /* no device */
	json_decref(j);
	struct enf_action m = act(ENF_MUD, "02:00:00:00:00:0a", NULL);
	m.mud = load_plug();
	j = enf_action_to_json(&m);
	CHECK(enf_action_from_json(j, &b, err, sizeof err));
	CHECK(b.mud && b.mud->n == m.mud->n);
	if (b.mud && b.mud->n == m.mud->n)
		CHECK(memcmp(b.mud->aces, m.mud->aces, m.mud->n * sizeof *m.mud->aces) == 0);
	mud_free(b.mud);
	mud_free(m.mud);
	json_decref(j);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay ? strstr(hay, needle) : NULL; p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* Applies a script in this (private) namespace and returns the ruleset. */
static char *apply_and_list(const char *script)
{
	char err[512];
	if (nft_apply(script, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		return NULL;
	}
	struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	nft_ctx_buffer_output(ctx);
	char *out = NULL;
	if (nft_run_cmd_from_buffer(ctx, "list ruleset") == 0)
		out = strdup(nft_ctx_get_output_buffer(ctx));
	nft_ctx_free(ctx);
	return out;
}

static void test_kernel_accepts(void)
{
	if (geteuid() != 0 || unshare(CLONE_NEWNET) != 0) {
		printf("skipping the kernel check: needs root for a private network namespace\n");
		return;
	}
	char err[256];
	CHECK_INT(nft_apply("table ip other { chain c { type filter hook forward priority 0; policy drop; }; }\n", err,
			    sizeof err), 0);
	struct enf_set s;
	enf_set_init(&s);
	struct enf_action a = act(ENF_QUARANTINE, "02:00:00:00:00:05", "192.168.50.5");
	enf_set_add(&s, &a);
	struct enf_action m = act(ENF_MUD, "02:00:00:00:00:0a", "192.168.50.10");
	m.mud = load_plug();
	enf_set_add(&s, &m);
	struct enf_action d = act(ENF_DEGRADE, NULL, "fd00::7");
	d.port = 23;
	enf_set_add(&s, &d);
	struct enf_action bt = act(ENF_BLOCK_TARGET, "02:00:00:00:00:08", "192.168.50.8");
	kaddr_parse(&bt.target, "192.168.50.7");
	enf_set_add(&s, &bt);
	char *t = gen(&s, true), *out = apply_and_list(t);
	CHECK(out != NULL);
	if (out) {
		HAS(out, "table ip other");
		HAS(out, "iifname \"lan0\" drop");
		HAS(out, "ether saddr 02:00:00:00:00:05 drop");
		HAS(out, "chain mud_1_from");
		HAS(out, "table bridge koban");
	}
	/* applied twice: replaced, not doubled */
	size_t first = count(out, "ether saddr 02:00:00:00:00:05 drop");
	CHECK_INT(first, 3); /* inet forward and input, bridge forward */
	free(out);
	out = apply_and_list(t);
	CHECK_INT(count(out, "ether saddr 02:00:00:00:00:05 drop"), first);
	free(out);
	free(t);
	out = apply_and_list(nft_rules_delete_text());
	CHECK(out && strstr(out, "koban") == NULL && strstr(out, "table ip other") != NULL);
	free(out);
	enf_set_free(&s);
}

int main(void)
{
	test_quarantine();
	test_degrade_block_lanonly();
	test_mud_rules();
	test_json_roundtrip();
	test_kernel_accepts();
	return test_summary();
}
