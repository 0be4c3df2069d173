/* fuzz_decode.c - libFuzzer target for the packet decoder. Input: 2 bytes
 * of link type (big endian, mapped onto the supported link types modulo
 * their count), then the frame. Checks that the decoded view stays inside
 * the frame and is self-consistent. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "decode/packet.h"

static const int links[] = {LINK_NULL, LINK_ETHERNET, LINK_RAW, LINK_DLT_RAW, LINK_DLT_RAW_ALT,
			    LINK_LOOP, LINK_SLL, LINK_IPV4, LINK_IPV6, LINK_SLL2};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size - 2 > UINT32_MAX)
		return 0;
	unsigned sel = ((unsigned)data[0] << 8 | data[1]) % (sizeof links / sizeof links[0]);
	const uint8_t *frame = data + 2;
	uint32_t caplen = (uint32_t)(size - 2);
	struct packet pkt = {0};
	enum decode_status st = decode_packet(links[sel], frame, caplen, &pkt);

	if (st > DECODE_UNSUPPORTED || !decode_status_str(st))
		abort();
	if (pkt.payload_len &&
	    (pkt.payload < frame || pkt.payload_len > caplen ||
	     (size_t)(pkt.payload - frame) > caplen - pkt.payload_len))
		abort();
	if ((pkt.has_l4 && !pkt.ip_version) || (pkt.is_first_fragment && !pkt.is_fragment) ||
	    pkt.vlan_count > 2 || pkt.caplen != caplen)
		abort();
	return 0;
}
