/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The SQLite store: open, migrate, and the look-up cache (store.h). Addresses are keyed as
 * 17 bytes — the family, then the 16 address bytes in network order — so that SQLite's
 * memcmp order of BLOBs is address order and the two families never mix. */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/alloc.h"
#include "core/esc.h"
#include "core/paths.h"
#include "store/store.h"

struct tw_store {
	sqlite3 *db;
	sqlite3_stmt *get, *put;
};

sqlite3 *tw_store_db(struct tw_store *st)
{
	return st->db;
}

/* Each migration takes the schema from version i to i + 1, in one transaction. */
static const char *const migrations[] = {
    /* 0 → 1: the look-up cache. */
    "CREATE TABLE lookup_cache ("
    " kind TEXT NOT NULL,"
    " lo BLOB NOT NULL,"
    " hi BLOB NOT NULL,"
    " answer TEXT NOT NULL,"
    " positive INTEGER NOT NULL,"
    " fetched INTEGER NOT NULL,"
    " expires INTEGER NOT NULL,"
    " PRIMARY KEY (kind, lo, hi)) WITHOUT ROWID;",
    /* 1 → 2: ingested files (known by the hash of their first bytes, uncompressed, with
     * the committed offset) and the incidents with their evidence. */
    "CREATE TABLE files ("
    " id INTEGER PRIMARY KEY,"
    " head_len INTEGER NOT NULL,"
    " head INTEGER NOT NULL,"
    " dev INTEGER, ino INTEGER,"
    " path TEXT NOT NULL,"
    " offset INTEGER NOT NULL,"
    " lines INTEGER NOT NULL,"
    " first_ingest INTEGER NOT NULL,"
    " last_ingest INTEGER NOT NULL);"
    "CREATE INDEX files_head ON files(head_len, head);"
    "CREATE TABLE incidents ("
    " id INTEGER PRIMARY KEY,"
    " src BLOB NOT NULL,"
    " class TEXT NOT NULL,"
    " has_time INTEGER NOT NULL,"
    " first INTEGER NOT NULL,"
    " last INTEGER NOT NULL,"
    " packets INTEGER NOT NULL,"
    " dsts INTEGER NOT NULL,"
    " ports INTEGER NOT NULL,"
    " estimated INTEGER NOT NULL,"
    " port_lo INTEGER, port_hi INTEGER,"
    " weight INTEGER NOT NULL,"
    " counts BLOB NOT NULL,"
    " danger INTEGER NOT NULL,"
    " confidence REAL NOT NULL,"
    " reportable INTEGER NOT NULL,"
    " why TEXT NOT NULL,"
    " nev INTEGER NOT NULL);"
    "CREATE INDEX incidents_src ON incidents(src, class, last);"
    "CREATE INDEX incidents_time ON incidents(first);"
    "CREATE TABLE evidence ("
    " incident INTEGER NOT NULL REFERENCES incidents(id),"
    " seq INTEGER NOT NULL,"
    " file INTEGER NOT NULL REFERENCES files(id),"
    " line INTEGER NOT NULL,"
    " text TEXT NOT NULL,"
    " PRIMARY KEY (incident, seq)) WITHOUT ROWID;",
    /* 2 → 3: abuse reports, one per mailbox and batch, and what each covers (an incident
     * is in at most one report: nothing is reported twice). */
    "CREATE TABLE reports ("
    " id INTEGER PRIMARY KEY,"
    " mailbox TEXT NOT NULL,"
    " contact_how TEXT NOT NULL,"
    " created INTEGER NOT NULL,"
    " state TEXT NOT NULL CHECK (state IN"
    "  ('draft','approved','sent','failed','bounced')),"
    " state_changed INTEGER NOT NULL);"
    "CREATE TABLE report_items ("
    " report INTEGER NOT NULL REFERENCES reports(id),"
    " incident INTEGER NOT NULL UNIQUE REFERENCES incidents(id));",
    /* 3 → 4: the port scan or sweep an incident is part of (the source's verdict). */
    "ALTER TABLE incidents ADD COLUMN scan TEXT;",
    /* 4 → 5: the events themselves, kept only with --keep-events. */
    "CREATE TABLE events ("
    " file INTEGER NOT NULL REFERENCES files(id),"
    " line INTEGER NOT NULL,"
    " seq INTEGER NOT NULL,"
    " ts INTEGER, src BLOB, dst BLOB, proto INTEGER, sport INTEGER, dport INTEGER,"
    " class TEXT,"
    " PRIMARY KEY (file, line, seq)) WITHOUT ROWID;",
    /* 5 → 6: the daemon's auto-bans (offenses per source, for escalation) and where a live
     * source (the journal) was read to, committed with its incidents. */
    "CREATE TABLE bans ("
    " src BLOB PRIMARY KEY,"
    " offenses INTEGER NOT NULL,"
    " first INTEGER NOT NULL,"
    " last INTEGER NOT NULL,"
    " until INTEGER NOT NULL,"
    " probes INTEGER NOT NULL,"
    " why TEXT NOT NULL) WITHOUT ROWID;"
    "ALTER TABLE files ADD COLUMN cursor TEXT;",
    /* 6 → 7: what each source's verdict is made of (classify/agg-state.c), so that a
     * verdict is judged again over the whole source when it grows, however the log is
     * read; and the sources by their first payload (the forged-campaign rule). Sources
     * stored before keep their verdict until they grow, then are judged on what came
     * after. */
    "CREATE TABLE source_state ("
    " src BLOB PRIMARY KEY,"
    " payload INTEGER,"
    " state BLOB NOT NULL) WITHOUT ROWID;"
    "CREATE INDEX source_state_payload ON source_state(payload) WHERE payload IS NOT NULL;",
};

