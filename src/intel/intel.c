/* intel.c - loading the threat-intelligence data (data directory plus the
 * user's indicator files), freeing it, warnings, bounded file reading, the
 * vendor and product matching rules, and JSON field helpers shared by the
 * advisory and end-of-support loaders. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "intel/intel_int.h"
#include "util/datadir.h"
#include "util/text.h"

#define WARN_PRINT_MAX 20

struct intel *intel_new(void)
{
	if (sodium_init() < 0)
		return NULL;
	struct intel *in = calloc(1, sizeof *in);
	if (!in)
		return NULL;
	randombytes_buf(in->ind.hash_key, sizeof in->ind.hash_key);
	randombytes_buf(in->cred.key, sizeof in->cred.key);
	return in;
}

void intel_free(struct intel *in)
{
	if (!in)
		return;
	ind_store_free(&in->ind);
	cred_store_free(&in->cred);
	adv_free_all(in);
	eos_free_all(in);
	sodium_memzero(in, sizeof *in);
	free(in);
}

void intel_set_warn(struct intel *in, intel_warn_fn fn, void *ctx)
{
	in->warn = fn;
	in->warn_ctx = ctx;
}

void intel_warn(struct intel *in, const char *fmt, ...)
{
	char msg[INTEL_MAX_WARN_TEXT];
	va_list ap;
	in->n_warnings++;
	if (!in->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	text_fix_utf8_tail(msg);
	in->warn(in->warn_ctx, msg);
}

size_t intel_warning_count(const struct intel *in)
{
	return in ? in->n_warnings : 0;
}

static void warn_stderr(void *ctx, const char *msg)
{
	const struct intel *in = ctx;
	if (in->n_warnings <= WARN_PRINT_MAX)
		fprintf(stderr, "koban: warning: %s\n", msg);
	else if (in->n_warnings == WARN_PRINT_MAX + 1)
		fprintf(stderr, "koban: warning: further intel warnings not shown\n");
}

char *intel_read_file(const char *path, size_t max, size_t *len, char *err, size_t errsz)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > max) {
		snprintf(err, errsz, S_ISREG(st.st_mode) ? "%s: larger than %zu bytes" : "%s: not a regular file",
			 path, max);
		close(fd);
		return NULL;
	}
	char *buf = malloc((size_t)st.st_size + 1);
	size_t got = 0;
	while (buf && got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (!buf || got != (size_t)st.st_size) {
		snprintf(err, errsz, "%s: %s", path, buf ? "read error" : "out of memory");
		free(buf);
		return NULL;
	}
	buf[got] = '\0';
	*len = got;
	return buf;
}

int intel_add_indicator_file(struct intel *in, const char *path, char *err, size_t errsz)
{
	size_t len;
	char *buf = intel_read_file(path, INTEL_MAX_INDICATOR_FILE, &len, err, errsz);
	if (!buf)
		return -1;
	int rc = intel_add_indicators(in, buf, len, path, err, errsz);
	free(buf);
	return rc;
}

typedef int (*adder_fn)(struct intel *, const char *, size_t, const char *, char *, size_t);

/* A data file that may be missing (a warning) but not broken. */
static int load_data_file(struct intel *in, const char *name, adder_fn add, char *err, size_t errsz)
{
	char path[4096];
	size_t len;
	if (!data_path(name, path, sizeof path)) {
		intel_warn(in, "data file %s not found (set KOBAN_DATA_DIR); its checks are off", name);
		return 0;
	}
	char *buf = intel_read_file(path, INTEL_MAX_DATA_FILE, &len, err, errsz);
	if (!buf)
		return -1;
	int rc = add(in, buf, len, path, err, errsz);
	free(buf);
	return rc < 0 ? -1 : 0;
}

static int indicator_file_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	if (d->d_name[0] == '.')
		return 0;
	return (n > 4 && strcmp(d->d_name + n - 4, ".txt") == 0) || (n > 5 && strcmp(d->d_name + n - 5, ".json") == 0);
}

