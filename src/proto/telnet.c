/* telnet.c - TELNET (TCP 23/2323): the server's banner and cleartext logins.
 *
 * Both directions go through an IAC parser that keeps its state across
 * segments: option negotiation is dropped, IAC IAC is a literal 0xff,
 * subnegotiation (IAC SB ... IAC SE) is skipped without buffering and
 * abandoned after TN_SB_MAX bytes; IAC EC / IAC EL edit the client's line.
 *
 * Server text: the first non-empty lines before the first login prompt (at
 * most TN_BANNER_MAX bytes) are reported once as FACT_SERVER_BANNER about
 * the server. When the server's output ends in a user prompt ("login:",
 * "username:", "user name:", "user:") the next line the client types is the
 * user; after a password prompt ("password:", "passwd:") the next typed line
 * is the password, and one FACT_LOGIN (about the server, on the server port)
 * is emitted per attempt whatever the server answers. A typed line ends at
 * CR, LF or CR NUL; backspace/DEL and ^U edit it. A password prompt with no
 * user before it gives a login with an empty user; a user never followed by
 * a password is reported with no secret at the next user or at flow end.
 * Needs per-flow state: with none the flow is skipped. */
#include <netinet/in.h>
#include <string.h>

#include "proto/dissect.h"
#include "proto/protocols.h"
#include "proto/textproto.h"

#define TN_LINE_MAX 128
#define TN_BANNER_MAX 256
#define TN_BANNER_LINES 4
#define TN_TAIL 24
#define TN_SB_MAX 1024

enum { TN_SE = 240, TN_EC = 247, TN_EL = 248, TN_SB = 250, TN_WILL = 251, TN_DONT = 254,
       TN_IAC = 255 };
enum tn_iac { TI_DATA, TI_IAC, TI_OPT, TI_SB, TI_SB_IAC };
enum tn_expect { EX_NONE, EX_USER, EX_PASS };
enum { CH_NONE = -1 };

struct telnet_state {
	uint8_t iac[2];      /* IAC parser per direction: [0] client, [1] server */
	uint16_t sb_len[2];  /* bytes of the current subnegotiation */
	uint8_t expect;      /* what the client's next line is */
	bool banner_done, have_user, cli_cr, cli_over, srv_text;
	uint8_t banner_lines, tail_len;
	uint16_t banner_len, sline_len, cli_len, user_len;
	char banner[TN_BANNER_MAX];
	char sline[TN_LINE_MAX]; /* current server line (its start) */
	char tail[TN_TAIL];      /* current server line (its end), for prompts */
	char cli[TN_LINE_MAX];   /* line the client is typing */
	char user[TN_LINE_MAX];
};

static bool telnet_match(const struct dissect_input *in)
{
	if (in->server_port == 23 || in->server_port == 2323)
		return true;
	const uint8_t *p = in->payload;
	return p && in->len >= 3 && p[0] == TN_IAC && p[1] >= TN_WILL && p[1] <= TN_DONT;
}

/* Runs one raw byte through the IAC parser of direction d. Returns the data
 * byte it stands for, or CH_NONE. */
static int iac_byte(struct telnet_state *st, int d, uint8_t b)
{
	switch (st->iac[d]) {
	case TI_DATA:
		if (b != TN_IAC)
			return b;
		st->iac[d] = TI_IAC;
		return CH_NONE;
	case TI_IAC:
		st->iac[d] = TI_DATA;
		if (b == TN_IAC)
			return TN_IAC;
		if (b >= TN_WILL && b <= TN_DONT)
			st->iac[d] = TI_OPT;
		else if (b == TN_SB) {
			st->iac[d] = TI_SB;
			st->sb_len[d] = 0;
		}
		return b == TN_EC ? '\b' : b == TN_EL ? 0x15 : CH_NONE;
	case TI_OPT:
		st->iac[d] = TI_DATA;
		return CH_NONE;
	case TI_SB:
		if (b == TN_IAC)
			st->iac[d] = TI_SB_IAC;
		else if (++st->sb_len[d] > TN_SB_MAX)
			st->iac[d] = TI_DATA; /* never terminated: give up on it */
		return CH_NONE;
	default: /* TI_SB_IAC */
		if (b == TN_SE) {
			st->iac[d] = TI_DATA;
			return CH_NONE;
		}
		if (b == TN_IAC) {
			st->iac[d] = TI_SB;
			return CH_NONE;
		}
		st->iac[d] = TI_IAC; /* IAC <cmd> inside SB: SB ended */
		return iac_byte(st, d, b);
	}
}

static void login(const struct dissect_input *in, const char *user, size_t ul, const char *pass,
		  size_t pl, const struct fact_sink *sink)
{
	struct fact f = {
		.kind = FACT_LOGIN, .about = ABOUT_SERVER, .value = user, .value_len = ul,
		.secret = pass, .secret_len = pl, .proto = "telnet", .port = in->server_port,
	};
	fact_emit(sink, &f);
}

static void banner_flush(const struct dissect_input *in, struct telnet_state *st,
			 const struct fact_sink *sink)
{
	if (st->banner_done)
		return;
	st->banner_done = true;
	if (st->banner_len == 0)
		return;
	struct fact f = {
		.kind = FACT_SERVER_BANNER, .about = ABOUT_SERVER, .value = st->banner,
		.value_len = st->banner_len, .proto = "telnet", .port = in->server_port,
	};
	fact_emit(sink, &f);
}