int tw_store_default_path(char *out, size_t cap)
{
	return tw_data_path("tracewall.db", out, cap);
}

static int db_err(struct tw_store *st, struct tw_errctx *ec, const char *path, const char *what)
{
	return tw_err_set(ec, TW_E_DB, 0, "%.200s: %s: %.200s", path, what,
			  st->db ? sqlite3_errmsg(st->db) : "cannot open");
}

static int schema_version(sqlite3 *db)
{
	sqlite3_stmt *s = NULL;
	int version = -1;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		version = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return version;
}

/* One step per transaction, the version read inside it: two tracewalls opening a new
 * store at once take turns (the second finds the first's tables and does nothing). */
static int migrate(struct tw_store *st, const char *path, struct tw_errctx *ec)
{
	int known = (int)(sizeof(migrations) / sizeof(*migrations));
	for (;;) {
		int version = schema_version(st->db);
		if (version < 0)
			return db_err(st, ec, path, "not a tracewall store");
		if (version > known)
			return tw_err_set(ec, TW_E_DB, 0,
					  "%.200s: schema %d is newer than this tracewall knows "
					  "(%d): left unchanged",
					  path, version, known);
		if (version == known)
			return TW_OK;
		if (sqlite3_exec(st->db, "BEGIN IMMEDIATE;", NULL, NULL, NULL) != SQLITE_OK)
			return db_err(st, ec, path, "cannot begin the migration");
		int v = schema_version(st->db);
		if (v != version) { /* another process migrated meanwhile: look again */
			sqlite3_exec(st->db, "ROLLBACK;", NULL, NULL, NULL);
			continue;
		}
		char set[64];
		snprintf(set, sizeof(set), "PRAGMA user_version = %d;", v + 1);
		if (sqlite3_exec(st->db, migrations[v], NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(st->db, set, NULL, NULL, NULL) != SQLITE_OK) {
			int r = db_err(st, ec, path, "migration failed");
			sqlite3_exec(st->db, "ROLLBACK;", NULL, NULL, NULL);
			return r;
		}
		if (sqlite3_exec(st->db, "COMMIT;", NULL, NULL, NULL) != SQLITE_OK)
			return db_err(st, ec, path, "cannot commit the migration");
	}
}

static bool wal_left(const char *path)
{
	char wal[4200];
	struct stat sb;
	snprintf(wal, sizeof(wal), "%s-wal", path);
	return stat(wal, &sb) == 0 && sb.st_size > 0;
}

/* PRAGMA quick_check: TW_OK, or TW_E_DB naming the store and SQLite's first finding. */
static int quick_check(struct tw_store *st, const char *path, struct tw_errctx *ec)
{
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(st->db, "PRAGMA quick_check(1)", -1, &q, NULL) != SQLITE_OK)
		return db_err(st, ec, path, "the store is damaged or not a tracewall store");
	int r = TW_OK;
	if (sqlite3_step(q) != SQLITE_ROW) {
		r = db_err(st, ec, path, "the store is damaged or not a tracewall store");
	} else {
		const char *v = (const char *)sqlite3_column_text(q, 0);
		if (!v || strcmp(v, "ok") != 0)
			r = tw_err_set(ec, TW_E_DB, 0,
				       "%.200s: the store is damaged (quick_check: %.200s); keep a "
				       "copy, then try `sqlite3 %.200s .recover`",
				       path, v ? v : "?", path);
	}
	sqlite3_finalize(q);
	/* A damaged store is left as it is: its log not even checkpointed into it. */
	if (r)
		sqlite3_db_config(st->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	return r;
}

int tw_store_open_ro(struct tw_store **out, const char *path, struct tw_errctx *ec)
{
	struct stat sb;
	if (stat(path, &sb) != 0)
		return tw_err_set(ec, TW_E_NOTFOUND, 0,
				  "%.200s: no store there (nothing ingested into it yet?)", path);
	struct tw_store *st = tw_calloc(1, sizeof(*st));
	if (!st)
		return tw_err_set(ec, TW_E_NOMEM, 0, "out of memory");
	int r = TW_OK;
	/* Read-only; when even the shared-memory file cannot be made (another user's store,
	 * a read-only directory), as an immutable file. */
	static const char *const modes[] = {"ro", "ro&immutable=1"};
	for (int i = 0; i < 2; i++) {
		struct tw_buf uri;
		tw_buf_init(&uri);
		tw_buf_adds(&uri, "file:");
		for (const char *p = path; *p; p++) {
			if (*p == '?' || *p == '#' || *p == '%')
				tw_buf_printf(&uri, "%%%02X", (unsigned char)*p);
			else
				tw_buf_addc(&uri, *p);
		}
		tw_buf_printf(&uri, "?mode=%s", modes[i]);
		tw_buf_addc(&uri, '\0');
		sqlite3_close(st->db);
		st->db = NULL;
		int o = uri.oom ? SQLITE_NOMEM
				: sqlite3_open_v2(uri.p, &st->db,
						  SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
						      SQLITE_OPEN_NOMUTEX,
						  NULL);
		tw_buf_fini(&uri);
		if (o != SQLITE_OK)
			continue;
		sqlite3_busy_timeout(st->db, 5000);
		int v = schema_version(st->db);
		if (v >= 0) {
			int known = (int)(sizeof(migrations) / sizeof(*migrations));
			if (v != known)
				r = tw_err_set(ec, TW_E_DB, 0,
					       "%.200s: schema %d, this tracewall reads %d: %s",
					       path, v, known,
					       v > known ? "left unchanged"
							 : "open it once with write access "
							   "(tracewall ingest) to upgrade it");
			break;
		}
	}
	if (!r && schema_version(st->db) < 0)
		r = db_err(st, ec, path, "the store is damaged or not a tracewall store");
	if (!r && sqlite3_prepare_v2(st->db,
				     "SELECT answer, fetched, expires FROM lookup_cache"
				     " WHERE kind = ?1 AND lo <= ?2 AND hi >= ?2 AND expires > ?3"
				     " ORDER BY lo DESC, fetched DESC LIMIT 1",
				     -1, &st->get, NULL) != SQLITE_OK)
		r = db_err(st, ec, path, "cannot prepare");
	if (r) {
		tw_store_close(st);
		return r;
	}
	*out = st;
	return TW_OK;
}

int tw_store_open(struct tw_store **out, const char *path, struct tw_errctx *ec)
{
	struct tw_store *st = tw_calloc(1, sizeof(*st));
	int r;
	if (!st)
		return tw_err_set(ec, TW_E_NOMEM, 0, "out of memory");
	if (tw_mkdirs_for(path)) {
		r = tw_err_set(ec, TW_E_DB, errno, "%.200s: cannot create its directory: %s", path,
			       strerror(errno));
		goto fail;
	}
	if (sqlite3_open_v2(path, &st->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW |
				SQLITE_OPEN_NOMUTEX, /* one thread at a time per connection */
			    NULL) != SQLITE_OK) {
		r = db_err(st, ec, path, "cannot open");
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 5000);
	/* A write-ahead log left behind (an unclean stop, or another tracewall has it open):
	 * the store's pages are checked before anything is added to them. */
	if (wal_left(path) && (r = quick_check(st, path, ec)))
		goto fail;
	/* The schema first: a store of a newer tracewall is not touched at all (switching it
	 * to WAL would already write to it). */
	r = migrate(st, path, ec);
	if (r)
		goto fail;
	if (sqlite3_exec(st->db,
			 "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
			 " PRAGMA cache_size = -65536;",
			 NULL, NULL, NULL) != SQLITE_OK) {
		r = db_err(st, ec, path, "cannot switch to WAL");
		goto fail;
	}
	if (sqlite3_prepare_v2(st->db,
			       "SELECT answer, fetched, expires FROM lookup_cache"
			       " WHERE kind = ?1 AND lo <= ?2 AND hi >= ?2 AND expires > ?3"
			       " ORDER BY lo DESC, fetched DESC LIMIT 1",
			       -1, &st->get, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(st->db,
			       "INSERT OR REPLACE INTO lookup_cache"
			       " (kind, lo, hi, answer, positive, fetched, expires)"
			       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
			       -1, &st->put, NULL) != SQLITE_OK) {
		r = db_err(st, ec, path, "cannot prepare");
		goto fail;
	}
	*out = st;
	return TW_OK;
fail:
	tw_store_close(st);
	return r;
}

void tw_store_close(struct tw_store *st)
{
	if (!st)
		return;
	sqlite3_finalize(st->get);
	sqlite3_finalize(st->put);
	sqlite3_close(st->db);
	free(st);
}

void tw_store_key(const struct tw_addr *a, unsigned char k[17])
{
	k[0] = a->family;
	memcpy(k + 1, a->b, 16);
}

int tw_store_cache_get(struct tw_store *st, const char *kind, const struct tw_addr *a, int64_t now,
		       char **answer, int64_t *fetched, int64_t *expires)
{
	unsigned char k[17];
	int r = TW_E_NOTFOUND;
	tw_store_key(a, k);
	sqlite3_reset(st->get);
	sqlite3_bind_text(st->get, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st->get, 2, k, sizeof(k), SQLITE_TRANSIENT);
	sqlite3_bind_int64(st->get, 3, now);
	int s = sqlite3_step(st->get);
	if (s == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st->get, 0);
		int n = sqlite3_column_bytes(st->get, 0);
		char *c = t ? tw_malloc((size_t)n + 1) : NULL;
		if (!c) {
			r = TW_E_NOMEM;
		} else {
			memcpy(c, t, (size_t)n);
			c[n] = '\0';
			*answer = c;
			*fetched = sqlite3_column_int64(st->get, 1);
			*expires = sqlite3_column_int64(st->get, 2);
			r = TW_OK;
		}
	} else if (s != SQLITE_DONE) {
		r = TW_E_DB;
	}
	sqlite3_reset(st->get);
	return r;
}

int tw_store_cache_put(struct tw_store *st, const char *kind, const struct tw_addr *lo,
		       const struct tw_addr *hi, const char *answer, bool positive, int64_t fetched,
		       int64_t expires)
{
	unsigned char kl[17], kh[17];
	tw_store_key(lo, kl);
	tw_store_key(hi, kh);
	if (!st->put)
		return TW_E_DB; /* a store opened read-only keeps nothing */
	sqlite3_reset(st->put);
	sqlite3_bind_text(st->put, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st->put, 2, kl, sizeof(kl), SQLITE_TRANSIENT);
	sqlite3_bind_blob(st->put, 3, kh, sizeof(kh), SQLITE_TRANSIENT);
	sqlite3_bind_text(st->put, 4, answer, -1, SQLITE_STATIC);
	sqlite3_bind_int(st->put, 5, positive);
	sqlite3_bind_int64(st->put, 6, fetched);
	sqlite3_bind_int64(st->put, 7, expires);
	int s = sqlite3_step(st->put);
	sqlite3_reset(st->put);
	return s == SQLITE_DONE ? TW_OK : TW_E_DB;
}

int tw_store_offenses(struct tw_store *st, const struct tw_addr *a, int64_t since, uint32_t *prior)
{
	unsigned char k[17];
	sqlite3_stmt *q = NULL;
	*prior = 0;
	tw_store_key(a, k);
	if (sqlite3_prepare_v2(st->db, "SELECT offenses, last FROM bans WHERE src = ?1", -1, &q,
			       NULL) != SQLITE_OK)
		return TW_E_DB;
	sqlite3_bind_blob(q, 1, k, 17, SQLITE_STATIC);
	int s = sqlite3_step(q);
	if (s == SQLITE_ROW && sqlite3_column_int64(q, 1) >= since)
		*prior = (uint32_t)sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return s == SQLITE_ROW || s == SQLITE_DONE ? TW_OK : TW_E_DB;
}

int tw_store_offense_add(struct tw_store *st, const struct tw_addr *a, uint32_t offenses,
			 int64_t now, int64_t until, uint32_t probes, const char *why)
{
	unsigned char k[17];
	sqlite3_stmt *q = NULL;
	tw_store_key(a, k);
	if (sqlite3_prepare_v2(st->db,
			       "INSERT INTO bans (src, offenses, first, last, until, probes, why)"
			       " VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6) ON CONFLICT (src) DO UPDATE"
			       " SET offenses = ?2, last = ?3, until = ?4, probes = ?5, why = ?6",
			       -1, &q, NULL) != SQLITE_OK)
		return TW_E_DB;
	sqlite3_bind_blob(q, 1, k, 17, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, offenses);
	sqlite3_bind_int64(q, 3, now);
	sqlite3_bind_int64(q, 4, until);
	sqlite3_bind_int64(q, 5, probes);
	sqlite3_bind_text(q, 6, why, -1, SQLITE_STATIC);
	int s = sqlite3_step(q);
	sqlite3_finalize(q);
	return s == SQLITE_DONE ? TW_OK : TW_E_DB;
}

int tw_store_offense_get(struct tw_store *st, const struct tw_addr *a, struct tw_offense *out)
{
	unsigned char k[17];
	sqlite3_stmt *q = NULL;
	memset(out, 0, sizeof(*out));
	tw_store_key(a, k);
	if (sqlite3_prepare_v2(st->db,
			       "SELECT offenses, probes, last, until, why FROM bans WHERE src = ?1",
			       -1, &q, NULL) != SQLITE_OK)
		return TW_E_DB;
	sqlite3_bind_blob(q, 1, k, 17, SQLITE_STATIC);
	int s = sqlite3_step(q), r = s == SQLITE_ROW	? TW_OK
				     : s == SQLITE_DONE ? TW_E_NOTFOUND
							: TW_E_DB;
	if (s == SQLITE_ROW) {
		out->offenses = (uint32_t)sqlite3_column_int64(q, 0);
		out->probes = (uint32_t)sqlite3_column_int64(q, 1);
		out->last = sqlite3_column_int64(q, 2);
		out->until = sqlite3_column_int64(q, 3);
		const char *w = (const char *)sqlite3_column_text(q, 4);
		snprintf(out->why, sizeof(out->why), "%s", w ? w : "");
	}
	sqlite3_finalize(q);
	return r;
}