/* Every *.txt and *.json in data/indicators/, in name order. */
static int load_indicator_dir(struct intel *in, char *err, size_t errsz)
{
	char dir[4096], path[8192];
	struct dirent **names;
	if (!data_path("indicators", dir, sizeof dir))
		return 0;
	int n = scandir(dir, &names, indicator_file_filter, alphasort);
	if (n < 0) {
		snprintf(err, errsz, "%s: %s", dir, strerror(errno));
		return -1;
	}
	int rc = 0;
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
		if (rc == 0 && intel_add_indicator_file(in, path, err, errsz) < 0)
			rc = -1;
		free(names[i]);
	}
	free(names);
	return rc;
}

struct intel *intel_load(const char *const *extra_indicators, size_t n_extra, char *err, size_t errsz)
{
	struct intel *in = intel_new();
	if (!in) {
		snprintf(err, errsz, "intel: out of memory");
		return NULL;
	}
	intel_set_warn(in, warn_stderr, in);
	int rc = load_data_file(in, "default-credentials", intel_add_credentials, err, errsz);
	if (rc == 0)
		rc = load_data_file(in, "advisories.json", intel_add_advisories, err, errsz);
	if (rc == 0)
		rc = load_data_file(in, "end-of-support.json", intel_add_eos, err, errsz);
	if (rc == 0)
		rc = load_indicator_dir(in, err, errsz);
	for (size_t i = 0; rc == 0 && i < n_extra; i++)
		if (intel_add_indicator_file(in, extra_indicators[i], err, errsz) < 0)
			rc = -1;
	if (rc != 0) {
		intel_free(in);
		return NULL;
	}
	return in;
}

/* ------------------------------------------------------------ matching rules */

#define VM_MAX_TOKENS 32

struct words {
	char w[VM_MAX_TOKENS][64];
	size_t n;
};

/* Lower-case runs of letters and digits. */
static void split_words(const char *s, struct words *ws)
{
	ws->n = 0;
	while (*s && ws->n < VM_MAX_TOKENS) {
		if (!isalnum((unsigned char)*s)) {
			s++;
			continue;
		}
		size_t k = 0;
		while (isalnum((unsigned char)*s)) {
			if (k < sizeof ws->w[0] - 1)
				ws->w[ws->n][k++] = (char)tolower((unsigned char)*s);
			s++;
		}
		ws->w[ws->n++][k] = '\0';
	}
}

bool intel_vendor_match(const char *entry_vendor, const char *device_vendor)
{
	struct words e, d;
	char want[VM_MAX_TOKENS * 64];
	if (!entry_vendor || !device_vendor)
		return false;
	split_words(entry_vendor, &e);
	split_words(device_vendor, &d);
	if (e.n == 0)
		return false;
	want[0] = '\0';
	for (size_t i = 0; i < e.n; i++)
		strcat(want, e.w[i]);
	size_t wl = strlen(want);
	/* the squeezed name equals a run of whole device words, squeezed */
	for (size_t i = 0; i < d.n; i++) {
		size_t hl = 0;
		for (size_t j = i; j < d.n; j++) {
			size_t l = strlen(d.w[j]);
			if (hl + l > wl || memcmp(want + hl, d.w[j], l) != 0)
				break;
			hl += l;
			if (hl == wl)
				return true;
		}
	}
	return false;
}

/* Whether pattern p (with '?' for one character) matches model m at
 * position i, and where the match ends. */
static bool glob_at(const char *p, size_t pl, const char *m, size_t ml, size_t i)
{
	if (i + pl > ml)
		return false;
	for (size_t k = 0; k < pl; k++)
		if (p[k] != '?' && tolower((unsigned char)p[k]) != tolower((unsigned char)m[i + k]))
			return false;
	return true;
}

bool intel_product_match(const char *product, const char *model)
{
	if (!product || !*product)
		return false;
	if (strcmp(product, "*") == 0)
		return true;
	if (!model)
		return false;
	size_t pl = strlen(product), ml = strlen(model);
	bool star = product[pl - 1] == '*';
	if (star)
		pl--;
	for (size_t i = 0; i + pl <= ml; i++) {
		/* whole words: starts at the beginning or after a non-alphanumeric character */
		if (i > 0 && isalnum((unsigned char)model[i - 1]))
			continue;
		if (!glob_at(product, pl, model, ml, i))
			continue;
		if (!star && i + pl < ml && isalnum((unsigned char)model[i + pl]))
			continue;
		return true;
	}
	return false;
}

