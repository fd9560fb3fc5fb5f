/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reports in the store (report.h). */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store/report.h"

/* The incidents that may be reported and are in no report yet. */
#define CANDIDATE                                                                                  \
	" NOT EXISTS (SELECT 1 FROM report_items ri WHERE ri.incident = incidents.id)"             \
	" AND (reportable OR (?1 AND confidence > 0 AND class <> 'backscatter'"                    \
	" AND why NOT LIKE '%your own networks%' AND why NOT LIKE 'unallocated%'))"

static int fail(struct tw_store *st, struct tw_errctx *ec, const char *what)
{
	return tw_err_set(ec, TW_E_DB, 0, "store: %s: %.200s", what,
			  sqlite3_errmsg(tw_store_db(st)));
}

static void key_of(const struct tw_addr *a, unsigned char k[17])
{
	k[0] = a->family;
	memcpy(k + 1, a->b, 16);
}

int tw_store_unreported_sources(struct tw_store *st, bool include_unconfirmed, int64_t cooldown_s,
				tw_report_src_cb cb, void *ctx, struct tw_errctx *ec)
{
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(tw_store_db(st),
			       "SELECT src FROM incidents WHERE" CANDIDATE
			       " AND src NOT IN (SELECT n.src FROM report_items i JOIN reports r"
			       " ON r.id = i.report JOIN incidents n ON n.id = i.incident"
			       " WHERE r.state = 'sent' AND r.state_changed > ?2)"
			       " GROUP BY src ORDER BY MIN(first), src",
			       -1, &q, NULL) != SQLITE_OK)
		return fail(st, ec, "cannot query");
	sqlite3_bind_int(q, 1, include_unconfirmed);
	sqlite3_bind_int64(q, 2, (int64_t)time(NULL) - cooldown_s);
	int s, r = TW_OK;
	while ((s = sqlite3_step(q)) == SQLITE_ROW) {
		struct tw_addr a;
		const unsigned char *b = sqlite3_column_blob(q, 0);
		if (!b || sqlite3_column_bytes(q, 0) != 17)
			continue;
		memset(&a, 0, sizeof(a));
		a.family = b[0];
		memcpy(a.b, b + 1, 16);
		if (cb(ctx, &a))
			break;
	}
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		r = fail(st, ec, "cannot query");
	sqlite3_finalize(q);
	return r;
}

int tw_store_report_create(struct tw_store *st, const char *mailbox, const char *contact_how,
			   const struct tw_addr *srcs, size_t n, bool include_unconfirmed,
			   int64_t *id, struct tw_errctx *ec)
{
	sqlite3 *db = tw_store_db(st);
	sqlite3_stmt *ins = NULL, *items = NULL;
	int r = TW_OK;
	int64_t now = (int64_t)time(NULL);
	*id = 0;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return fail(st, ec, "cannot begin");
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO reports (mailbox, contact_how, created, state,"
			       " state_changed) VALUES (?1, ?2, ?3, 'draft', ?3)",
			       -1, &ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
			       "INSERT INTO report_items (report, incident) SELECT ?2, id FROM"
			       " incidents WHERE src = ?3 AND" CANDIDATE,
			       -1, &items, NULL) != SQLITE_OK) {
		r = fail(st, ec, "cannot prepare");
		goto out;
	}
	sqlite3_bind_text(ins, 1, mailbox, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 2, contact_how, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 3, now);
	if (sqlite3_step(ins) != SQLITE_DONE) {
		r = fail(st, ec, "cannot create the report");
		goto out;
	}
	int64_t rid = sqlite3_last_insert_rowid(db);
	int total = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char k[17];
		key_of(&srcs[i], k);
		sqlite3_reset(items);
		sqlite3_bind_int(items, 1, include_unconfirmed);
		sqlite3_bind_int64(items, 2, rid);
		sqlite3_bind_blob(items, 3, k, 17, SQLITE_TRANSIENT);
		if (sqlite3_step(items) != SQLITE_DONE) {
			r = fail(st, ec, "cannot add to the report");
			goto out;
		}
		total += sqlite3_changes(db);
	}
	if (!total) { /* nothing left to report for them: no empty draft */
		sqlite3_finalize(ins);
		sqlite3_finalize(items);
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return TW_OK;
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		r = fail(st, ec, "cannot commit");
		goto out;
	}
	*id = rid;
