/* datadir.c - locating data files in the build tree or the installation. */
#include "util/datadir.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef KOBAN_DATADIR
#define KOBAN_DATADIR "/usr/local/share/koban"
#endif

static bool try_path(char *buf, size_t bufsz, const char *dir, const char *name)
{
	int n = snprintf(buf, bufsz, "%s/%s", dir, name);
	return n > 0 && (size_t)n < bufsz && access(buf, R_OK) == 0;
}

bool data_path(const char *name, char *buf, size_t bufsz)
{
	const char *env = getenv("KOBAN_DATA_DIR");
	if (env && *env) /* when set, it is the only place looked at */
		return try_path(buf, bufsz, env, name);
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			char dir[PATH_MAX + 16];
			snprintf(dir, sizeof dir, "%s/../data", exe);
			if (try_path(buf, bufsz, dir, name))
				return true;
			snprintf(dir, sizeof dir, "%s/../../data", exe);
			if (try_path(buf, bufsz, dir, name))
				return true;
		}
	}
	return try_path(buf, bufsz, KOBAN_DATADIR, name);
}
