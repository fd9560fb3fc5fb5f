/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Incidents and sources from the store (query.h): one prepared statement per query, the
 * filters bound as parameters (never written into the SQL). */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

#include "store/query.h"

#define EV_MAX 8

static const char where[] = " WHERE (?1 IS NULL OR (has_time AND last >= ?1))"
			    " AND (?2 IS NULL OR (has_time AND first < ?2))"
			    /* portscan and sweep: the source's verdict found one */
			    " AND (?3 IS NULL OR class = ?3"
			    " OR (?3 = 'portscan' AND scan LIKE '% scan of %')"
			    " OR (?3 = 'sweep' AND scan LIKE '% sweep of %'))"
			    " AND (?4 IS NULL OR src = ?4)"
			    " AND (?5 = 0 OR reportable)"
			    " AND (?7 IS NULL OR id IN (SELECT incident FROM report_items"
			    " WHERE report = ?7))";

static void bind_filter(sqlite3_stmt *q, const struct tw_store_filter *f, unsigned char key[17])
{
	if (f->has_since)
		sqlite3_bind_int64(q, 1, f->since);
	if (f->has_until)
		sqlite3_bind_int64(q, 2, f->until);
	if (f->cls)
		sqlite3_bind_text(q, 3, f->cls, -1, SQLITE_STATIC);
	if (f->has_src) {
		tw_store_key(&f->src, key);
		sqlite3_bind_blob(q, 4, key, 17, SQLITE_STATIC);
	}
	sqlite3_bind_int(q, 5, f->reportable);
	sqlite3_bind_int64(q, 6, f->limit > 0 ? f->limit : -1);
	if (f->report)
		sqlite3_bind_int64(q, 7, f->report);
}

static void addr_of(const void *blob, int n, struct tw_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (blob && n == 17) {
		const unsigned char *b = blob;
		a->family = b[0];
		memcpy(a->b, b + 1, 16);
	}
}

int tw_store_incidents(struct tw_store *st, const struct tw_store_filter *f,
		       tw_store_incident_cb cb, void *ctx, struct tw_errctx *ec)
{
	sqlite3 *db = tw_store_db(st);
	sqlite3_stmt *q = NULL, *e = NULL;
	unsigned char key[17];
	char sql[700];
	int r = TW_OK;
	snprintf(sql, sizeof(sql),
		 "SELECT id, src, class, has_time, first, last, packets, dsts, ports, estimated,"
		 " port_lo, port_hi, danger, confidence, reportable, why, scan FROM incidents%s"
		 " ORDER BY has_time DESC, first, src LIMIT ?6",
		 where);
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
			       "SELECT f.path, e.line, e.text FROM evidence e JOIN files f"
			       " ON f.id = e.file WHERE e.incident = ?1 ORDER BY e.seq",
			       -1, &e, NULL) != SQLITE_OK) {
		r = tw_err_set(ec, TW_E_DB, 0, "cannot query: %.200s", sqlite3_errmsg(db));
		goto out;
	}
	bind_filter(q, f, key);
	int s;
	while ((s = sqlite3_step(q)) == SQLITE_ROW) {
		struct tw_store_incident in;
		struct tw_store_evidence ev[EV_MAX];
		unsigned nev = 0;
		memset(&in, 0, sizeof(in));
		in.id = sqlite3_column_int64(q, 0);
		addr_of(sqlite3_column_blob(q, 1), sqlite3_column_bytes(q, 1), &in.src);
		in.cls = (const char *)sqlite3_column_text(q, 2);
		in.has_time = sqlite3_column_int(q, 3);
		in.first = sqlite3_column_int64(q, 4);
		in.last = sqlite3_column_int64(q, 5);
		in.packets = (uint64_t)sqlite3_column_int64(q, 6);
		in.dsts = (uint64_t)sqlite3_column_int64(q, 7);
		in.ports = (uint64_t)sqlite3_column_int64(q, 8);
		in.estimated = (unsigned)sqlite3_column_int(q, 9) & 3; /* 4: source counts */
		in.has_ports = sqlite3_column_type(q, 10) != SQLITE_NULL;
		in.port_lo = (unsigned)sqlite3_column_int(q, 10);
		in.port_hi = (unsigned)sqlite3_column_int(q, 11);
		in.danger = sqlite3_column_int(q, 12);
		in.confidence = sqlite3_column_double(q, 13);
		in.reportable = sqlite3_column_int(q, 14);
		in.why = (const char *)sqlite3_column_text(q, 15);
		in.scan = (const char *)sqlite3_column_text(q, 16);
		if (!in.scan)
			in.scan = "";
		if (!in.cls)
			in.cls = "?";
		if (!in.why)
			in.why = "";
		sqlite3_reset(e);
		sqlite3_bind_int64(e, 1, in.id);
		/* Column texts live only until the next step: each row's are copied. */
		char *copies[2 * EV_MAX];
		unsigned ncopies = 0;
		while (nev < EV_MAX && sqlite3_step(e) == SQLITE_ROW) {
			const char *p = (const char *)sqlite3_column_text(e, 0),
				   *t = (const char *)sqlite3_column_text(e, 2);
			char *pc = tw_strdup(p ? p : ""), *tc = tw_strdup(t ? t : "");
			if (!pc || !tc) {
				free(pc);
				free(tc);
				break;
			}
			copies[ncopies++] = pc;
			copies[ncopies++] = tc;
			ev[nev].file = pc;
			ev[nev].line = (uint64_t)sqlite3_column_int64(e, 1);
			ev[nev].text = tc;
			nev++;
		}
		sqlite3_reset(e);
		int c = cb(ctx, &in, ev, nev);
		for (unsigned k = 0; k < ncopies; k++)
			free(copies[k]);
		if (c)
			break;
	}
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		r = tw_err_set(ec, TW_E_DB, 0, "cannot query: %.200s", sqlite3_errmsg(db));
out:
	sqlite3_finalize(q);
	sqlite3_finalize(e);
	return r;
}

