/* ftp.c - FTP control connection (TCP 21).
 *
 * Server: the 220 greeting (all lines of a multi-line 220 reply, joined by
 * spaces) is a FACT_SERVER_BANNER about the server. Client: each "USER x"
 * followed by "PASS y" is one FACT_LOGIN about the server (the service being
 * logged in to) on the server port; a USER never followed by PASS is
 * reported with no secret when the next USER comes or the flow ends, and a
 * PASS with no USER before it is reported with an empty user. Once the
 * server accepts AUTH (reply 234) the channel is encrypted and ignored.
 *
 * Lines spanning segments are gathered in the per-flow state. With no
 * state, a segment is read on its own: a greeting that fits is reported,
 * logins are not (USER and PASS cannot be paired). */
#include <netinet/in.h>
#include <string.h>

#include "proto/dissect.h"
#include "proto/protocols.h"
#include "proto/textproto.h"

#define FTP_PORT 21
#define FTP_LINE_MAX 512
#define FTP_BANNER_MAX 256

struct ftp_state {
	bool banner_done, in_banner, have_user, auth_sent, stopped;
	uint16_t banner_len, user_len;
	char banner[FTP_BANNER_MAX];
	char user[FTP_LINE_MAX];
	struct tp_linebuf lb[2]; /* [0] client, [1] server */
	char line[2][FTP_LINE_MAX];
};

static bool ftp_match(const struct dissect_input *in)
{
	return in->server_port == FTP_PORT;
}

static void banner_add(struct ftp_state *st, const char *p, size_t n)
{
	tp_trim(&p, &n);
	if (n == 0)
		return;
	if (st->banner_len > 0 && st->banner_len < FTP_BANNER_MAX)
		st->banner[st->banner_len++] = ' ';
	size_t room = FTP_BANNER_MAX - st->banner_len;
	n = n < room ? n : room;
	memcpy(st->banner + st->banner_len, p, n);
	st->banner_len = (uint16_t)(st->banner_len + n);
}

static void banner_flush(const struct dissect_input *in, struct ftp_state *st,
			 const struct fact_sink *sink)
{
	if (st->banner_done)
		return;
	st->banner_done = true;
	st->in_banner = false;
	if (st->banner_len == 0)
		return;
	struct fact f = {
		.kind = FACT_SERVER_BANNER, .about = ABOUT_SERVER, .value = st->banner,
		.value_len = st->banner_len, .proto = "ftp", .port = in->server_port,
	};
	fact_emit(sink, &f);
}

static bool reply_code(const char *line, size_t len, char first)
{
	return len >= 3 && line[0] == first && line[1] >= '0' && line[1] <= '9' && line[2] >= '0' &&
	       line[2] <= '9' && (len == 3 || line[3] == ' ' || line[3] == '-');
}

static void server_line(const struct dissect_input *in, struct ftp_state *st, const char *line,
			size_t len, const struct fact_sink *sink)
{
	if (st->auth_sent && reply_code(line, len, '2') && memcmp(line, "234", 3) == 0)
		st->stopped = true; /* TLS from here on */
	else if (st->auth_sent && len >= 4 && line[3] == ' ')
		st->auth_sent = false; /* refused: the client may go on in clear */
	if (st->banner_done)
		return;
	bool is220 = len >= 3 && memcmp(line, "220", 3) == 0 && reply_code(line, len, '2');
	bool last = is220 && (len == 3 || line[3] == ' ');
	if (!st->in_banner) {
		if (reply_code(line, len, '1'))
			return; /* 120: ready in nnn minutes; the 220 follows */
		if (!is220) {
			st->banner_done = true; /* no greeting (e.g. 421) */
			return;
		}
		st->in_banner = true;
	}
	if (is220)
		banner_add(st, line + (len > 3 ? 4 : 3), len > 3 ? len - 4 : 0);
	else
		banner_add(st, line, len); /* continuation text of a multi-line reply */
	if (last)
		banner_flush(in, st, sink);
}

static void login(const struct dissect_input *in, const char *user, size_t ul, const char *pass,
		  size_t pl, const struct fact_sink *sink)
{
	struct fact f = {
		.kind = FACT_LOGIN, .about = ABOUT_SERVER, .value = user, .value_len = ul,
		.secret = pass, .secret_len = pl, .proto = "ftp", .port = in->server_port,
	};
	fact_emit(sink, &f);
}

static void client_line(const struct dissect_input *in, struct ftp_state *st, const char *line,
			size_t len, const struct fact_sink *sink)
{
	const char *arg = memchr(line, ' ', len);
	size_t cl = arg ? (size_t)(arg - line) : len;
	size_t al = arg ? len - cl - 1 : 0;
	arg = arg ? arg + 1 : line + len;
	banner_flush(in, st, sink);
	if (tp_eq_ci(line, cl, "USER")) {
		if (st->have_user)
			login(in, st->user, st->user_len, NULL, 0, sink);
		memcpy(st->user, arg, al); /* al < FTP_LINE_MAX: the line fit the buffer */
		st->user_len = (uint16_t)al;
		st->have_user = true;
	} else if (tp_eq_ci(line, cl, "PASS")) {
		login(in, st->have_user ? st->user : "", st->have_user ? st->user_len : 0, arg, al, sink);
		st->have_user = false;
	} else if (tp_eq_ci(line, cl, "AUTH")) {
		st->auth_sent = true;
	}
}

static void run(const struct dissect_input *in, struct ftp_state *st, bool stateless,
		const struct fact_sink *sink)
{
	int d = in->from_client ? 0 : 1;
	struct cursor c;
	const char *line;
	size_t len;
	bool truncated;
	cur_init(&c, in->payload, in->len);
	while (!st->stopped && tp_stream_line(&st->lb[d], stateless ? NULL : st->line[d],
					      stateless ? 0 : FTP_LINE_MAX, &c, &line, &len, &truncated)) {
		if (d == 1)
			server_line(in, st, line, len, sink);
		else if (!stateless && !truncated && len < FTP_LINE_MAX)
			client_line(in, st, line, len, sink);
	}
}

static void ftp_dissect(const struct dissect_input *in, void *state, const struct fact_sink *sink)
{
	struct ftp_state *st = state;
	if (in->flow_end) {
		if (st) {
			banner_flush(in, st, sink);
			if (st->have_user)
				login(in, st->user, st->user_len, NULL, 0, sink);
			st->have_user = false;
		}
		return;
	}
	if (!in->payload || in->len == 0)
		return;
	if (st) {
		run(in, st, false, sink);
		return;
	}
	struct ftp_state local; /* stateless: only the greeting, if it fits */
	memset(&local, 0, sizeof local);
	if (!in->from_client)
		run(in, &local, true, sink);
}

const struct dissector dissector_ftp = {
	.name = "ftp",
	.l4_proto = IPPROTO_TCP,
	.match = ftp_match,
	.dissect = ftp_dissect,
	.state_size = sizeof(struct ftp_state),
};
