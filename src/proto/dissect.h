/* dissect.h - the interface between the engine and the application-layer
 * dissectors (one file per protocol, registered in proto/registry.c).
 *
 * A dissector reads a payload through a bounds-checked cursor and reports
 * what it learned as `facts` through a sink. It never touches the inventory
 * itself: the engine copies, sanitises and attributes each fact. Strings in
 * facts point into the packet or the dissector's state and are NOT
 * NUL-terminated or sanitised: they are hostile bytes with a length. */
#ifndef KOBAN_DISSECT_H
#define KOBAN_DISSECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/packet.h"
#include "util/addr.h"

enum fact_kind {
	FACT_HOSTNAME,        /* DHCP option 12, mDNS host name */
	FACT_VENDOR_CLASS,    /* DHCP option 60 */
	FACT_DHCP_PARAMS,     /* DHCP option 55 as text "1,3,6,15" */
	FACT_CLIENT_ID,       /* DHCP option 61 as hex text */
	FACT_MUD_URL,         /* DHCP option 161 */
	FACT_DHCP_ADDRESS,    /* DHCP ACK: addr = yiaddr given to mac (value = 6 raw MAC bytes) */
	FACT_DNS_QUERY,       /* a name the subject asked for */
	FACT_DNS_ANSWER,      /* value = name, addr = address it resolves to */
	FACT_MDNS_SERVICE,    /* value = service type, e.g. "_hap._tcp.local"; port when known */
	FACT_MDNS_INSTANCE,   /* value = instance name */
	FACT_MANUFACTURER,    /* UPnP manufacturer, mDNS TXT "manufacturer"/"mf" */
	FACT_MODEL,           /* UPnP modelName (+ modelNumber), mDNS TXT "md"/"model"/"ty" */
	FACT_FIRMWARE,        /* UPnP firmware/softwareVersion, mDNS TXT "fv"/"fw"/"firmware" */
	FACT_SERVER_BANNER,   /* HTTP Server:, SSDP SERVER:, TELNET banner, MQTT broker; port = service port */
	FACT_USER_AGENT,      /* HTTP User-Agent, SSDP USER-AGENT */
	FACT_UPNP_LOCATION,   /* SSDP LOCATION: URL of the description XML */
	FACT_UPNP_USN,        /* SSDP USN */
	FACT_HTTP_HOST,       /* HTTP Host: the client asked for */
	FACT_HTTP_AUTH_REALM, /* WWW-Authenticate challenge (scheme and realm); port = service port */
	FACT_TLS_SNI,         /* server name the client asked for */
	FACT_LOGIN,           /* a cleartext login: value = user, secret = password (may be absent),
			       * proto = "telnet"|"ftp"|"http-basic"|"mqtt", port = service port */
	FACT_MQTT_CLIENT_ID,
	FACT_NTP,             /* value = "client"|"server" mode, subject uses NTP */
	FACT_SERVICE,         /* the subject offers proto on port (no value): e.g. a DHCP server,
			       * whose replies do not travel on the client's flow */
};

/* Whom a fact is about. */
enum fact_about {
	ABOUT_SRC,  /* the sender of the packet being dissected */
	ABOUT_DST,  /* the receiver of the packet being dissected */
	ABOUT_ADDR, /* the host given in fact.addr (e.g. a DNS answer) */
	ABOUT_CLIENT, /* the initiator of the flow (for stream dissectors) */
	ABOUT_SERVER, /* the responder of the flow (for stream dissectors) */
	ABOUT_MAC,    /* the host whose hardware address is fact.mac (DHCP chaddr: right
		       * even when a relay forwards the message) */
};

struct fact {
	enum fact_kind kind;
	enum fact_about about;
	struct kaddr addr;
	const uint8_t *mac;   /* ABOUT_MAC: 6 bytes */
	const char *value;
	size_t value_len;
	const char *secret;   /* FACT_LOGIN password; never stored, only compared and masked */
	size_t secret_len;
	const char *proto;    /* static string naming the protocol that produced the fact */
	uint16_t port;
};

struct fact_sink {
	void (*emit)(void *ctx, const struct fact *f);
	void *ctx;
};

static inline void fact_emit(const struct fact_sink *s, const struct fact *f)
{
	if (s && s->emit)
		s->emit(s->ctx, f);
}

/* What a dissector sees for one packet. */
struct dissect_input {
	const struct packet *pkt;
	const uint8_t *payload;
	size_t len;
	bool from_client;  /* packet travels from the flow's initiator to its responder */
	bool flow_end;     /* no payload: the flow is ending (FIN/RST/idle/eviction); flush state */
	uint16_t server_port; /* responder's port */
};

/* Per-flow state for stream dissectors: a fixed slot from a pool sized at
 * start-up. `state` is zeroed when the flow gets its slot. If the pool is
 * empty the dissector is called with state == NULL and must cope (it may
 * dissect statelessly or skip). */
struct dissector {
	const char *name;
	uint8_t l4_proto;   /* IPPROTO_TCP or IPPROTO_UDP */
	/* Does this dissector want the flow? Called on the first payload packet of
	 * a flow (ports plus a look at the payload). */
	bool (*match)(const struct dissect_input *in);
	void (*dissect)(const struct dissect_input *in, void *state, const struct fact_sink *sink);
	size_t state_size;  /* 0 for stateless dissectors; at most DISSECT_STATE_MAX */
};

#define DISSECT_STATE_MAX (16 * 1024)

/* The registry (proto/registry.c). */
extern const struct dissector *const dissector_table[];
extern const size_t dissector_count;

/* Returns the index of the first dissector that matches, or -1. */
int dissector_find(uint8_t l4_proto, const struct dissect_input *in);

#endif
