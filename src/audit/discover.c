/* discover.c - finding the live hosts before the port scan. On a directly
 * attached IPv4 network ARP is the truth: a host that does not answer an
 * ARP request cannot be reached at all, so it is skipped (AF_PACKET socket,
 * needs CAP_NET_RAW). Elsewhere ICMP echo marks hosts up (raw socket, or
 * the unprivileged ping socket); hosts that stay silent are still scanned,
 * since many devices drop ping. Requests are paced by the run's rate. */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/if_ether.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "audit/net.h"
#include "audit/ports.h"

#define MAX_IFS 32

struct lan {
	int ifindex;
	uint8_t mac[6];
	struct kaddr ip;
	struct kprefix net;
};

/* Directly attached IPv4 networks (up, not loopback, with a MAC). */
static size_t local_lans(struct lan *out, size_t max)
{
	struct ifaddrs *ifa, *p;
	size_t n = 0;
	if (getifaddrs(&ifa) != 0)
		return 0;
	for (p = ifa; p && n < max; p = p->ifa_next) {
		if (!p->ifa_addr || p->ifa_addr->sa_family != AF_INET || !p->ifa_netmask ||
		    (p->ifa_flags & IFF_LOOPBACK) || !(p->ifa_flags & IFF_UP))
			continue;
		struct lan *l = &out[n];
		memset(l, 0, sizeof *l);
		kaddr_v4(&l->ip, (const uint8_t *)&((struct sockaddr_in *)p->ifa_addr)->sin_addr);
		uint32_t mask = ntohl(((struct sockaddr_in *)p->ifa_netmask)->sin_addr.s_addr);
		l->net.addr = l->ip;
		l->net.len = (uint8_t)__builtin_popcount(mask);
		l->ifindex = (int)if_nametoindex(p->ifa_name);
		for (struct ifaddrs *q = ifa; q; q = q->ifa_next)
			if (q->ifa_addr && q->ifa_addr->sa_family == AF_PACKET && !strcmp(q->ifa_name, p->ifa_name))
				memcpy(l->mac, ((struct sockaddr_ll *)q->ifa_addr)->sll_addr, 6);
		if (l->ifindex > 0 && !mac_is_zero(l->mac))
			n++;
	}
	freeifaddrs(ifa);
	return n;
}

static int host_cmp(const void *k, const void *e)
{
	const struct kaddr *a = k, *b = &((const struct audit_host *)e)->ip;
	return a->family != b->family ? (int)a->family - (int)b->family : memcmp(a->b, b->b, 16);
}

/* run->hosts is sorted by address (audit_hosts_sort). */
static struct audit_host *find_host(struct audit_run *run, const uint8_t ip4[4])
{
	struct kaddr a;
	kaddr_v4(&a, ip4);
	return bsearch(&a, run->hosts, run->n_hosts, sizeof *run->hosts, host_cmp);
}

static void arp_send(int fd, const struct lan *l, const struct kaddr *target)
{
	struct ether_arp req = {0};
	req.arp_hrd = htons(ARPHRD_ETHER);
	req.arp_pro = htons(ETHERTYPE_IP);
	req.arp_hln = 6;
	req.arp_pln = 4;
	req.arp_op = htons(ARPOP_REQUEST);
	memcpy(req.arp_sha, l->mac, 6);
	memcpy(req.arp_spa, l->ip.b, 4);
	memcpy(req.arp_tpa, target->b, 4);
	struct sockaddr_ll to = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ARP),
				 .sll_ifindex = l->ifindex, .sll_halen = 6};
	memset(to.sll_addr, 0xff, 6);
	net_rate_wait();
	sendto(fd, &req, sizeof req, 0, (struct sockaddr *)&to, sizeof to);
}

/* Reads replies until quiet_ms pass without one. */
static void arp_collect(int fd, struct audit_run *run, unsigned quiet_ms)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	while (poll(&pfd, 1, (int)quiet_ms) > 0) {
		struct ether_arp rep;
		ssize_t r = recv(fd, &rep, sizeof rep, 0);
		if (r < (ssize_t)sizeof rep || ntohs(rep.arp_op) != ARPOP_REPLY)
			continue;
		struct audit_host *h = find_host(run, rep.arp_spa);
		if (h && !h->has_mac) {
			h->up = h->has_mac = true;
			memcpy(h->mac, rep.arp_sha, 6);
			snprintf(h->seen_by, sizeof h->seen_by, "arp");
		}
	}
}

