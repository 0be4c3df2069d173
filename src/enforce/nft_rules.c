/* nft_rules.c - turns the containment state into one nft script that
 * replaces koban's own tables (`table inet koban` for routed traffic and the
 * gateway itself, `table bridge koban` for frames bridged between LAN ports:
 * quarantine, degrade and block-target)
 * in a single transaction. Nothing here names any other table or chain.
 * Only enforced actions make rules; the order is fail-closed, quarantine,
 * lan-only, block-target, degrade, MUD. The rules are documented with
 * examples in docs/gateway.md. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enforce/enforce.h"
#include "enforce/mud.h"

#define PRIO "-10"

struct gen {
	FILE *f;
	const struct enf_rules_in *in;
};

static const char *fam(const struct kaddr *a)
{
	return a->family == KADDR_V6 ? "ip6" : "ip";
}

static void put_addr(FILE *f, const struct kaddr *a)
{
	char b[KADDR_STRLEN];
	fputs(kaddr_str(a, b, sizeof b), f);
}

static void put_prefix(FILE *f, const struct kprefix *p)
{
	put_addr(f, &p->addr);
	fprintf(f, "/%u", p->len);
}

/* "{ 10.0.0.0/8, 192.168.0.0/16 }" of the local networks of one family;
 * false if there is none. */
static bool put_local_set(FILE *f, const struct enf_rules_in *in, uint8_t family)
{
	bool any = false;
	for (size_t i = 0; i < in->n_local; i++) {
		if (in->local[i].addr.family != family)
			continue;
		fputs(any ? ", " : "{ ", f);
		put_prefix(f, &in->local[i]);
		any = true;
	}
	if (any)
		fputs(" }", f);
	return any;
}

