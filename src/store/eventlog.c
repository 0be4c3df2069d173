/* eventlog.c - the hash-chained, append-only event log (events.log): the
 * record hash, the writer (continues the chain of an existing file, moves a
 * crash's partial last line aside, one write() per record) and the verifier
 * that locates the first altered, removed, inserted or reordered record.
 * Format and threat model: docs/eventlog.md. */
#include "store/eventlog.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#define DOMAIN_TAG "koban-eventlog-1"   /* hashed with its NUL: 17 bytes */
#define TYPE_MAX 16
#define TAIL_MAX (64u << 20)            /* longest last line the writer will read back */

/* ---------------------------------------------------------------- hashing */

static void be64(uint8_t out[8], uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		out[i] = (uint8_t)v;
		v >>= 8;
	}
}

static void to_hex(const uint8_t *b, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Lowercase hex of exactly 64 digits -> 32 bytes. */
static bool from_hex32(const char *s, uint8_t out[32])
{
	for (int i = 0; i < 32; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

/* The canonical encoding fed to the hash:
 *   "koban-eventlog-1" NUL | seq (u64 BE) | len(type) (u8) | type |
 *   prev (32 raw bytes) | len(payload) (u64 BE) | payload          */
struct hasher {
	bool keyed;
	crypto_hash_sha256_state sha;
	crypto_auth_hmacsha256_state hmac;
};

static void h_init(struct hasher *h, const char *key)
{
	h->keyed = key && *key;
	if (h->keyed)
		crypto_auth_hmacsha256_init(&h->hmac, (const unsigned char *)key, strlen(key));
	else
		crypto_hash_sha256_init(&h->sha);
}

static void h_update(struct hasher *h, const void *p, size_t n)
{
	if (h->keyed)
		crypto_auth_hmacsha256_update(&h->hmac, p, n);
	else
		crypto_hash_sha256_update(&h->sha, p, n);
}

void eventlog_hash(const char *key, uint64_t seq, const char *type, size_t type_len, const char *prev_hex,
		   const char *payload, size_t payload_len, char out[EVENTLOG_HEX])
{
	struct hasher h;
	uint8_t num[8], prev[32] = { 0 }, digest[32];
	uint8_t tlen = (uint8_t)(type_len > 255 ? 255 : type_len);

	(void)from_hex32(prev_hex, prev);
	h_init(&h, key);
	h_update(&h, DOMAIN_TAG, sizeof DOMAIN_TAG);
	be64(num, seq);
	h_update(&h, num, 8);
	h_update(&h, &tlen, 1);
	h_update(&h, type, tlen);
	h_update(&h, prev, 32);
	be64(num, payload_len);
	h_update(&h, num, 8);
	h_update(&h, payload, payload_len);
	if (h.keyed)
		crypto_auth_hmacsha256_final(&h.hmac, digest);
	else
		crypto_hash_sha256_final(&h.sha, digest);
	to_hex(digest, 32, out);
	sodium_memzero(&h, sizeof h);
}

bool eventlog_file_sha256(const char *path, uint64_t limit, char out[EVENTLOG_HEX])
{
	crypto_hash_sha256_state st;
	uint8_t digest[32];
	char buf[65536];
	size_t n;
	uint64_t done = 0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	crypto_hash_sha256_init(&st);
	while ((limit == 0 || done < limit) &&
	       (n = fread(buf, 1, limit && limit - done < sizeof buf ? (size_t)(limit - done) : sizeof buf, f)) > 0) {
		crypto_hash_sha256_update(&st, (const unsigned char *)buf, n);
		done += n;
	}
	bool ok = !ferror(f);
	fclose(f);
	crypto_hash_sha256_final(&st, digest);
	to_hex(digest, 32, out);
	return ok;
}

/* ---------------------------------------------------------------- records */

struct rec {
	uint64_t seq;
	const char *type;
	size_t type_len;
	char prev[EVENTLOG_HEX];
	char hash[EVENTLOG_HEX];
	const char *payload;
	size_t payload_len;
};

static bool valid_type(const char *t, size_t n)
{
	if (n == 0 || n > TYPE_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((t[i] >= 'a' && t[i] <= 'z') || t[i] == '-'))
			return false;
	return true;
}

static bool parse_hex_field(const char **p, const char *end, char out[EVENTLOG_HEX])
{
	uint8_t tmp[32];
	if (end - *p < 65 || (*p)[64] != ' ' || !from_hex32(*p, tmp))
		return false;
	memcpy(out, *p, 64);
	out[64] = '\0';
	*p += 65;
	return true;
}

/* Parses one line (without its '\n'). */
static bool rec_parse(const char *s, size_t len, struct rec *r)
{
	const char *p = s, *end = s + len;
	uint64_t seq = 0;

	if (p == end || *p < '1' || *p > '9')
		return false;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (seq > (UINT64_MAX - 9) / 10)
			return false;
		seq = seq * 10 + (uint64_t)(*p - '0');
	}
	if (p == end || *p++ != ' ')
		return false;
	r->seq = seq;
	r->type = p;
	while (p < end && *p != ' ')
		p++;
	r->type_len = (size_t)(p - r->type);
	if (p == end || !valid_type(r->type, r->type_len))
		return false;
	p++;
	if (!parse_hex_field(&p, end, r->prev) || !parse_hex_field(&p, end, r->hash))
		return false;
	r->payload = p;
	r->payload_len = (size_t)(end - p);
	return r->payload_len > 0;
}

/* True if r's stored hash matches its contents under key. */
static bool rec_selfcheck(const struct rec *r, const char *key)
{
	char h[EVENTLOG_HEX];
	eventlog_hash(key, r->seq, r->type, r->type_len, r->prev, r->payload, r->payload_len, h);
	return sodium_memcmp(h, r->hash, 64) == 0;
}

/* ---------------------------------------------------------------- writer */

struct eventlog {
	int fd;
	char *path;
	char *key;
	uint64_t seq;
	char hash[EVENTLOG_HEX];
	off_t size;
	uint64_t torn;
	char err[512];
};

/* The tail of the file: where the whole records end and the last one begins. */
struct tail {
	char *buf;        /* bytes [base, size) */
	off_t base, size;
	off_t end_whole;  /* offset just past the last '\n' (0 if none) */
	off_t last_start; /* start of the last whole line */
};

static int read_tail(int fd, off_t size, struct tail *t, char *err, size_t errsz, const char *path)
{
	size_t chunk = 65536;
	memset(t, 0, sizeof *t);
	t->size = size;
	for (;;) {
		off_t base = size > (off_t)chunk ? size - (off_t)chunk : 0;
		size_t n = (size_t)(size - base);
		char *buf = realloc(t->buf, n ? n : 1);
		if (!buf) {
			snprintf(err, errsz, "%s: out of memory", path);
			return -1;
		}
		t->buf = buf;
		t->base = base;
		if (n && pread(fd, buf, n, base) != (ssize_t)n) {
			snprintf(err, errsz, "%s: read error: %s", path, strerror(errno ? errno : EIO));
			return -1;
		}
		/* the last '\n', then the '\n' before it */
		char *nl = n ? memrchr(buf, '\n', n) : NULL;
		if (nl) {
			t->end_whole = base + (nl - buf) + 1;
			char *prev = memrchr(buf, '\n', (size_t)(nl - buf));
			if (prev || base == 0) {
				t->last_start = prev ? base + (prev - buf) + 1 : 0;
				return 0;
			}
		} else if (base == 0) {
			t->end_whole = t->last_start = 0;
			return 0;
		}
		if (chunk >= TAIL_MAX) {
			snprintf(err, errsz, "%s: last record longer than %u bytes", path, TAIL_MAX);
			return -1;
		}
		chunk *= 4;
	}
}

/* Moves the partial last line to PATH.torn and cuts it off the log. */
static int cut_torn_tail(struct eventlog *lg, const struct tail *t, char *err, size_t errsz)
{
	char tpath[4096];
	const char *bytes = t->buf + (t->end_whole - t->base);
	size_t n = (size_t)(t->size - t->end_whole);
	snprintf(tpath, sizeof tpath, "%s.torn", lg->path);
	int tfd = open(tpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (tfd < 0 || write(tfd, bytes, n) != (ssize_t)n || write(tfd, "\n", 1) != 1 || fsync(tfd) != 0) {
		snprintf(err, errsz, "%s: cannot save the partial last record to %s: %s", lg->path, tpath,
			 strerror(errno));
		if (tfd >= 0)
			close(tfd);
		return -1;
	}
	close(tfd);
	if (ftruncate(lg->fd, t->end_whole) != 0 || fsync(lg->fd) != 0) {
		snprintf(err, errsz, "%s: cannot cut the partial last record: %s", lg->path, strerror(errno));
		return -1;
	}
	lg->torn = n;
	lg->size = t->end_whole;
	return 0;
}

/* Reads the chain's head from the last whole record and checks it. */
static int load_head(struct eventlog *lg, const struct tail *t, const struct eventlog_head *dbhead, char *err,
		     size_t errsz)
{
	struct rec r;
	lg->seq = 0;
	memcpy(lg->hash, EVENTLOG_GENESIS, EVENTLOG_HEX);
	if (t->end_whole > 0) {
		const char *line = t->buf + (t->last_start - t->base);
		size_t len = (size_t)(t->end_whole - t->last_start - 1);
		if (!rec_parse(line, len, &r)) {
			snprintf(err, errsz, "%s: the last record is malformed; run `koban log verify %s`", lg->path,
				 lg->path);
			return -1;
		}
		if (!rec_selfcheck(&r, lg->key)) {
			snprintf(err, errsz,
				 "%s: the last record (%" PRIu64 ") does not verify with this log_key "
				 "(wrong key, or the log was altered); run `koban log verify`",
				 lg->path, r.seq);
			return -1;
		}
		lg->seq = r.seq;
		memcpy(lg->hash, r.hash, EVENTLOG_HEX);
	}
	if (dbhead && dbhead->count > lg->seq) {
		snprintf(err, errsz,
			 "%s ends at record %" PRIu64 " but koban.db recorded %" PRIu64
			 ": the log was truncated; run `koban log verify`",
			 lg->path, lg->seq, dbhead->count);
		return -1;
	}
	if (dbhead && dbhead->count == lg->seq && strcmp(dbhead->hash, lg->hash) != 0) {
		snprintf(err, errsz, "%s: the last record differs from the one recorded in koban.db; run `koban log verify`",
			 lg->path);
		return -1;
	}
	return 0;
}

static int open_file(struct eventlog *lg, char *err, size_t errsz)
{
	struct stat st;
	lg->fd = open(lg->path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (lg->fd < 0) {
		snprintf(err, errsz, "%s: %s", lg->path, strerror(errno));
		return -1;
	}
	if (flock(lg->fd, LOCK_EX | LOCK_NB) != 0) {
		snprintf(err, errsz, "%s: %s", lg->path,
			 errno == EWOULDBLOCK ? "another koban process is writing this log" : strerror(errno));
		return -1;
	}
	if (fstat(lg->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errsz, "%s: not a regular file", lg->path);
		return -1;
	}
	lg->size = st.st_size;
	return 0;
}

struct eventlog *eventlog_open(const char *path, const char *key, const struct eventlog_head *head,
			       char *err, size_t errsz)
{
	struct tail t = { 0 };
	struct eventlog *lg = calloc(1, sizeof *lg);
	if (sodium_init() < 0 || !lg) {
		snprintf(err, errsz, "%s: cannot initialise (libsodium or memory)", path);
		free(lg);
		return NULL;
	}
	lg->fd = -1;
	lg->path = strdup(path);
	lg->key = key && *key ? strdup(key) : NULL;
	if (!lg->path || (key && *key && !lg->key)) {
		snprintf(err, errsz, "%s: out of memory", path);
		goto fail;
	}
	if (open_file(lg, err, errsz) != 0 || read_tail(lg->fd, lg->size, &t, err, errsz, path) != 0 ||
	    load_head(lg, &t, head, err, errsz) != 0)
		goto fail;
	if (t.end_whole < t.size && cut_torn_tail(lg, &t, err, errsz) != 0)
		goto fail;
	free(t.buf);
	return lg;
fail:
	free(t.buf);
	eventlog_close(lg);
	return NULL;
}

uint64_t eventlog_append(struct eventlog *lg, const char *type, const char *payload, size_t len)
{
	char hash[EVENTLOG_HEX], head[24 + TYPE_MAX + 2 * EVENTLOG_HEX + 8];
	size_t tlen = strlen(type);
	if (!valid_type(type, tlen) || len == 0 || memchr(payload, '\n', len)) {
		snprintf(lg->err, sizeof lg->err, "%s: refusing a malformed %s record", lg->path, type);
		return 0;
	}
	uint64_t seq = lg->seq + 1;
	eventlog_hash(lg->key, seq, type, tlen, lg->hash, payload, len, hash);
	int hl = snprintf(head, sizeof head, "%" PRIu64 " %s %s %s ", seq, type, lg->hash, hash);
	if (hl < 0 || (size_t)hl >= sizeof head)
		return 0;
	size_t total = (size_t)hl + len + 1;
	char *line = malloc(total);
	if (!line) {
		snprintf(lg->err, sizeof lg->err, "%s: out of memory", lg->path);
		return 0;
	}
	memcpy(line, head, (size_t)hl);
	memcpy(line + hl, payload, len);
	line[total - 1] = '\n';
	ssize_t w;
	do
		w = write(lg->fd, line, total);
	while (w < 0 && errno == EINTR);
	int saved = errno;
	free(line);
	if (w != (ssize_t)total) {
		/* never leave a partial record behind us */
		if (w > 0 && ftruncate(lg->fd, lg->size) != 0)
			saved = errno;
		snprintf(lg->err, sizeof lg->err, "%s: write failed: %s", lg->path,
			 w < 0 ? strerror(saved) : "short write (disk full?)");
		return 0;
	}
	lg->size += (off_t)total;
	lg->seq = seq;
	memcpy(lg->hash, hash, EVENTLOG_HEX);
	return seq;
}

uint64_t eventlog_append_json(struct eventlog *lg, const char *type, const json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!s) {
		snprintf(lg->err, sizeof lg->err, "%s: cannot serialise a %s record", lg->path, type);
		return 0;
	}
	uint64_t seq = eventlog_append(lg, type, s, strlen(s));
	free(s);
	return seq;
}

void eventlog_get_head(const struct eventlog *lg, struct eventlog_head *head)
{
	head->count = lg->seq;
	memcpy(head->hash, lg->hash, EVENTLOG_HEX);
}

uint64_t eventlog_torn_bytes(const struct eventlog *lg)
{
	return lg->torn;
}

int eventlog_sync(struct eventlog *lg)
{
	if (fdatasync(lg->fd) != 0) {
		snprintf(lg->err, sizeof lg->err, "%s: sync failed: %s", lg->path, strerror(errno));
		return -1;
	}
	return 0;
}

const char *eventlog_error(const struct eventlog *lg)
{
	return lg->err;
}

void eventlog_close(struct eventlog *lg)
{
	if (!lg)
		return;
	if (lg->fd >= 0)
		close(lg->fd); /* releases the lock */
	if (lg->key) {
		sodium_memzero(lg->key, strlen(lg->key));
		free(lg->key);
	}
	free(lg->path);
	free(lg);
}

/* ---------------------------------------------------------------- verifier */

/* A read-only view of the whole file, walked line by line. */
struct view {
	const char *map;
	size_t size;
	const char *key;
};

/* The line at *off: sets its bounds, whether it ends in '\n', and moves *off on. */
static bool next_line(const struct view *v, size_t *off, const char **line, size_t *len, bool *nl)
{
	*line = NULL;
	*len = 0;
	*nl = false;
	if (*off >= v->size)
		return false;
	const char *s = v->map + *off;
	const char *e = memchr(s, '\n', v->size - *off);
	*line = s;
	*nl = e != NULL;
	*len = e ? (size_t)(e - s) : v->size - *off;
	*off += *len + (e ? 1 : 0);
	return true;
}

/* Parses and self-checks the whole line at *off (false for partial/bad lines). */
static bool good_line_at(const struct view *v, size_t *off, struct rec *r)
{
	const char *line;
	size_t len;
	bool nl;
	if (!next_line(v, off, &line, &len, &nl) || !nl)
		return false;
	return rec_parse(line, len, r) && rec_selfcheck(r, v->key);
}

/* Finds the first valid record with sequence `seq` from offset `off` on. */
static bool find_seq(const struct view *v, size_t off, uint64_t line_no, uint64_t seq, struct rec *out,
		     uint64_t *out_line)
{
	for (;; line_no++) {
		size_t before = off;
		struct rec r;
		bool good = good_line_at(v, &off, &r);
		if (off == before)
			return false;
		if (good && r.seq == seq) {
			*out = r;
			*out_line = line_no;
			return true;
		}
	}
}

/* Walk state: the verified prefix. Its records are at lines 1..count with
 * sequence numbers equal to their line numbers. */
struct walk {
	struct view v;
	struct eventlog_result *res;
	const struct eventlog_head *dbhead;
	char prev[EVENTLOG_HEX];  /* hash of record `count` */
	char pprev[EVENTLOG_HEX]; /* hash of record `count - 1` */
	uint64_t count;
	bool dbhash_ok; /* the record at dbhead->count matched its hash */
};

static void problem(struct walk *w, enum eventlog_problem p, uint64_t record, uint64_t line)
{
	w->res->problem = p;
	w->res->record = record;
	w->res->line = line;
}

/* A line that does not parse or whose hash does not match. */
static void bad_line(struct walk *w, size_t next_off, const char *line, size_t len)
{
	uint64_t ln = w->count + 1;
	struct rec r, nx;
	size_t off = next_off;
	bool next_good = good_line_at(&w->v, &off, &nx);
	if (next_good && nx.seq == ln && strcmp(nx.prev, w->prev) == 0) {
		problem(w, EVENTLOG_INSERTED, ln, ln);
		w->res->line2 = ln + 1;
		w->res->foreign = true;
		return;
	}
	problem(w, EVENTLOG_ALTERED, ln, ln);
	/* a wrong key: records 1 and 2 are well-formed and linked but fail their own hashes */
	if (ln == 1 && rec_parse(line, len, &r) && strcmp(r.prev, EVENTLOG_GENESIS) == 0) {
		off = next_off;
		const char *l2 = NULL;
		size_t len2 = 0;
		bool nl = false;
		if (next_line(&w->v, &off, &l2, &len2, &nl) && nl && rec_parse(l2, len2, &nx) &&
		    strcmp(nx.prev, r.hash) == 0 && !rec_selfcheck(&nx, w->v.key))
			w->res->key_hint = true;
	}
}

/* A valid record whose sequence number is ahead of the expected one. */
static void ahead(struct walk *w, size_t next_off, const struct rec *r)
{
	uint64_t ln = w->count + 1, want = ln, found_line, pline;
	struct rec found, before;
	if (find_seq(&w->v, next_off, ln + 1, want, &found, &found_line)) {
		/* r is displaced if the record it chains from exists; else it is foreign */
		bool displaced = find_seq(&w->v, 0, 1, r->seq - 1, &before, &pline) &&
				 strcmp(before.hash, r->prev) == 0;
		if (!displaced && found_line == ln + 1 && strcmp(found.prev, w->prev) == 0) {
			problem(w, EVENTLOG_INSERTED, want, ln);
			w->res->line2 = ln + 1;
			w->res->foreign = true;
			return;
		}
		problem(w, EVENTLOG_REORDERED, r->seq, ln);
		w->res->record2 = want;
		w->res->line2 = found_line;
		return;
	}
	problem(w, EVENTLOG_REMOVED, want, ln);
	w->res->record2 = r->seq - 1;
}

/* Checks one whole line; returns true if it extends the verified prefix. */
static bool step(struct walk *w, size_t next_off, const char *line, size_t len)
{
	uint64_t ln = w->count + 1;
	struct rec r;
	if (!rec_parse(line, len, &r) || !rec_selfcheck(&r, w->v.key)) {
		bad_line(w, next_off, line, len);
		return false;
	}
	if (r.seq == ln && strcmp(r.prev, w->prev) == 0) {
		memcpy(w->pprev, w->prev, EVENTLOG_HEX);
		memcpy(w->prev, r.hash, EVENTLOG_HEX);
		w->count = ln;
		if (w->dbhead && w->dbhead->count == ln)
			w->dbhash_ok = strcmp(w->dbhead->hash, r.hash) == 0;
		return true;
	}
	if (r.seq == ln) {
		/* self-consistent but not chained: the record before was rewritten
		 * with a recomputed hash (or this one's link was) */
		if (ln == 1) {
			problem(w, EVENTLOG_ALTERED, 1, 1);
		} else {
			problem(w, EVENTLOG_ALTERED, ln - 1, ln - 1);
			w->res->record2 = ln;
			w->res->line2 = ln;
			w->count = ln - 2;
			memcpy(w->prev, w->pprev, EVENTLOG_HEX);
		}
	} else if (r.seq > ln) {
		ahead(w, next_off, &r);
	} else {
		problem(w, EVENTLOG_INSERTED, r.seq, r.seq);
		w->res->line2 = ln;
	}
	return false;
}

static void walk_all(struct walk *w)
{
	size_t off = 0;
	const char *line;
	size_t len;
	bool nl, ok = true;
	while (ok && next_line(&w->v, &off, &line, &len, &nl)) {
		if (!nl) {
			problem(w, EVENTLOG_CUT_PARTIAL, w->count, w->count + 1);
			ok = false;
			break;
		}
		ok = step(w, off, line, len);
	}
	if (ok && w->dbhead && w->dbhead->count > w->count) {
		problem(w, EVENTLOG_CUT_MISSING, w->count, w->count);
		w->res->missing = w->dbhead->count - w->count;
	} else if (ok && w->dbhead && w->dbhead->count > 0 && !w->dbhash_ok) {
		problem(w, EVENTLOG_HEAD_MISMATCH, w->dbhead->count, w->dbhead->count);
	}
}

int eventlog_verify(const char *path, const char *key, const struct eventlog_head *dbhead,
		    struct eventlog_result *res, char *err, size_t errsz)
{
	struct stat st;
	struct walk w = { .res = res, .dbhead = dbhead };
	memset(res, 0, sizeof *res);
	if (sodium_init() < 0) {
		snprintf(err, errsz, "%s: cannot initialise libsodium", path);
		return -1;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errsz, "%s: %s", path, fd < 0 ? strerror(errno) : "not a regular file");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	w.v.size = (size_t)st.st_size;
	w.v.key = key && *key ? key : NULL;
	if (w.v.size > 0) {
		void *m = mmap(NULL, w.v.size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m == MAP_FAILED) {
			snprintf(err, errsz, "%s: cannot map: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		w.v.map = m;
	}
	close(fd);
	memcpy(w.prev, EVENTLOG_GENESIS, EVENTLOG_HEX);
	memcpy(w.pprev, EVENTLOG_GENESIS, EVENTLOG_HEX);
	walk_all(&w);
	if (w.v.map)
		munmap((void *)w.v.map, w.v.size);
	res->intact = w.count;
	res->head.count = w.count;
	memcpy(res->head.hash, w.prev, EVENTLOG_HEX);
	return 0;
}

void eventlog_describe(const struct eventlog_result *r, char *buf, size_t sz)
{
	switch (r->problem) {
	case EVENTLOG_INTACT:
		snprintf(buf, sz, "intact: %" PRIu64 " records", r->intact);
		break;
	case EVENTLOG_ALTERED:
		if (r->record2)
			snprintf(buf, sz, "altered: record %" PRIu64 " (line %" PRIu64 "): record %" PRIu64
				 " does not chain from it", r->record, r->line, r->record2);
		else
			snprintf(buf, sz, "altered: record %" PRIu64 " (line %" PRIu64 ")", r->record, r->line);
		break;
	case EVENTLOG_REMOVED:
		if (r->record2 > r->record)
			snprintf(buf, sz, "removed: records %" PRIu64 "-%" PRIu64 " missing before line %" PRIu64,
				 r->record, r->record2, r->line);
		else
			snprintf(buf, sz, "removed: record %" PRIu64 " missing before line %" PRIu64, r->record,
				 r->line);
		break;
	case EVENTLOG_INSERTED:
		if (r->foreign)
			snprintf(buf, sz, "inserted: line %" PRIu64 " is not a record of this log (record %" PRIu64
				 " follows at line %" PRIu64 ")", r->line, r->record, r->line2);
		else
			snprintf(buf, sz, "inserted: record %" PRIu64 " appears twice (lines %" PRIu64 " and %" PRIu64 ")",
				 r->record, r->line, r->line2);
		break;
	case EVENTLOG_REORDERED:
		snprintf(buf, sz, "reordered: record %" PRIu64 " (line %" PRIu64 ") comes before record %" PRIu64
			 " (line %" PRIu64 ")", r->record, r->line, r->record2, r->line2);
		break;
	case EVENTLOG_CUT_PARTIAL:
		snprintf(buf, sz, "cut short: last record incomplete after record %" PRIu64, r->record);
		break;
	case EVENTLOG_CUT_MISSING:
		snprintf(buf, sz, "cut short: %" PRIu64 " records missing at the end (koban.db recorded %" PRIu64 ")",
			 r->missing, r->record + r->missing);
		break;
	case EVENTLOG_HEAD_MISMATCH:
		snprintf(buf, sz, "altered: record %" PRIu64 " (line %" PRIu64 ") differs from the head recorded in koban.db",
			 r->record, r->line);
		break;
	}
}
