/* http.c - HTTP/1.x over TCP, client and server side.
 *
 * Requests (client to server): Host and User-Agent are facts about the
 * client; an "Authorization: Basic" header is a FACT_LOGIN about the server
 * (the service being logged in to) on the server port. Responses: Server
 * and WWW-Authenticate are facts about the server. A response body that
 * looks like XML is kept (first HTTP_BODY_MAX bytes) and handed to the UPnP
 * description scanner when it is complete, when the buffer is full, or at
 * the end of the flow; facts from it are about the server.
 *
 * Each direction runs its own small message parser (start line, headers,
 * Content-Length / chunked / until-close body) over the segments in capture
 * order; lines spanning segments are gathered in the per-flow state. With no
 * state, a segment is parsed on its own. */
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>

#include "proto/dissect.h"
#include "proto/protocols.h"
#include "proto/textproto.h"
#include "proto/upnp.h"

#define HTTP_LINE_MAX 1024
#define HTTP_BODY_MAX (12 * 1024)
#define HTTP_CRED_MAX 512

enum http_phase {
	PH_START,      /* waiting for a request or status line */
	PH_HEADERS,
	PH_BODY_LEN,   /* Content-Length body: `left` bytes to go */
	PH_BODY_CLOSE, /* response body delimited by the end of the flow */
	PH_CHUNK_SIZE,
	PH_CHUNK_DATA, /* `left` bytes of chunk data to go */
	PH_CHUNK_CRLF,
	PH_TRAILER,
};

struct http_dir {
	uint8_t phase;
	bool has_len, chunked; /* framing headers of the current message */
	bool ct_xml, ct_other; /* Content-Type says XML / says something else */
	bool collect;          /* body goes to the UPnP scanner */
	uint16_t status;
	uint64_t left;
	struct tp_linebuf lb;
	char line[HTTP_LINE_MAX];
};

struct http_state {
	struct http_dir dir[2]; /* [0] requests, [1] responses */
	bool head_pending;      /* the last request was HEAD: its response has no body */
	bool body_done;         /* the kept body was handed to the scanner */
	uint16_t body_len;
	char body[HTTP_BODY_MAX];
};

struct http_ctx {
	const struct dissect_input *in;
	const struct fact_sink *sink;
	struct http_state *st; /* NULL when stateless */
	struct http_dir *d;
	bool response;
};

static const char *const methods[] = {
	"GET ", "POST ", "HEAD ", "PUT ", "DELETE ", "OPTIONS ", "PATCH ", "CONNECT ", "TRACE ",
	"NOTIFY ", "SUBSCRIBE ", "UNSUBSCRIBE ", "M-SEARCH ", "PROPFIND ",
};

static bool is_method_line(const char *p, size_t len)
{
	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
		if (len >= strlen(methods[i]) && memcmp(p, methods[i], strlen(methods[i])) == 0)
			return true;
	return false;
}

static bool http_port(uint16_t port)
{
	static const uint16_t ports[] = { 80, 8080, 8000, 8008, 81, 5000, 1900 };
	for (size_t i = 0; i < sizeof ports / sizeof ports[0]; i++)
		if (port == ports[i])
			return true;
	return port >= 49152 && port <= 49157;
}

static bool http_match(const struct dissect_input *in)
{
	if (http_port(in->server_port))
		return true;
	if (!in->payload)
		return false;
	const char *p = (const char *)in->payload;
	return is_method_line(p, in->len) || tp_prefix_ci(p, in->len, "HTTP/1.");
}

static void emit(const struct http_ctx *x, enum fact_kind kind, enum fact_about about,
		 const char *v, size_t n)
{
	if (n == 0)
		return;
	struct fact f = {
		.kind = kind, .about = about, .value = v, .value_len = n,
		.proto = "http", .port = x->in->server_port,
	};
	fact_emit(x->sink, &f);
}

static int b64_value(char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	return ch == '+' ? 62 : ch == '/' ? 63 : -1;
}

/* Strict base64 (padding optional). Returns the decoded length, or -1 on a
 * bad character, bad padding or output longer than cap. */
static long b64_decode(const char *s, size_t n, uint8_t *out, size_t cap)
{
	uint32_t acc = 0;
	size_t bits = 0, o = 0, pad = 0, chars = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '=') {
			pad++;
			continue;
		}
		int v = b64_value(s[i]);
		if (v < 0 || pad > 0)
			return -1;
		chars++;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= cap)
				return -1;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	if (chars % 4 == 1 || pad > 2 || (pad > 0 && (chars + pad) % 4 != 0))
		return -1;
	return (long)o;
}

