/* oui.c - loads the IEEE MA-L registry (CSV) into a sorted array and looks
 * up MAC vendors by binary search. */
#include "device/oui.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"

struct oui_entry {
	uint32_t prefix;
	char *name;
};

static struct oui_entry *entries;
static size_t n_entries;
static bool tried;

/* Parses one CSV line "MA-L,XXXXXX,Name or \"Quoted, Name\",Address". */
static bool parse_line(const char *line, uint32_t *prefix, char *name, size_t namesz)
{
	const char *p = strchr(line, ',');
	if (!p)
		return false;
	p++;
	char hex[7];
	for (int i = 0; i < 6; i++) {
		char c = p[i];
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f')))
			return false;
		hex[i] = c;
	}
	hex[6] = '\0';
	if (p[6] != ',')
		return false;
	*prefix = (uint32_t)strtoul(hex, NULL, 16);
	p += 7;
	size_t n = 0;
	if (*p == '"') {
		for (p++; *p && n + 1 < namesz; p++) {
			if (*p == '"' && p[1] == '"')
				p++;
			else if (*p == '"')
				break;
			name[n++] = *p;
		}
	} else {
		for (; *p && *p != ',' && *p != '\n' && n + 1 < namesz; p++)
			name[n++] = *p;
	}
	name[n] = '\0';
	return n > 0;
}

static int cmp_entry(const void *a, const void *b)
{
	uint32_t x = ((const struct oui_entry *)a)->prefix, y = ((const struct oui_entry *)b)->prefix;
	return x < y ? -1 : x > y;
}

static void oui_load(void)
{
	tried = true;
	const char *path = getenv("KOBAN_OUI_FILE");
	FILE *f = fopen(path && *path ? path : "/usr/share/ieee-data/oui.csv", "r");
	if (!f)
		return;
	char line[1024], raw[256];
	size_t cap = 0;
	while (fgets(line, sizeof line, f)) {
		uint32_t prefix;
		if (!parse_line(line, &prefix, raw, sizeof raw))
			continue;
		if (n_entries == cap) {
			size_t ncap = cap ? cap * 2 : 4096;
			struct oui_entry *ne = realloc(entries, ncap * sizeof *ne);
			if (!ne)
				break;
			entries = ne;
			cap = ncap;
		}
		char *name = text_clean(raw, strlen(raw), 128);
		if (!name)
			continue;
		entries[n_entries].prefix = prefix;
		entries[n_entries].name = name;
		n_entries++;
	}
	fclose(f);
	qsort(entries, n_entries, sizeof *entries, cmp_entry);
}

const char *oui_lookup(const uint8_t mac[6])
{
	if (mac[0] & 3) /* group or locally administered: no registry entry */
		return NULL;
	if (!tried)
		oui_load();
	struct oui_entry key = {.prefix = (uint32_t)mac[0] << 16 | (uint32_t)mac[1] << 8 | mac[2]};
	struct oui_entry *e = bsearch(&key, entries, n_entries, sizeof *entries, cmp_entry);
	return e ? e->name : NULL;
}

void oui_free(void)
{
	for (size_t i = 0; i < n_entries; i++)
		free(entries[i].name);
	free(entries);
	entries = NULL;
	n_entries = 0;
	tried = false;
}
