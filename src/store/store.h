/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The store (DESIGN.md "The store"): one SQLite database in WAL mode, default
 * $XDG_DATA_HOME/tracewall/tracewall.db, with a versioned schema migrated on open. Schema 1
 * holds the cache of network look-ups (reverse DNS, abuse contacts), each answer kept for
 * the address range the registry returned, positive answers for days and negative ones for
 * hours. Every statement is prepared; nothing is printed. */
#ifndef TW_STORE_STORE_H
#define TW_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "core/err.h"

#define TW_STORE_SCHEMA 6

struct tw_store;

/* The default path: $XDG_DATA_HOME/tracewall/tracewall.db (or ~/.local/share/…). */
int tw_store_default_path(char *out, size_t cap);
/* Opens (creating the file and its directory when missing) and migrates the schema.
 * TW_E_DB with the reason in 'ec' (a store of a newer schema is refused, never changed). */
int tw_store_open(struct tw_store **st, const char *path, struct tw_errctx *ec);
/* Opens an existing store to read it (queries, report --list): never creates, migrates or
 * writes; a store another user owns or a read-only file is read too. TW_E_NOTFOUND when
 * there is no file, TW_E_DB (reason in 'ec') for another schema or a damaged file. */
int tw_store_open_ro(struct tw_store **st, const char *path, struct tw_errctx *ec);
void tw_store_close(struct tw_store *st);

/* The newest cached answer of 'kind' ("rdns", "abuse") whose range holds 'a' and that has
 * not expired at 'now' (unix seconds): TW_OK with an owned copy in *answer (free()),
 * TW_E_NOTFOUND, or TW_E_DB. */
int tw_store_cache_get(struct tw_store *st, const char *kind, const struct tw_addr *a, int64_t now,
		       char **answer, int64_t *fetched, int64_t *expires);
/* Keeps an answer for [lo, hi] (same family) until 'expires', replacing one for the same
 * range. */
int tw_store_cache_put(struct tw_store *st, const char *kind, const struct tw_addr *lo,
		       const struct tw_addr *hi, const char *answer, bool positive, int64_t fetched,
		       int64_t expires);

/* The auto-bans' record (policy.h): the earlier offenses of 'a' whose last is not before
 * 'since' (0 when older: forgotten), and one more offense, now the 'offenses'th, banned from
 * 'now' to 'until' (nanoseconds) after 'probes' probes, with the reason. */
int tw_store_offenses(struct tw_store *st, const struct tw_addr *a, int64_t since, uint32_t *prior);
int tw_store_offense_add(struct tw_store *st, const struct tw_addr *a, uint32_t offenses,
			 int64_t now, int64_t until, uint32_t probes, const char *why);

/* The last offense recorded for 'a': TW_OK, TW_E_NOTFOUND or TW_E_DB. */
struct tw_offense {
	uint32_t offenses, probes;
	int64_t last, until; /* nanoseconds */
	char why[96];
};
int tw_store_offense_get(struct tw_store *st, const struct tw_addr *a, struct tw_offense *out);

/* An address as the store keys it: its family, then its 16 bytes (network order). */
void tw_store_key(const struct tw_addr *a, unsigned char k[17]);

/* The SQLite handle, for the store's other modules (ingest.c, query.c). */
struct sqlite3;
struct sqlite3 *tw_store_db(struct tw_store *st);

#endif