out:
	sqlite3_finalize(ins);
	sqlite3_finalize(items);
	if (r)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return r;
}

int tw_store_reports(struct tw_store *st, const char *state, tw_store_report_cb cb, void *ctx,
		     struct tw_errctx *ec)
{
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(tw_store_db(st),
			       "SELECT r.id, r.mailbox, r.contact_how, r.state, r.created,"
			       " r.state_changed, COUNT(i.incident), COUNT(DISTINCT n.src)"
			       " FROM reports r LEFT JOIN report_items i ON i.report = r.id"
			       " LEFT JOIN incidents n ON n.id = i.incident"
			       " WHERE (?1 IS NULL OR r.state = ?1) GROUP BY r.id ORDER BY r.id",
			       -1, &q, NULL) != SQLITE_OK)
		return fail(st, ec, "cannot query");
	if (state)
		sqlite3_bind_text(q, 1, state, -1, SQLITE_STATIC);
	int s, r = TW_OK;
	while ((s = sqlite3_step(q)) == SQLITE_ROW) {
		struct tw_store_report rep;
		const char *m = (const char *)sqlite3_column_text(q, 1),
			   *h = (const char *)sqlite3_column_text(q, 2),
			   *t = (const char *)sqlite3_column_text(q, 3);
		rep.id = sqlite3_column_int64(q, 0);
		rep.mailbox = m ? m : "";
		rep.contact_how = h ? h : "";
		rep.state = t ? t : "";
		rep.created = sqlite3_column_int64(q, 4);
		rep.state_changed = sqlite3_column_int64(q, 5);
		rep.incidents = (uint64_t)sqlite3_column_int64(q, 6);
		rep.sources = (uint64_t)sqlite3_column_int64(q, 7);
		if (cb(ctx, &rep))
			break;
	}
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		r = fail(st, ec, "cannot query");
	sqlite3_finalize(q);
	return r;
}

int tw_store_report_set_state(struct tw_store *st, int64_t id, const char *from, const char *to,
			      struct tw_errctx *ec)
{
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(tw_store_db(st),
			       "UPDATE reports SET state = ?2, state_changed = ?4"
			       " WHERE id = ?1 AND (?3 IS NULL OR state = ?3)",
			       -1, &q, NULL) != SQLITE_OK)
		return fail(st, ec, "cannot prepare");
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_text(q, 2, to, -1, SQLITE_STATIC);
	if (from)
		sqlite3_bind_text(q, 3, from, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, (int64_t)time(NULL));
	int s = sqlite3_step(q);
	int n = sqlite3_changes(tw_store_db(st));
	sqlite3_finalize(q);
	if (s != SQLITE_DONE)
		return fail(st, ec, "cannot change the state");
	if (n == 0)
		return tw_err_set(ec, from ? TW_E_INVALID : TW_E_NOTFOUND, 0, "report %lld: %s",
				  (long long)id,
				  from ? "not in the state asked for" : "no such report");
	return TW_OK;
}

int tw_store_reports_sent_since(struct tw_store *st, int64_t since, uint64_t *n,
				struct tw_errctx *ec)
{
	sqlite3_stmt *q = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(tw_store_db(st),
			       "SELECT COUNT(*) FROM reports WHERE state = 'sent' AND"
			       " state_changed > ?1",
			       -1, &q, NULL) != SQLITE_OK)
		return fail(st, ec, "cannot query");
	sqlite3_bind_int64(q, 1, since);
	if (sqlite3_step(q) == SQLITE_ROW)
		*n = (uint64_t)sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return TW_OK;
}