/* A server line ended: it may belong to the banner. */
static void server_eol(struct telnet_state *st)
{
	const char *p = st->sline;
	size_t n = st->sline_len;
	st->sline_len = 0;
	st->tail_len = 0;
	tp_trim(&p, &n);
	if (st->banner_done || n == 0 || st->banner_lines >= TN_BANNER_LINES)
		return;
	if (st->banner_len > 0 && st->banner_len < TN_BANNER_MAX)
		st->banner[st->banner_len++] = ' ';
	size_t room = TN_BANNER_MAX - st->banner_len;
	n = n < room ? n : room;
	memcpy(st->banner + st->banner_len, p, n);
	st->banner_len = (uint16_t)(st->banner_len + n);
	st->banner_lines++;
}

static void server_char(struct telnet_state *st, char ch)
{
	if (ch == '\r' || ch == '\n' || ch == '\0') {
		server_eol(st);
		return;
	}
	if (st->sline_len < TN_LINE_MAX)
		st->sline[st->sline_len++] = ch;
	if (st->tail_len == TN_TAIL) {
		memmove(st->tail, st->tail + TN_TAIL / 2, TN_TAIL / 2);
		st->tail_len = TN_TAIL / 2;
	}
	st->tail[st->tail_len++] = ch;
	st->srv_text = true;
}

/* After a server segment with text: does its output end in a prompt? */
static void check_prompt(const struct dissect_input *in, struct telnet_state *st,
			 const struct fact_sink *sink)
{
	static const char *const user_prompts[] = { "login:", "username:", "user name:", "user:" };
	static const char *const pass_prompts[] = { "password:", "passwd:" };
	const char *p = st->tail;
	size_t n = st->tail_len;
	tp_trim(&p, &n);
	for (size_t i = 0; i < sizeof user_prompts / sizeof user_prompts[0]; i++) {
		if (tp_suffix_ci(p, n, user_prompts[i])) {
			st->expect = EX_USER;
			banner_flush(in, st, sink);
			return;
		}
	}
	for (size_t i = 0; i < sizeof pass_prompts / sizeof pass_prompts[0]; i++) {
		if (tp_suffix_ci(p, n, pass_prompts[i])) {
			st->expect = EX_PASS;
			banner_flush(in, st, sink);
			return;
		}
	}
}

/* The client finished typing a line. */
static void client_eol(const struct dissect_input *in, struct telnet_state *st,
		       const struct fact_sink *sink)
{
	size_t n = st->cli_len;
	bool over = st->cli_over;
	st->cli_len = 0;
	st->cli_over = false;
	banner_flush(in, st, sink);
	if (st->expect == EX_USER && n > 0 && !over) {
		if (st->have_user)
			login(in, st->user, st->user_len, NULL, 0, sink);
		memcpy(st->user, st->cli, n);
		st->user_len = (uint16_t)n;
		st->have_user = true;
		st->expect = EX_NONE;
	} else if (st->expect == EX_PASS) {
		login(in, st->have_user ? st->user : "", st->have_user ? st->user_len : 0, st->cli, n,
		      sink);
		st->have_user = false;
		st->expect = EX_NONE;
	}
}

static void client_char(const struct dissect_input *in, struct telnet_state *st, char ch,
			const struct fact_sink *sink)
{
	bool after_cr = st->cli_cr;
	st->cli_cr = ch == '\r';
	if (ch == '\r' || (ch == '\n' && !after_cr)) {
		client_eol(in, st, sink);
	} else if (ch == '\n' || ch == '\0') {
		/* LF or NUL after CR ends nothing more; a lone NUL is padding */
	} else if (ch == '\b' || ch == 0x7f) {
		if (st->cli_len > 0 && !st->cli_over)
			st->cli_len--;
	} else if (ch == 0x15) { /* ^U: kill line */
		st->cli_len = 0;
		st->cli_over = false;
	} else if (st->cli_len < TN_LINE_MAX) {
		st->cli[st->cli_len++] = ch;
	} else {
		st->cli_over = true;
	}
}

static void telnet_dissect(const struct dissect_input *in, void *state, const struct fact_sink *sink)
{
	struct telnet_state *st = state;
	if (!st)
		return;
	if (in->flow_end) {
		banner_flush(in, st, sink);
		if (st->have_user)
			login(in, st->user, st->user_len, NULL, 0, sink);
		st->have_user = false;
		return;
	}
	if (!in->payload)
		return;
	int d = in->from_client ? 0 : 1;
	st->srv_text = false;
	for (size_t i = 0; i < in->len; i++) {
		int ch = iac_byte(st, d, in->payload[i]);
		if (ch == CH_NONE)
			continue;
		if (d == 0)
			client_char(in, st, (char)ch, sink);
		else
			server_char(st, (char)ch);
	}
	if (d == 1 && st->srv_text)
		check_prompt(in, st, sink);
}

const struct dissector dissector_telnet = {
	.name = "telnet",
	.l4_proto = IPPROTO_TCP,
	.match = telnet_match,
	.dissect = telnet_dissect,
	.state_size = sizeof(struct telnet_state),
};
