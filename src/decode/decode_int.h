/* decode_int.h - private interface between the layers of the packet decoder
 * (link.c, arp.c, ipv4.c, ipv6.c, transport.c, decode.c). Not for use outside
 * src/decode.
 *
 * Each layer gets a cursor over its bytes as captured. Layers below an IP
 * header also get `claimed`: how many bytes the enclosing header says the
 * layer has. The cursor never extends past `claimed`, so a header that does
 * not fit in `claimed` is MALFORMED and one that fits in `claimed` but not in
 * the cursor was cut by the snap length (TRUNCATED). */
#ifndef KOBAN_DECODE_INT_H
#define KOBAN_DECODE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "decode/packet.h"
#include "util/cursor.h"

enum {
	ETH_P_IPV4 = 0x0800,
	ETH_P_ARP = 0x0806,
	ETH_P_IPV6 = 0x86dd,
};

/* Can n more bytes be read? MALFORMED if the enclosing header claims fewer,
 * TRUNCATED if the capture holds fewer, else OK. */
static inline enum decode_status dec_need(const struct cursor *c, size_t claimed, size_t n)
{
	if (n > claimed)
		return DECODE_MALFORMED;
	if (!cur_has(c, n))
		return DECODE_TRUNCATED;
	return DECODE_OK;
}

/* link.c: strips the link header of `linktype`, fills the link fields and
 * stores the ethertype of what follows in *next (0x0800/0x86dd for raw IP). */
enum decode_status decode_link(int linktype, struct cursor *c, struct packet *pkt, uint16_t *next);

/* decode.c: decodes the network layer named by an ethertype. */
enum decode_status decode_l3(uint16_t ethertype, struct cursor *c, struct packet *pkt);

enum decode_status decode_arp(struct cursor *c, struct packet *pkt);
enum decode_status decode_ipv4(struct cursor *c, struct packet *pkt);
enum decode_status decode_ipv6(struct cursor *c, struct packet *pkt);

/* transport.c: decodes the L4 header of protocol `proto`; c covers the L4
 * bytes (clipped to the capture and the IP length), `claimed` is the L4
 * length the IP layer claims. */
enum decode_status decode_l4(uint8_t proto, struct cursor *c, size_t claimed, struct packet *pkt);

#endif