/* "Authorization: Basic dXNlcjpwYXNz" -> FACT_LOGIN user / pass. */
static void basic_auth(const struct http_ctx *x, const char *v, size_t n)
{
	if (!tp_prefix_ci(v, n, "Basic ") && !tp_prefix_ci(v, n, "Basic\t"))
		return;
	v += 6;
	n -= 6;
	tp_trim(&v, &n);
	uint8_t cred[HTTP_CRED_MAX];
	long dl = b64_decode(v, n, cred, sizeof cred);
	if (dl <= 0)
		return;
	const uint8_t *colon = memchr(cred, ':', (size_t)dl);
	if (!colon)
		return;
	size_t ul = (size_t)(colon - cred);
	struct fact f = {
		.kind = FACT_LOGIN, .about = ABOUT_SERVER, .value = (const char *)cred,
		.value_len = ul, .secret = (const char *)colon + 1, .secret_len = (size_t)dl - ul - 1,
		.proto = "http-basic", .port = x->in->server_port,
	};
	fact_emit(x->sink, &f);
}

/* Parses a decimal Content-Length; false on garbage or absurd values. */
static bool parse_length(const char *v, size_t n, uint64_t *out)
{
	uint64_t val = 0;
	if (n == 0 || n > 15)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return false;
		val = val * 10 + (uint64_t)(v[i] - '0');
	}
	*out = val;
	return true;
}

static void framing_header(struct http_dir *d, const char *name, size_t nl, const char *v,
			   size_t vl, bool truncated)
{
	if (tp_eq_ci(name, nl, "Content-Length") && !truncated) {
		d->has_len = parse_length(v, vl, &d->left);
	} else if (tp_eq_ci(name, nl, "Transfer-Encoding")) {
		d->chunked = tp_find_ci(v, vl, "chunked") >= 0;
	} else if (tp_eq_ci(name, nl, "Content-Type")) {
		d->ct_xml = tp_find_ci(v, vl, "xml") >= 0;
		d->ct_other = !d->ct_xml;
	}
}

static void header_line(const struct http_ctx *x, const char *line, size_t len, bool truncated)
{
	const char *name, *v;
	size_t nl, vl;
	if (!tp_header(line, len, &name, &nl, &v, &vl))
		return;
	framing_header(x->d, name, nl, v, vl, truncated);
	if (!x->response) {
		if (tp_eq_ci(name, nl, "Host"))
			emit(x, FACT_HTTP_HOST, ABOUT_CLIENT, v, vl);
		else if (tp_eq_ci(name, nl, "User-Agent"))
			emit(x, FACT_USER_AGENT, ABOUT_CLIENT, v, vl);
		else if (tp_eq_ci(name, nl, "Authorization") && !truncated)
			basic_auth(x, v, vl);
	} else {
		if (tp_eq_ci(name, nl, "Server"))
			emit(x, FACT_SERVER_BANNER, ABOUT_SERVER, v, vl);
		else if (tp_eq_ci(name, nl, "WWW-Authenticate"))
			emit(x, FACT_HTTP_AUTH_REALM, ABOUT_SERVER, v, vl);
	}
}

/* Does a body look like a UPnP description? */
static bool looks_like_xml(const char *b, size_t n)
{
	size_t i = 0;
	if (n >= 3 && memcmp(b, "\xef\xbb\xbf", 3) == 0) /* UTF-8 BOM */
		i = 3;
	while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n'))
		i++;
	return tp_prefix_ci(b + i, n - i, "<?xml") || tp_find_ci(b, n, "<root") >= 0;
}

static void scan_body(const struct http_ctx *x, const char *b, size_t n)
{
	if (n > 0 && (x->d->ct_xml || looks_like_xml(b, n)))
		upnp_parse_description(b, n, ABOUT_SERVER, x->sink);
}

/* Hands a kept body to the scanner once. */
static void finish_body(const struct http_ctx *x)
{
	struct http_state *st = x->st;
	if (!x->d->collect)
		return;
	x->d->collect = false;
	if (st && !st->body_done) {
		st->body_done = true;
		scan_body(x, st->body, st->body_len);
	}
}

static void body_bytes(const struct http_ctx *x, const uint8_t *p, size_t n)
{
	struct http_state *st = x->st;
	if (!x->d->collect || n == 0)
		return;
	if (!st) { /* stateless: scan what this segment holds */
		scan_body(x, (const char *)p, n);
		return;
	}
	if (st->body_done)
		return;
	size_t room = HTTP_BODY_MAX - st->body_len;
	size_t take = n < room ? n : room;
	memcpy(st->body + st->body_len, p, take);
	st->body_len = (uint16_t)(st->body_len + take);
	if (st->body_len == HTTP_BODY_MAX)
		finish_body(x);
}

static void message_done(const struct http_ctx *x)
{
	finish_body(x);
	x->d->phase = PH_START;
}

static void start_message(const struct http_ctx *x, const char *line, size_t len)
{
	struct http_dir *d = x->d;
	d->has_len = d->chunked = d->ct_xml = d->ct_other = d->collect = false;
	d->left = 0;
	d->status = 0;
	if (x->response) {
		for (size_t i = 9; len >= 12 && line[8] == ' ' && i < 12; i++) {
			if (line[i] < '0' || line[i] > '9') {
				d->status = 0;
				break;
			}
			d->status = (uint16_t)(d->status * 10 + (line[i] - '0'));
		}
	} else if (x->st) {
		x->st->head_pending = len >= 5 && memcmp(line, "HEAD ", 5) == 0;
	}
	d->phase = PH_HEADERS;
}

