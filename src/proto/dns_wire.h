/* dns_wire.h - DNS message decoding shared by the DNS and mDNS dissectors:
 * the header, questions, resource records and (compressed) names.
 *
 * Everything reads through a cursor over the whole message, so cursor
 * offsets are message offsets. Names decode into a caller-owned struct
 * dns_name (dotted text, at most 253 bytes) with the label boundaries kept,
 * because labels may themselves contain dots. Compression pointers must
 * point strictly before the run of labels that contains them, and at most
 * DNS_JUMPS_MAX are followed, so hostile loops and forward chains fail. */
#ifndef KOBAN_DNS_WIRE_H
#define KOBAN_DNS_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/cursor.h"

#define DNS_HEADER_LEN 12
#define DNS_NAME_MAX 255   /* text buffer size: text is at most 253 bytes plus a NUL */
#define DNS_WIRE_MAX 255   /* RFC 1035 limit on the uncompressed wire form */
#define DNS_LABELS_MAX 127 /* 255 wire octets hold at most 127 one-byte labels */
#define DNS_JUMPS_MAX 128  /* compression pointers followed per name */

enum { DNS_TYPE_A = 1, DNS_TYPE_CNAME = 5, DNS_TYPE_PTR = 12, DNS_TYPE_TXT = 16,
       DNS_TYPE_AAAA = 28, DNS_TYPE_SRV = 33 };
enum { DNS_CLASS_IN = 1 };

struct dns_header {
	uint16_t id;
	uint16_t flags;
	uint16_t qdcount, ancount, nscount, arcount;
};

#define DNS_QR(h) (((h)->flags >> 15) & 1)
#define DNS_OPCODE(h) (((h)->flags >> 11) & 0xf)

/* A message: a cursor over all of it plus its decoded header. */
struct dns_msg {
	struct cursor all;
	struct dns_header hdr;
};

/* A decoded name. text is dotted, without a trailing dot, NUL-terminated
 * for convenience, but may contain any byte (len is authoritative). The root
 * name has len 0 and no labels. Label i starts at text + loff[i]. */
struct dns_name {
	char text[DNS_NAME_MAX];
	uint8_t len;
	uint8_t nlabels;
	uint8_t loff[DNS_LABELS_MAX];
};

/* A resource record's fixed part; the owner name is returned separately. */
struct dns_rr {
	uint16_t type;
	uint16_t rclass;
	uint32_t ttl;
	size_t owner_off;   /* message offset of the owner name */
	size_t rdata_off;   /* message offset of the RDATA */
	uint16_t rdlen;
};

/* Reads the header. False if the message is shorter than 12 bytes. */
bool dns_msg_init(struct dns_msg *m, const uint8_t *p, size_t len);

/* A cursor over the message positioned at off (err set if off is past the end). */
struct cursor dns_msg_cursor(const struct dns_msg *m, size_t off);

/* Decodes the name at c (a cursor from dns_msg_cursor or dns_rdata_cursor)
 * into out and advances c past the name's in-message form. On any error
 * (truncation, bad label type, loop, too long) returns false and sets c->err. */
bool dns_name_read(const struct dns_msg *m, struct cursor *c, struct dns_name *out);

/* A question: name, type, class. */
bool dns_question_read(const struct dns_msg *m, struct cursor *c, struct dns_name *qname,
		       uint16_t *qtype, uint16_t *qclass);

/* A record: owner into *owner, fixed fields into *rr; c ends after the RDATA.
 * False (and c->err) if anything, RDATA included, is cut off. */
bool dns_rr_read(const struct dns_msg *m, struct cursor *c, struct dns_rr *rr,
		 struct dns_name *owner);

/* A cursor over the message positioned at rr's RDATA that ends where the RDATA
 * ends (names in it may still point back into the rest of the message). */
struct cursor dns_rdata_cursor(const struct dns_msg *m, const struct dns_rr *rr);

/* ASCII case-insensitive comparison of names (label boundaries included). */
bool dns_name_eq(const struct dns_name *a, const struct dns_name *b);
/* ASCII case-insensitive hash consistent with dns_name_eq. */
uint32_t dns_name_hash(const struct dns_name *n);

/* Label i (0 = leftmost) of n and its length; i must be < n->nlabels. */
const char *dns_label(const struct dns_name *n, unsigned i, size_t *len);
/* Does label i exist and equal s (ASCII case-insensitive)? */
bool dns_label_is(const struct dns_name *n, unsigned i, const char *s);
/* Text of the name from label i to the end, and its length. */
const char *dns_name_from(const struct dns_name *n, unsigned i, size_t *len);

#endif