static void put_mac(FILE *f, const uint8_t m[6])
{
	fprintf(f, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

/* "tcp dport 23" / "udp dport 23" / "meta l4proto { tcp, udp } th dport 23" */
static void put_port(FILE *f, uint8_t proto, const char *which, uint16_t port)
{
	if (proto == IPPROTO_TCP || proto == IPPROTO_UDP)
		fprintf(f, "%s %s %u", proto == IPPROTO_TCP ? "tcp" : "udp", which, port);
	else
		fprintf(f, "meta l4proto { tcp, udp } th %s %u", which, port);
}

/* ---------------------------------------------------------------- forward */

static void fwd_quarantine(FILE *f, const struct enf_action *a)
{
	if (a->dev.has_mac) {
		fputs("\t\tether saddr ", f);
		put_mac(f, a->dev.mac);
		fputs(" drop\n", f);
	}
	for (size_t i = 0; i < a->dev.n_ips; i++) {
		const struct kaddr *ip = &a->dev.ips[i];
		fprintf(f, "\t\t%s saddr ", fam(ip));
		put_addr(f, ip);
		fprintf(f, " drop\n\t\t%s daddr ", fam(ip));
		put_addr(f, ip);
		fputs(" drop\n", f);
	}
}

static void fwd_lan_only(struct gen *g, const struct enf_action *a)
{
	FILE *f = g->f;
	for (size_t i = 0; i < a->dev.n_ips; i++) {
		const struct kaddr *ip = &a->dev.ips[i];
		for (int dir = 0; dir < 2; dir++) {
			fprintf(f, "\t\t%s %s ", fam(ip), dir ? "daddr" : "saddr");
			put_addr(f, ip);
			fprintf(f, " %s %s", fam(ip), dir ? "saddr" : "daddr");
			fputs(" != ", f);
			if (!put_local_set(f, g->in, ip->family)) /* no local network of the family: all is WAN */
				fputs(ip->family == KADDR_V6 ? "::/0" : "0.0.0.0/0", f);
			fputs(" drop\n", f);
		}
	}
}

static void fwd_block_target(FILE *f, const struct enf_action *a)
{
	const char *tf = fam(&a->target);
	if (a->dev.has_mac) {
		fputs("\t\tether saddr ", f);
		put_mac(f, a->dev.mac);
		fprintf(f, " %s daddr ", tf);
		put_addr(f, &a->target);
		fputs(" drop\n", f);
	}
	for (size_t i = 0; i < a->dev.n_ips; i++) {
		if (a->dev.ips[i].family != a->target.family)
			continue;
		fprintf(f, "\t\t%s saddr ", tf);
		put_addr(f, &a->dev.ips[i]);
		fprintf(f, " %s daddr ", tf);
		put_addr(f, &a->target);
		fputs(" drop\n", f);
	}
}

/* Degrade: the port closed in both directions (requests to it, answers from it). */
static void degrade_rules(FILE *f, const struct enf_action *a, bool to_dev, bool from_dev)
{
	for (size_t i = 0; i < a->dev.n_ips; i++) {
		const struct kaddr *ip = &a->dev.ips[i];
		if (to_dev) {
			fprintf(f, "\t\t%s daddr ", fam(ip));
			put_addr(f, ip);
			fputc(' ', f);
			put_port(f, a->proto, "dport", a->port);
			fputs(" drop\n", f);
		}
		if (from_dev) {
			fprintf(f, "\t\t%s saddr ", fam(ip));
			put_addr(f, ip);
			fputc(' ', f);
			put_port(f, a->proto, "sport", a->port);
			fputs(" drop\n", f);
		}
	}
}

static void fwd_mud_jumps(FILE *f, const struct enf_action *a, size_t idx)
{
	if (a->dev.has_mac) {
		fputs("\t\tether saddr ", f);
		put_mac(f, a->dev.mac);
		fprintf(f, " jump mud_%zu_from\n", idx);
	}
	for (size_t i = 0; i < a->dev.n_ips; i++) {
		const struct kaddr *ip = &a->dev.ips[i];
		fprintf(f, "\t\t%s saddr ", fam(ip));
		put_addr(f, ip);
		fprintf(f, " jump mud_%zu_from\n\t\t%s daddr ", idx, fam(ip));
		put_addr(f, ip);
		fprintf(f, " jump mud_%zu_to\n", idx);
	}
}

static void failclosed_rules(struct gen *g)
{
	for (size_t i = 0; i < g->in->n_ifaces; i++)
		fprintf(g->f, "\t\tiifname \"%s\" drop\n\t\toifname \"%s\" drop\n", g->in->ifaces[i], g->in->ifaces[i]);
}

static void chain_forward(struct gen *g)
{
	const struct enf_set *s = g->in->set;
	static const enum enf_kind order[] = {ENF_QUARANTINE, ENF_LAN_ONLY, ENF_BLOCK_TARGET, ENF_DEGRADE, ENF_MUD};
	fputs("\tchain forward {\n\t\ttype filter hook forward priority " PRIO "; policy accept;\n", g->f);
	if (g->in->fail_closed)
		failclosed_rules(g);
	for (size_t o = 0; o < sizeof order / sizeof order[0]; o++) {
		for (size_t i = 0; i < s->n; i++) {
			const struct enf_action *a = &s->v[i];
			if (!a->enforced || a->kind != order[o])
				continue;
			switch (a->kind) {
			case ENF_QUARANTINE: fwd_quarantine(g->f, a); break;
			case ENF_LAN_ONLY: fwd_lan_only(g, a); break;
			case ENF_BLOCK_TARGET: fwd_block_target(g->f, a); break;
			case ENF_DEGRADE: degrade_rules(g->f, a, true, true); break;
			case ENF_MUD: if (a->mud) fwd_mud_jumps(g->f, a, i); break;
			default: break;
			}
		}
	}
	fputs("\t}\n", g->f);
}

/* ------------------------------------------------------- input and output */

/* A quarantined device may ask the gateway for DNS and DHCP, nothing else. */
static void in_quarantine_one(FILE *f, const char *match)
{
	fprintf(f, "\t\t%s udp dport { 53, 67 } accept\n\t\t%s tcp dport 53 accept\n\t\t%s drop\n", match, match,
		match);
}

static void chain_input(struct gen *g)
{
	const struct enf_set *s = g->in->set;
	char m[96], ip[KADDR_STRLEN], mac[MAC_STRLEN];
	fputs("\tchain input {\n\t\ttype filter hook input priority " PRIO "; policy accept;\n", g->f);
	for (size_t i = 0; i < s->n; i++) {
		const struct enf_action *a = &s->v[i];
		if (!a->enforced || (a->kind != ENF_QUARANTINE && a->kind != ENF_DEGRADE))
			continue;
		if (a->kind == ENF_DEGRADE) {
			degrade_rules(g->f, a, false, true);
			continue;
		}
		if (a->dev.has_mac) {
			snprintf(m, sizeof m, "ether saddr %s", mac_str(a->dev.mac, mac, sizeof mac));
			in_quarantine_one(g->f, m);
		}
		for (size_t k = 0; k < a->dev.n_ips; k++) {
			snprintf(m, sizeof m, "%s saddr %s", fam(&a->dev.ips[k]), kaddr_str(&a->dev.ips[k], ip, sizeof ip));
			in_quarantine_one(g->f, m);
		}
	}
	fputs("\t}\n", g->f);
}

static void chain_output(struct gen *g)
{
	const struct enf_set *s = g->in->set;
	char ip[KADDR_STRLEN];
	fputs("\tchain output {\n\t\ttype filter hook output priority " PRIO "; policy accept;\n", g->f);
	for (size_t i = 0; i < s->n; i++) {
		const struct enf_action *a = &s->v[i];
		if (!a->enforced || (a->kind != ENF_QUARANTINE && a->kind != ENF_DEGRADE))
			continue;
		if (a->kind == ENF_DEGRADE) {
			degrade_rules(g->f, a, true, false);
			continue;
		}
		for (size_t k = 0; k < a->dev.n_ips; k++) {
			const char *fm = fam(&a->dev.ips[k]);
			kaddr_str(&a->dev.ips[k], ip, sizeof ip);
			fprintf(g->f, "\t\t%s daddr %s udp sport { 53, 67 } accept\n", fm, ip);
			fprintf(g->f, "\t\t%s daddr %s tcp sport 53 accept\n\t\t%s daddr %s drop\n", fm, ip, fm, ip);
		}
	}
	fputs("\t}\n", g->f);
}

/* -------------------------------------------------------------------- MUD */

static void put_ports(FILE *f, const char *l4, const char *which, uint16_t lo, uint16_t hi)
{
	if (!lo && !hi)
		return;
	if (lo == hi)
		fprintf(f, " %s %s %u", l4, which, lo);
	else
		fprintf(f, " %s %s %u-%u", l4, which, lo, hi);
}

/* The peer of an ACE: "ip daddr 203.0.113.0/24" ...; false if it names
 * nothing koban can match (an unresolved name). */
static bool mud_peer(struct gen *g, const struct mud_ace *ace, const char *field)
{
	const char *fm = ace->family == KADDR_V6 ? "ip6" : "ip";
	FILE *f = g->f;
	if (ace->local_networks) {
		fprintf(f, "%s %s ", fm, field);
		if (!put_local_set(f, g->in, ace->family))
			fputs(ace->family == KADDR_V6 ? "fc00::/7" : "10.0.0.0/8", f);
		return true;
	}
	if (ace->has_net) {
		fprintf(f, "%s %s ", fm, field);
		put_prefix(f, &ace->net);
		return true;
	}
	if (ace->dnsname[0]) {
		if (!ace->n_resolved)
			return false;
		fprintf(f, "%s %s { ", fm, field);
		for (size_t i = 0; i < ace->n_resolved; i++) {
			if (i)
				fputs(", ", f);
			put_addr(f, &ace->resolved[i]);
		}
		fputs(" }", f);
		return true;
	}
	fprintf(f, "meta nfproto %s", ace->family == KADDR_V6 ? "ipv6" : "ipv4");
	return true;
}

static void mud_ace_rule(struct gen *g, const struct mud_ace *ace, int dir)
{
	/* entries allowing only replies are covered by the established rule */
	if (ace->initiated && ace->initiated != dir)
		return;
	/* a rule is written in memory first: an unresolved peer drops the whole line */
	FILE *keep = g->f;
	char *buf = NULL;
	size_t len = 0;
	g->f = open_memstream(&buf, &len);
	if (!g->f) {
		g->f = keep;
		return;
	}
	fputs("\t\t", g->f);
	bool ok = mud_peer(g, ace, dir == MUD_FROM_DEVICE ? "daddr" : "saddr");
	const char *l4 = ace->proto == IPPROTO_TCP ? "tcp" : ace->proto == IPPROTO_UDP ? "udp" : NULL;
	if (l4) {
		put_ports(g->f, l4, "sport", ace->sport_lo, ace->sport_hi);
		put_ports(g->f, l4, "dport", ace->dport_lo, ace->dport_hi);
		if (!ace->sport_lo && !ace->sport_hi && !ace->dport_lo && !ace->dport_hi)
			fprintf(g->f, " meta l4proto %s", l4);
	} else if (ace->proto) {
		fprintf(g->f, " meta l4proto %u", ace->proto);
	}
	fputs(" accept\n", g->f);
	fclose(g->f);
	g->f = keep;
	if (ok)
		fwrite(buf, 1, len, g->f);
	free(buf);
}

static void chain_mud(struct gen *g, const struct enf_action *a, size_t idx)
{
	for (int dir = MUD_FROM_DEVICE; dir <= MUD_TO_DEVICE; dir++) {
		fprintf(g->f, "\tchain mud_%zu_%s {\n\t\tct state established,related accept\n", idx,
			dir == MUD_FROM_DEVICE ? "from" : "to");
		for (size_t i = 0; i < a->mud->n; i++)
			if (a->mud->aces[i].dir == dir)
				mud_ace_rule(g, &a->mud->aces[i], dir);
		fputs("\t\tcounter drop\n\t}\n", g->f);
	}
}

/* ----------------------------------------------------------------- bridge */

static void chain_bridge(struct gen *g)
{
	const struct enf_set *s = g->in->set;
	fputs("table bridge koban\ndelete table bridge koban\ntable bridge koban {\n"
	      "\tchain forward {\n\t\ttype filter hook forward priority " PRIO "; policy accept;\n",
	      g->f);
	for (size_t i = 0; i < s->n; i++) {
		const struct enf_action *a = &s->v[i];
		if (!a->enforced)
			continue;
		if (a->kind == ENF_DEGRADE) /* the port is closed to LAN peers too */
			degrade_rules(g->f, a, true, true);
		if (a->kind == ENF_BLOCK_TARGET) /* the target may be on the LAN */
			fwd_block_target(g->f, a);
		if (a->kind != ENF_QUARANTINE || !a->dev.has_mac)
			continue;
		for (int dir = 0; dir < 2; dir++) {
			fprintf(g->f, "\t\tether %s ", dir ? "daddr" : "saddr");
			put_mac(g->f, a->dev.mac);
			fputs(" drop\n", g->f);
		}
	}
	fputs("\t}\n}\n", g->f);
}

char *nft_rules_text(const struct enf_rules_in *in)
{
	char *buf = NULL;
	size_t len = 0;
	struct gen g = {.f = open_memstream(&buf, &len), .in = in};
	if (!g.f)
		return NULL;
	fputs("table inet koban\ndelete table inet koban\ntable inet koban {\n", g.f);
	chain_forward(&g);
	chain_input(&g);
	chain_output(&g);
	for (size_t i = 0; i < in->set->n; i++)
		if (in->set->v[i].enforced && in->set->v[i].kind == ENF_MUD && in->set->v[i].mud)
			chain_mud(&g, &in->set->v[i], i);
	fputs("}\n", g.f);
	chain_bridge(&g);
	if (fclose(g.f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

const char *nft_rules_delete_text(void)
{
	return "table inet koban\ndelete table inet koban\ntable bridge koban\ndelete table bridge koban\n";
}