bool vendor_match_any(const char *vendor, char *const *aliases, size_t n_aliases, const char *const dev[2])
{
	for (int k = 0; k < 2; k++) {
		if (!dev[k])
			continue;
		if (intel_vendor_match(vendor, dev[k]))
			return true;
		for (size_t i = 0; i < n_aliases; i++)
			if (intel_vendor_match(aliases[i], dev[k]))
				return true;
	}
	return false;
}

bool product_match_any(char *const *products, size_t n, const char *model)
{
	for (size_t i = 0; i < n; i++)
		if (intel_product_match(products[i], model))
			return true;
	return false;
}

/* ------------------------------------------------------------ JSON helpers */

int jfield_text(json_t *obj, const char *key, size_t max, bool required, char **out, char *why, size_t whysz)
{
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required)
			snprintf(why, whysz, "missing \"%s\"", key);
		return required ? -1 : 0;
	}
	if (!json_is_string(v) || json_string_length(v) > max) {
		snprintf(why, whysz, "\"%s\" must be a string of at most %zu bytes", key, max);
		return -1;
	}
	*out = text_clean(json_string_value(v), json_string_length(v), max);
	if (!*out) {
		snprintf(why, whysz, "\"%s\" is empty", key);
		return -1;
	}
	return 0;
}

void strv_free(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

int jfield_list(json_t *obj, const char *key, size_t max_items, size_t max_len, bool required, char ***out,
		size_t *n, char *why, size_t whysz)
{
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	*n = 0;
	if (!v || json_is_null(v)) {
		if (required)
			snprintf(why, whysz, "missing \"%s\"", key);
		return required ? -1 : 0;
	}
	size_t cnt = json_is_array(v) ? json_array_size(v) : 1;
	if ((!json_is_array(v) && !json_is_string(v)) || cnt == 0 || cnt > max_items) {
		snprintf(why, whysz, "\"%s\" must be a string or an array of 1 to %zu strings", key, max_items);
		return -1;
	}
	char **list = calloc(cnt, sizeof *list);
	if (!list) {
		snprintf(why, whysz, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < cnt; i++) {
		json_t *item = json_is_array(v) ? json_array_get(v, i) : v;
		json_t *tmp = json_pack("{s:O}", key, item);
		int rc = tmp ? jfield_text(tmp, key, max_len, true, &list[i], why, whysz) : -1;
		json_decref(tmp);
		if (rc != 0 || !list[i]) {
			if (!tmp)
				snprintf(why, whysz, "out of memory");
			else if (json_is_array(v))
				snprintf(why + strlen(why), whysz - strlen(why), " (item %zu)", i);
			strv_free(list, cnt);
			return -1;
		}
	}
	*out = list;
	*n = cnt;
	return 0;
}

int jcheck_keys(json_t *obj, const char *const *allowed, char *why, size_t whysz)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v) {
		bool ok = strncmp(key, "x_", 2) == 0;
		for (size_t i = 0; !ok && allowed[i]; i++)
			ok = strcmp(key, allowed[i]) == 0;
		if (!ok) {
			char safe[64];
			text_clean_into(safe, sizeof safe, key, strlen(key));
			snprintf(why, whysz, "unknown key \"%s\"", safe);
			return -1;
		}
	}
	return 0;
}

json_t *jload_array(const char *buf, size_t len, const char *source, const char *what, char *err, size_t errsz)
{
	json_error_t jerr;
	json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		snprintf(err, errsz, "%s:%d: not valid JSON: %s", source, jerr.line, jerr.text);
		return NULL;
	}
	if (!json_is_array(root) || json_array_size(root) > INTEL_MAX_ENTRIES) {
		snprintf(err, errsz, "%s: must be a JSON array of at most %u %s", source, INTEL_MAX_ENTRIES, what);
		json_decref(root);
		return NULL;
	}
	return root;
}

char *strv_join(char *const *v, size_t n)
{
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += strlen(v[i]) + 2;
	char *s = malloc(len);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(s, ", ");
		strcat(s, v[i]);
	}
	return s;
}

bool valid_http_url(const char *s)
{
	if (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0)
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == '"' || *p == '<' || *p == '>' || *p == '\\' || *p == 0x7f)
			return false;
	return true;
}
