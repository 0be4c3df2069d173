/* kd_http.h - a minimal HTTP/1.0-1.1 message-head reader for device
 * transports (the example device's update download, its admin service and
 * its status upload): request and status lines, Content-Length, form
 * fields. Bounded, no allocation; not part of the measured core. */
#ifndef KD_HTTP_H
#define KD_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#define KD_HTTP_HEAD_MAX 8192
#define KD_HTTP_BODY_MAX (1u << 30)

struct kd_http_head {
	char method[8];       /* request: "GET", "POST" ... */
	char path[128];       /* request target, printable ASCII */
	int status;           /* response: 100..599 */
	bool has_length;
	size_t content_length;
	size_t head_len;      /* bytes of the head, the blank line included */
};

/* Parses the head at the start of buf[0..len): 1 when it is complete (the
 * body starts at head_len), 0 when more bytes are needed, or KD_ERR_FORMAT
 * (malformed, chunked, conflicting lengths, longer than KD_HTTP_HEAD_MAX). */
int kd_http_parse(const char *buf, size_t len, bool is_request, struct kd_http_head *h);

/* Field `name` of an application/x-www-form-urlencoded body, decoded
 * (%XX, '+') into out (NUL-terminated). 0, KD_ERR_NOT_FOUND, or
 * KD_ERR_FORMAT (bad escape, NUL or control byte, does not fit). */
int kd_http_form_field(const char *body, size_t len, const char *name, char *out, size_t cap, size_t *outlen);

#endif