static void end_of_headers(const struct http_ctx *x)
{
	struct http_dir *d = x->d;
	if (x->response) {
		bool head = x->st && x->st->head_pending;
		if (x->st)
			x->st->head_pending = false;
		if (head || d->status < 200 || d->status == 204 || d->status == 304) {
			message_done(x);
			return;
		}
		d->collect = d->status < 300 && !d->ct_other;
		if (d->collect && x->st) {
			x->st->body_len = 0;
			x->st->body_done = false;
		}
	}
	if (d->chunked)
		d->phase = PH_CHUNK_SIZE;
	else if (d->has_len && d->left > 0)
		d->phase = PH_BODY_LEN;
	else if (x->response && !d->has_len)
		d->phase = PH_BODY_CLOSE;
	else
		message_done(x);
}

static void chunk_size_line(const struct http_ctx *x, const char *line, size_t len)
{
	struct http_dir *d = x->d;
	uint64_t size = 0;
	size_t i = 0, digits = 0;
	for (; i < len && digits < 12; i++, digits++) {
		char ch = line[i];
		int v = (ch >= '0' && ch <= '9')   ? ch - '0'
			: (ch >= 'a' && ch <= 'f') ? ch - 'a' + 10
			: (ch >= 'A' && ch <= 'F') ? ch - 'A' + 10
						   : -1;
		if (v < 0)
			break;
		size = size * 16 + (uint64_t)v;
	}
	if (len == 0)
		return; /* tolerate a blank line */
	if (digits == 0 || (i < len && line[i] != ';' && line[i] != ' ' && line[i] != '\t')) {
		d->phase = PH_BODY_CLOSE; /* lost the framing: keep what follows as body */
		return;
	}
	d->left = size;
	d->phase = size ? PH_CHUNK_DATA : PH_TRAILER;
}

static void handle_line(const struct http_ctx *x, const char *line, size_t len, bool truncated)
{
	struct http_dir *d = x->d;
	switch (d->phase) {
	case PH_START:
		if (x->response ? tp_prefix_ci(line, len, "HTTP/1.") : is_method_line(line, len))
			start_message(x, line, len);
		break;
	case PH_HEADERS:
		if (len == 0)
			end_of_headers(x);
		else
			header_line(x, line, len, truncated);
		break;
	case PH_CHUNK_SIZE:
		chunk_size_line(x, line, len);
		break;
	case PH_CHUNK_CRLF:
		d->phase = PH_CHUNK_SIZE;
		break;
	case PH_TRAILER:
		if (len == 0)
			message_done(x);
		break;
	default:
		break;
	}
}

/* Takes body bytes for the Content-Length, chunk-data and until-close phases. */
static void body_phase(const struct http_ctx *x, struct cursor *c)
{
	struct http_dir *d = x->d;
	size_t n = cur_left(c);
	if (d->phase != PH_BODY_CLOSE && d->left < n)
		n = (size_t)d->left;
	body_bytes(x, cur_take(c, n), n);
	if (d->phase == PH_BODY_CLOSE)
		return;
	d->left -= n;
	if (d->left > 0)
		return;
	if (d->phase == PH_CHUNK_DATA)
		d->phase = PH_CHUNK_CRLF;
	else
		message_done(x);
}

static void run(const struct http_ctx *x, const uint8_t *p, size_t len)
{
	struct http_dir *d = x->d;
	struct cursor c;
	const char *line;
	size_t ll;
	bool truncated;
	cur_init(&c, p, len);
	while (cur_left(&c) > 0) {
		if (d->phase == PH_BODY_LEN || d->phase == PH_CHUNK_DATA || d->phase == PH_BODY_CLOSE) {
			body_phase(x, &c);
			continue;
		}
		char *buf = x->st ? d->line : NULL;
		if (!tp_stream_line(&d->lb, buf, buf ? sizeof d->line : 0, &c, &line, &ll, &truncated))
			break;
		handle_line(x, line, ll, truncated);
	}
}

static void http_dissect(const struct dissect_input *in, void *state, const struct fact_sink *sink)
{
	struct http_ctx x = { .in = in, .sink = sink, .st = state, .response = !in->from_client };
	if (in->flow_end) {
		if (x.st) { /* a body delimited by the close, or cut short */
			x.d = &x.st->dir[1];
			x.response = true;
			finish_body(&x);
		}
		return;
	}
	if (!in->payload || in->len == 0)
		return;
	struct http_dir local;
	if (x.st) {
		x.d = &x.st->dir[x.response ? 1 : 0];
	} else {
		memset(&local, 0, offsetof(struct http_dir, line));
		x.d = &local;
	}
	run(&x, in->payload, in->len);
	if (!x.st && x.response)
		x.d->collect = false;
}

const struct dissector dissector_http = {
	.name = "http",
	.l4_proto = IPPROTO_TCP,
	.match = http_match,
	.dissect = http_dissect,
	.state_size = sizeof(struct http_state),
};
