/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: store/ (schema migration, the look-up cache by range and time). */
#include <stdlib.h>
#include <unistd.h>

#include "store/store.h"
#include "tap.h"

static struct tw_addr A(const char *s) {
	struct tw_addr a;
	tw_addr_parse(s, strlen(s), &a);
	return a;
}

static void
t_cache(void)
{
	char dir[] = "/tmp/tw-store-XXXXXX", path[64];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/sub/t.db", dir);
	struct tw_store *st = NULL;
	struct tw_errctx ec;
	memset(&ec, 0, sizeof(ec));
	CHECK_EQ_I(tw_store_open(&st, path, &ec), TW_OK); /* its directory made */
	if (!st)
		return;
	struct tw_addr lo = A("5.6.0.0"), hi = A("5.6.255.255"), lo2 = A("5.6.7.0"),
		       hi2 = A("5.6.7.255"), in = A("5.6.7.8"), out = A("5.7.0.1"),
		       v6 = A("::5.6.7.8");
	CHECK_EQ_I(tw_store_cache_put(st, "abuse", &lo, &hi, "wide", true, 100, 1000), TW_OK);
	CHECK_EQ_I(tw_store_cache_put(st, "abuse", &lo2, &hi2, "narrow", true, 100, 1000), TW_OK);
	char *ans = NULL;
	int64_t f, e;
	CHECK_EQ_I(tw_store_cache_get(st, "abuse", &in, 500, &ans, &f, &e), TW_OK);
	CHECK(ans && !strcmp(ans, "narrow")); /* the most specific range */
	free(ans);
	ans = NULL;
	struct tw_addr other = A("5.6.9.1");
	CHECK_EQ_I(tw_store_cache_get(st, "abuse", &other, 500, &ans, &f, &e), TW_OK);
	CHECK(ans && !strcmp(ans, "wide"));
	free(ans);
	CHECK_EQ_I(tw_store_cache_get(st, "abuse", &out, 500, &ans, &f, &e), TW_E_NOTFOUND);
	CHECK_EQ_I(tw_store_cache_get(st, "abuse", &v6, 500, &ans, &f, &e), TW_E_NOTFOUND);
	CHECK_EQ_I(tw_store_cache_get(st, "rdns", &in, 500, &ans, &f, &e), TW_E_NOTFOUND);
	CHECK_EQ_I(tw_store_cache_get(st, "abuse", &in, 1000, &ans, &f, &e), TW_E_NOTFOUND);
	tw_store_close(st);
	/* Reopened: the schema is not migrated twice, the answers are still there. */
	CHECK_EQ_I(tw_store_open(&st, path, &ec), TW_OK);
	ans = NULL;
	CHECK_EQ_I(tw_store_cache_get(st, "abuse", &in, 500, &ans, &f, &e), TW_OK);
	CHECK_EQ_I(f, 100);
	CHECK_EQ_I(e, 1000);
	free(ans);
	tw_store_close(st);
	/* Not a database: refused with the file's name. */
	char junk[80];
	snprintf(junk, sizeof(junk), "%s/junk.db", dir);
	FILE *fp = fopen(junk, "w");
	if (fp) {
		fputs("this is not SQLite, but long enough to look like a header........\n", fp);
		fclose(fp);
	}
	CHECK_EQ_I(tw_store_open(&st, junk, &ec), TW_E_DB);
	CHECK(strstr(ec.msg, "junk.db") != NULL);
	/* A top directory is never made. */
	CHECK_EQ_I(tw_store_open(&st, "/tw-no-such-top/x.db", &ec), TW_E_DB);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK_EQ_I(system(cmd), 0);
}

TW_SUITE(store, {"cache", t_cache});
