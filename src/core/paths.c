/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Data paths (paths.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/err.h"
#include "core/paths.h"

int tw_data_path(const char *name, char *out, size_t cap)
{
	const char *x = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	int r;
	if (x && x[0] == '/')
		r = snprintf(out, cap, "%s/tracewall/%s", x, name);
	else if (home && home[0] == '/')
		r = snprintf(out, cap, "%s/.local/share/tracewall/%s", home, name);
	else
		return TW_E_NOTFOUND;
	return r > 0 && (size_t)r < cap ? TW_OK : TW_E_RANGE;
}

int tw_mkdirs_for(const char *path)
{
	char d[4096];
	size_t n = strlen(path);
	if (n >= sizeof(d)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(d, path, n + 1);
	for (char *p = d + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		struct stat sb;
		if (stat(d, &sb) != 0) {
			/* A missing top directory is a mistake in the path, not ours to make. */
			if (errno != ENOENT || !strchr(d + 1, '/'))
				return -1;
			if (mkdir(d, 0700) < 0 && errno != EEXIST)
				return -1;
		}
		*p = '/';
	}
	return 0;
}
