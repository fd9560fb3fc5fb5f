/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Replays files (or every file of directories) through a fuzz harness without libFuzzer,
 * so that each corpus is a regression suite under the normal compiler and the sanitizers.
 * Prints one TAP line per argument; the name of each input goes to stderr first, so that
 * a crash (which ends the process) names the input that caused it. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Runs one file; returns 0 on success, -1 if it could not be read. */
static int one(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	int ret = -1;

	fprintf(stderr, "replay %s\n", path);
	if (!f)
		return -1;
	if (fstat(fileno(f), &st) == 0 && st.st_size <= (1 << 24)) {
		size_t sz = (size_t)st.st_size;
		uint8_t *buf = malloc(sz ? sz : 1);
		if (buf && fread(buf, 1, sz, f) == sz) {
			LLVMFuzzerTestOneInput(buf, sz);
			ret = 0;
		}
		free(buf);
	}
	fclose(f);
	return ret;
}

int main(int argc, char **argv)
{
	int n = 0, failed = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		int runs = 0, bad = 0;
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			struct dirent **ents;
			int m = scandir(argv[i], &ents, NULL, alphasort);
			for (int k = 0; k < m; k++) {
				if (ents[k]->d_name[0] != '.') {
					char p[4096];
					snprintf(p, sizeof(p), "%s/%s", argv[i], ents[k]->d_name);
					bad += one(p) != 0;
					runs++;
				}
				free(ents[k]);
			}
			free(m >= 0 ? ents : NULL);
			if (m < 0)
				bad++;
		} else {
			bad += one(argv[i]) != 0;
			runs++;
		}
		/* Reaching here means no input crashed: sanitizers abort the process otherwise. */
		printf("%s %d - %s: %d inputs replayed%s\n", bad ? "not ok" : "ok", ++n, argv[i],
		       runs, bad ? ", some unreadable" : "");
		failed += bad != 0;
	}
	printf("1..%d\n", n);
	return failed ? 1 : 0;
}
