/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Replays files (or every file of directories) through a fuzz harness without libFuzzer,
 * so that each corpus is a regression suite under the normal compiler. Prints TAP. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int n;

static void one(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	if (!f || fstat(fileno(f), &st) < 0 || st.st_size > (1 << 24)) {
		printf("not ok %d - %s (cannot read)\n", ++n, path);
		if (f)
			fclose(f);
		return;
	}
	size_t sz = (size_t)st.st_size;
	uint8_t *buf = malloc(sz ? sz : 1);
	if (!buf || fread(buf, 1, sz, f) != sz) {
		printf("not ok %d - %s (cannot read)\n", ++n, path);
	} else {
		LLVMFuzzerTestOneInput(buf, sz);
		/* Reaching here means no crash; sanitizers abort otherwise. */
		printf("ok %d - %s\n", ++n, path);
	}
	free(buf);
	fclose(f);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			struct dirent **ents;
			int m = scandir(argv[i], &ents, NULL, alphasort);
			for (int k = 0; k < m; k++) {
				if (ents[k]->d_name[0] != '.') {
					char p[4096];
					snprintf(p, sizeof(p), "%s/%s", argv[i], ents[k]->d_name);
					one(p);
				}
				free(ents[k]);
			}
			free(m >= 0 ? ents : NULL);
		} else {
			one(argv[i]);
		}
	}
	printf("1..%d\n", n);
	return 0;
}