int tw_store_sources(struct tw_store *st, const struct tw_store_filter *f, tw_store_source_cb cb,
		     void *ctx, struct tw_errctx *ec)
{
	sqlite3 *db = tw_store_db(st);
	sqlite3_stmt *q = NULL;
	unsigned char key[17];
	char sql[800];
	int r = TW_OK;
	snprintf(sql, sizeof(sql),
		 "SELECT src, MIN(CASE WHEN has_time THEN first END),"
		 " MAX(CASE WHEN has_time THEN last END), SUM(packets), COUNT(*), MAX(danger),"
		 " MAX(confidence), MAX(reportable), GROUP_CONCAT(DISTINCT class), MAX(scan)"
		 " FROM incidents%s GROUP BY src ORDER BY SUM(packets) DESC, src LIMIT ?6",
		 where);
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) {
		r = tw_err_set(ec, TW_E_DB, 0, "cannot query: %.200s", sqlite3_errmsg(db));
		goto out;
	}
	bind_filter(q, f, key);
	int s;
	while ((s = sqlite3_step(q)) == SQLITE_ROW) {
		struct tw_store_source so;
		memset(&so, 0, sizeof(so));
		addr_of(sqlite3_column_blob(q, 0), sqlite3_column_bytes(q, 0), &so.src);
		so.has_time = sqlite3_column_type(q, 1) != SQLITE_NULL;
		so.first = sqlite3_column_int64(q, 1);
		so.last = sqlite3_column_int64(q, 2);
		so.packets = (uint64_t)sqlite3_column_int64(q, 3);
		so.incidents = (uint64_t)sqlite3_column_int64(q, 4);
		so.danger = sqlite3_column_int(q, 5);
		so.confidence = sqlite3_column_double(q, 6);
		so.reportable = sqlite3_column_int(q, 7);
		const char *c = (const char *)sqlite3_column_text(q, 8);
		so.classes = c ? c : "";
		const char *sc = (const char *)sqlite3_column_text(q, 9);
		so.scan = sc ? sc : "";
		if (cb(ctx, &so))
			break;
	}
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		r = tw_err_set(ec, TW_E_DB, 0, "cannot query: %.200s", sqlite3_errmsg(db));
out:
	sqlite3_finalize(q);
	return r;
}