static int lan_of(const struct lan *lans, size_t n, const struct kaddr *ip)
{
	for (size_t i = 0; i < n; i++)
		if (kprefix_contains(&lans[i].net, ip) && !kaddr_eq(&lans[i].ip, ip))
			return (int)i;
	return -1;
}

/* ARP for every host on an attached network (two rounds); returns the
 * number of hosts that were ARP-able, or -1 without CAP_NET_RAW. */
static int arp_sweep(struct audit_run *run, const struct lan *lans, size_t nl, bool *arpable)
{
	int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ARP));
	if (fd < 0)
		return -1;
	int count = 0;
	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < run->n_hosts; i++) {
			struct audit_host *h = &run->hosts[i];
			int li = h->ip.family == KADDR_V4 ? lan_of(lans, nl, &h->ip) : -1;
			if (li < 0 || h->has_mac)
				continue;
			arpable[i] = true;
			count += round == 0;
			arp_send(fd, &lans[li], &h->ip);
			if ((i & 63) == 63)
				arp_collect(fd, run, 0);
		}
		arp_collect(fd, run, round ? run->opts->io_timeout_ms / 3 + 200 : 300);
	}
	close(fd);
	return count;
}

static uint16_t icmp_sum(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint32_t s = 0;
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (n & 1)
		s += (uint32_t)b[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return htons((uint16_t)~s);
}

static void icmp_collect(int fd, bool raw, struct audit_run *run, unsigned quiet_ms)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	while (poll(&pfd, 1, (int)quiet_ms) > 0) {
		uint8_t buf[512];
		struct sockaddr_in from;
		socklen_t fl = sizeof from;
		ssize_t r = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
		size_t off = raw && r > 0 ? (size_t)(buf[0] & 0x0f) * 4 : 0;
		if (r <= 0 || (size_t)r < off + 8 || buf[off] != ICMP_ECHOREPLY)
			continue;
		struct audit_host *h = find_host(run, (const uint8_t *)&from.sin_addr);
		if (h && !h->up) {
			h->up = true;
			snprintf(h->seen_by, sizeof h->seen_by, "icmp");
		}
	}
}

/* One echo request to every IPv4 host not found by ARP. */
static void icmp_sweep(struct audit_run *run, const bool *arpable)
{
	bool raw = true;
	int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (fd < 0) {
		raw = false;
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_ICMP);
	}
	if (fd < 0)
		return;
	uint16_t id = (uint16_t)getpid();
	for (size_t i = 0; i < run->n_hosts; i++) {
		struct audit_host *h = &run->hosts[i];
		if (arpable[i] || h->ip.family != KADDR_V4)
			continue;
		struct icmphdr e = {.type = ICMP_ECHO};
		e.un.echo.id = htons(id);
		e.un.echo.sequence = htons((uint16_t)i);
		e.checksum = icmp_sum(&e, sizeof e);
		struct sockaddr_storage ss;
		socklen_t sl = net_sockaddr(&h->ip, 0, &ss);
		net_rate_wait();
		sendto(fd, &e, sizeof e, 0, (struct sockaddr *)&ss, sl);
		if ((i & 63) == 63)
			icmp_collect(fd, raw, run, 0);
	}
	icmp_collect(fd, raw, run, 500);
	close(fd);
}

int discover_hosts(struct audit_run *run, bool *skip)
{
	struct lan lans[MAX_IFS];
	size_t nl = local_lans(lans, MAX_IFS);
	bool *arpable = calloc(run->n_hosts ? run->n_hosts : 1, sizeof *arpable);
	if (!arpable)
		return -1;
	int arped = nl ? arp_sweep(run, lans, nl, arpable) : 0;
	if (arped < 0)
		memset(arpable, 0, run->n_hosts * sizeof *arpable);
	icmp_sweep(run, arpable);
	for (size_t i = 0; i < run->n_hosts; i++)
		skip[i] = arpable[i] && !run->hosts[i].has_mac;
	free(arpable);
	return arped < 0 ? 1 : 0;
}
