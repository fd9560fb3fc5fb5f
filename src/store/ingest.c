/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Incremental ingest (ingest.h). Per file: identify it by its first TW_INGEST_HEAD bytes
 * (or all of them when shorter: a row made while the file was short is found again by
 * hashing the same number of bytes), read from the committed offset to the end of the last
 * complete line, classify and aggregate chunk_lines lines at a time, and write each chunk's
 * incidents, evidence and the new offset in one transaction. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "classify/agg.h"
#include "classify/classify.h"
#include "core/conf.h"
#include "core/alloc.h"
#include "core/lines.h"
#include "pipeline/pipeline.h"
#include "store/ingest.h"

/* FNV-1a, 63 bits (SQLite integers are signed). */
static int64_t head_hash(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 1099511628211ull;
	}
	return (int64_t)(h >> 1);
}

static int db_fail(struct tw_store *st, struct tw_errctx *ec, const char *path, const char *what)
{
	sqlite3 *db = tw_store_db(st);
	int code = sqlite3_errcode(db) & 0xff;
	/* The store's own damage is the store's, not the log's. */
	if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) {
		const char *f = sqlite3_db_filename(db, "main");
		return tw_err_set(ec, TW_E_DB, 0,
				  "%.200s: the store is damaged (%.200s) while %.200s was stored; "
				  "what was committed before stays",
				  f && *f ? f : "the store", sqlite3_errmsg(db), path);
	}
	return tw_err_set(ec, TW_E_DB, 0, "%.200s: %s: %.200s", path, what, sqlite3_errmsg(db));
}

/* The file's first bytes (uncompressed): from the map, or the first lines of a stream (a
 * capture's: 'lr' NULL). */
static int read_head(const char *path, struct tw_lines *lr, char *head, size_t *n,
		     struct tw_errctx *ec)
{
	*n = 0;
	if (lr && tw_lines_is_mapped(lr)) {
		*n = lr->map_size < TW_INGEST_HEAD ? lr->map_size : TW_INGEST_HEAD;
		memcpy(head, lr->map, *n);
		return TW_OK;
	}
	struct tw_lines h;
	struct tw_line l;
	int r = tw_lines_open(&h, path, 0, ec);
	if (r)
		return r;
	while (*n < TW_INGEST_HEAD && (r = tw_lines_next(&h, &l, ec)) == TW_OK) {
		for (size_t i = 0; i <= l.len && *n < TW_INGEST_HEAD; i++)
			head[(*n)++] = i < l.len ? l.p[i] : '\n';
	}
	tw_lines_close(&h);
	return r < 0 ? r : TW_OK;
}

struct file_row {
	int64_t id; /* 0: not known yet */
	uint64_t offset, lines;
	bool same; /* the row was made from this very file (device and inode) */
	/* What the store said when this run began (a new file's first commit checks that
	 * no other writer has made its row since). */
	int64_t seen_id;
	uint64_t seen_offset, seen_lines;
	uint64_t events_committed; /* by this run */
};

/* Finds the row of a file whose first bytes match: for each head length the store knows,
 * the hash of that many bytes; the same device and inode preferred, then the row that got
 * furthest. */
static int find_file(struct tw_store *st, const char *path, const char *head, size_t hn,
		     const struct stat *sb, struct file_row *row, struct tw_errctx *ec)
{
	sqlite3 *db = tw_store_db(st);
	sqlite3_stmt *lens = NULL, *q = NULL;
	int r = TW_OK;
	memset(row, 0, sizeof(*row));
	if (sqlite3_prepare_v2(db, "SELECT DISTINCT head_len FROM files WHERE head_len <= ?1", -1,
			       &lens, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
			       "SELECT id, offset, lines, (dev = ?3 AND ino = ?4) FROM files"
			       " WHERE head_len = ?1 AND head = ?2"
			       " ORDER BY (dev = ?3 AND ino = ?4) DESC, offset DESC LIMIT 1",
			       -1, &q, NULL) != SQLITE_OK) {
		r = db_fail(st, ec, path, "cannot prepare");
		goto out;
	}
	sqlite3_bind_int64(lens, 1, (sqlite3_int64)hn);
	bool best_same = false;
	while (sqlite3_step(lens) == SQLITE_ROW) {
		int64_t len = sqlite3_column_int64(lens, 0);
		if (len <= 0 || (size_t)len > hn)
			continue;
		sqlite3_reset(q);
		sqlite3_bind_int64(q, 1, len);
		sqlite3_bind_int64(q, 2, head_hash(head, (size_t)len));
		sqlite3_bind_int64(q, 3, (sqlite3_int64)sb->st_dev);
		sqlite3_bind_int64(q, 4, (sqlite3_int64)sb->st_ino);
		if (sqlite3_step(q) != SQLITE_ROW)
			continue;
		bool same = sqlite3_column_int(q, 3) == 1;
		uint64_t off = (uint64_t)sqlite3_column_int64(q, 1);
		if (!row->id || (same && !best_same) || (same == best_same && off > row->offset)) {
			row->id = sqlite3_column_int64(q, 0);
			row->offset = off;
			row->lines = (uint64_t)sqlite3_column_int64(q, 2);
			row->same = best_same = same;
		}
	}
out:
	sqlite3_finalize(lens);
	sqlite3_finalize(q);
	return r;
}

/* ---- writing a chunk ------------------------------------------------------------------ */

struct writer {
	struct tw_store *st;
	const char *path;
	const struct tw_conf *conf;
	sqlite3_stmt *find, *ins, *upd, *ev, *events;
	/* The sources' states (schema 7) and their verdict on every incident of theirs. */
	sqlite3_stmt *st_get, *st_put, *pay_count, *pay_srcs, *verdict, *settle_q, *settle_u;
	int64_t gap;
	uint32_t evmax;
};

#define COUNTS_LEN (1 + 2 * (1 + TW_DC_REG / 2) + 2 * TW_DC_EXACT * 4)

static void counts_put(const struct tw_incident *in, unsigned char *b)
{
	size_t o = 0;
	b[o++] = 1; /* version */
	b[o++] = in->dsts.n;
	memcpy(b + o, in->dsts.reg, TW_DC_REG / 2);
	o += TW_DC_REG / 2;
	b[o++] = in->ports.n;
	memcpy(b + o, in->ports.reg, TW_DC_REG / 2);
	o += TW_DC_REG / 2;
	for (unsigned i = 0; i < TW_DC_EXACT; i++, o += 4)
		for (unsigned k = 0; k < 4; k++)
			b[o + k] = (unsigned char)(in->dv[i] >> (8 * k));
	for (unsigned i = 0; i < TW_DC_EXACT; i++, o += 4)
		for (unsigned k = 0; k < 4; k++)
			b[o + k] = (unsigned char)(in->pv[i] >> (8 * k));
}

/* A stored blob back into the count fields; false when it is not one of ours. */
static bool counts_get(const unsigned char *b, int n, struct tw_incident *in)
{
	size_t o = 0;
	if (!b || n != COUNTS_LEN || b[0] != 1 || b[1] > TW_DC_EXACT + 1 ||
	    b[2 + TW_DC_REG / 2] > TW_DC_EXACT + 1)
		return false;
	o = 1;
	in->dsts.n = b[o++];
	memcpy(in->dsts.reg, b + o, TW_DC_REG / 2);
	o += TW_DC_REG / 2;
	in->ports.n = b[o++];
	memcpy(in->ports.reg, b + o, TW_DC_REG / 2);
	o += TW_DC_REG / 2;
	for (unsigned i = 0; i < TW_DC_EXACT; i++, o += 4)
		in->dv[i] = (uint32_t)b[o] | (uint32_t)b[o + 1] << 8 | (uint32_t)b[o + 2] << 16 |
			    (uint32_t)b[o + 3] << 24;
	for (unsigned i = 0; i < TW_DC_EXACT; i++, o += 4)
		in->pv[i] = (uint32_t)b[o] | (uint32_t)b[o + 1] << 8 | (uint32_t)b[o + 2] << 16 |
			    (uint32_t)b[o + 3] << 24;
	return true;
}

/* The evidence lines of this chunk's incident 'in' while the stored one 'id' (holding 'nev')
 * has room: 'add' of them. */
static int write_evidence(struct writer *w, int64_t id, const struct tw_incident *in, unsigned nev,
			  unsigned addev, int64_t file_id)
{
	const char *line = in->evtext, *end = in->evtext + in->evlen;
	for (unsigned i = 0; i < addev && line && line < end; i++) {
		const char *e = memchr(line, '\n', (size_t)(end - line));
		size_t n = e ? (size_t)(e - line) : (size_t)(end - line);
		sqlite3_reset(w->ev);
		sqlite3_bind_int64(w->ev, 1, id);
		sqlite3_bind_int(w->ev, 2, (int)(nev + i));
		sqlite3_bind_int64(w->ev, 3, file_id);
		sqlite3_bind_int64(w->ev, 4, (sqlite3_int64)TW_EVREF_LINE(in->ev[i]));
		sqlite3_bind_text(w->ev, 5, line, (int)n, SQLITE_TRANSIENT);
		if (sqlite3_step(w->ev) != SQLITE_DONE)
			return TW_E_DB;
		sqlite3_reset(w->ev);
		line = e ? e + 1 : NULL;
	}
	return TW_OK;
}

/* An incident's distinct destinations and ports from its counters (tw_incident_own_counts;
 * settle_counts() then gives a source's only incident the source's own counts). */
static void est_counts(const struct tw_incident *in, uint64_t packets, int port_lo, int port_hi,
		       uint64_t *dsts, bool *de, uint64_t *ports, bool *pe)
{
	struct tw_incident x = *in;
	struct tw_inc_counts c;
	x.packets = packets;
	x.has_ports = port_lo >= 0;
	x.port_lo = (uint16_t)(port_lo >= 0 ? port_lo : 0);
	x.port_hi = (uint16_t)(port_hi >= 0 ? port_hi : 0);
	tw_incident_own_counts(&x, &c);
	*dsts = c.dsts;
	*de = c.dsts_est;
	*ports = c.ports;
	*pe = c.ports_est;
}

#define EST_SOURCE 4 /* incidents.estimated: the counts are the source's (its only one) */

/* After a source grew: its only incident takes the source's own counts (exact, the
 * destinations up to TW_KMV_K), as analyze gives them; when it has more, an incident that
 * had taken them goes back to its own counters. On the store's final state either way,
 * so the same however the log was read. */
static int settle_counts(struct writer *w, const unsigned char key[17], const struct tw_srcsum *m)
{
	sqlite3_stmt *q = w->settle_q, *u = w->settle_u;
	int r = TW_OK;
	/* Two rows tell one from more; the one that took the source's counts (at most one
	 * has) comes first. */
	sqlite3_reset(q);
	sqlite3_bind_blob(q, 1, key, 17, SQLITE_TRANSIENT);
	struct row {
		int64_t id;
		int est;
		struct tw_incident in;
		bool ok;
		int lo, hi;
		uint64_t packets;
		unsigned weight;
	} rows[2];
	int n = 0, s;
	while (n < 2 && (s = sqlite3_step(q)) == SQLITE_ROW) {
		struct row *x = &rows[n++];
		memset(x, 0, sizeof(*x));
		x->id = sqlite3_column_int64(q, 0);
		x->ok = counts_get(sqlite3_column_blob(q, 1), sqlite3_column_bytes(q, 1), &x->in);
		x->est = sqlite3_column_int(q, 2);
		x->lo = sqlite3_column_type(q, 3) == SQLITE_NULL ? -1 : sqlite3_column_int(q, 3);
		x->hi = sqlite3_column_type(q, 4) == SQLITE_NULL ? -1 : sqlite3_column_int(q, 4);
		x->packets = (uint64_t)sqlite3_column_int64(q, 5);
		x->weight = (unsigned)sqlite3_column_int(q, 6);
	}
	sqlite3_reset(q);
	for (int i = 0; i < n && !r; i++) {
		uint64_t d, p;
		bool de, pe;
		if (n == 1) {
			d = m->dsts;
			de = m->dsts_est;
			p = m->ports;
			pe = m->ports_est;
		} else if ((rows[i].est & EST_SOURCE) && rows[i].ok) {
			est_counts(&rows[i].in, rows[i].packets, rows[i].lo, rows[i].hi, &d, &de,
				   &p, &pe);
		} else {
			continue;
		}
		sqlite3_reset(u);
		sqlite3_bind_int64(u, 1, rows[i].id);
		sqlite3_bind_int64(u, 2, (sqlite3_int64)d);
		sqlite3_bind_int64(u, 3, (sqlite3_int64)p);
		sqlite3_bind_int(u, 4, (de ? 1 : 0) | (pe ? 2 : 0) | (n == 1 ? EST_SOURCE : 0));
		sqlite3_bind_int(u, 5, tw_danger_of(rows[i].weight, p, d, rows[i].packets));
		if (sqlite3_step(u) != SQLITE_DONE)
			r = TW_E_DB;
		sqlite3_reset(u);
	}
	return r;
}

/* The verdict 'm' (judged over the whole source) goes to the incident, and by
 * judge_source() to every other incident of the source. */
static int write_incident(struct writer *w, const struct tw_srcsum *m, const struct tw_incident *in,
			  int64_t file_id, bool only, struct tw_ingest_result *res)
{
	unsigned char key[17], blob[COUNTS_LEN];
	const char *cls = tw_class_name(in->cls);
	const char *why = m->reportable ? "reportable" : m->why_not >= 0 ? m->why[m->why_not] : "";
	tw_store_key(&m->s->addr, key);
	struct tw_incident acc;
	memset(&acc, 0, sizeof(acc));
	acc.dsts = in->dsts;
	acc.ports = in->ports;
	memcpy(acc.dv, in->dv, sizeof(acc.dv));
	memcpy(acc.pv, in->pv, sizeof(acc.pv));
	int64_t first = in->first, last = in->last, id = 0;
	uint64_t packets = in->packets;
	unsigned weight = in->weight, nev = 0;
	int port_lo = in->has_ports ? in->port_lo : -1, port_hi = in->has_ports ? in->port_hi : -1;
	double conf = m->confidence;
	bool rep = m->reportable;

	sqlite3_reset(w->find);
	sqlite3_bind_blob(w->find, 1, key, sizeof(key), SQLITE_TRANSIENT);
	sqlite3_bind_text(w->find, 2, cls, -1, SQLITE_STATIC);
	sqlite3_bind_int(w->find, 3, in->has_time);
	int s = sqlite3_step(w->find);
	if (s == SQLITE_ROW) {
		int64_t rf = sqlite3_column_int64(w->find, 1),
			rl = sqlite3_column_int64(w->find, 2);
		bool near = !in->has_time || (in->first <= rl + w->gap && in->last + w->gap >= rf);
		struct tw_incident old;
		memset(&old, 0, sizeof(old));
		if (near && counts_get(sqlite3_column_blob(w->find, 5),
				       sqlite3_column_bytes(w->find, 5), &old)) {
			id = sqlite3_column_int64(w->find, 0);
			first = rf < first ? rf : first;
			last = rl > last ? rl : last;
			packets += (uint64_t)sqlite3_column_int64(w->find, 3);
			unsigned ow = (unsigned)sqlite3_column_int(w->find, 4);
			weight = ow > weight ? ow : weight;
			/* Stored first (earlier input), then this chunk's values. */
			tw_incident_merge_counts(&old, &acc);
			acc.dsts = old.dsts;
			acc.ports = old.ports;
			memcpy(acc.dv, old.dv, sizeof(acc.dv));
			memcpy(acc.pv, old.pv, sizeof(acc.pv));
			int olo = sqlite3_column_type(w->find, 6) == SQLITE_NULL
				      ? -1
				      : sqlite3_column_int(w->find, 6);
			int ohi = sqlite3_column_type(w->find, 7) == SQLITE_NULL
				      ? -1
				      : sqlite3_column_int(w->find, 7);
			if (olo >= 0 && (port_lo < 0 || olo < port_lo))
				port_lo = olo;
			if (ohi > port_hi)
				port_hi = ohi;
			nev = (unsigned)sqlite3_column_int(w->find, 10);
		}
	} else if (s != SQLITE_DONE) {
		return TW_E_DB;
	}
	sqlite3_reset(w->find);
	bool de, pe;
	uint64_t dsts, ports;
	est_counts(&acc, packets, port_lo, port_hi, &dsts, &de, &ports, &pe);
	if (only) { /* a new source's only incident: as settle_counts() would make it */
		dsts = m->dsts;
		de = m->dsts_est;
		ports = m->ports;
		pe = m->ports_est;
	}
	int danger = tw_danger_of(weight, ports, dsts, packets);
	counts_put(&acc, blob);
	unsigned addev = 0;
	for (unsigned i = 0; i < in->ntext && nev + addev < w->evmax; i++)
		addev++;
	sqlite3_stmt *q = id ? w->upd : w->ins;
	sqlite3_reset(q);
	sqlite3_bind_blob(q, 1, key, sizeof(key), SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, cls, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 3, in->has_time);
	sqlite3_bind_int64(q, 4, first);
	sqlite3_bind_int64(q, 5, last);
	sqlite3_bind_int64(q, 6, (sqlite3_int64)packets);
	sqlite3_bind_int64(q, 7, (sqlite3_int64)dsts);
	sqlite3_bind_int64(q, 8, (sqlite3_int64)ports);
	/* Which counts are estimates; 4: they are the source's. */
	sqlite3_bind_int(q, 9, (de ? 1 : 0) | (pe ? 2 : 0) | (only ? EST_SOURCE : 0));
	if (port_lo >= 0) {
		sqlite3_bind_int(q, 10, port_lo);
		sqlite3_bind_int(q, 11, port_hi);
	} else {
		sqlite3_bind_null(q, 10);
		sqlite3_bind_null(q, 11);
	}
	sqlite3_bind_int(q, 12, (int)weight);
	sqlite3_bind_blob(q, 13, blob, sizeof(blob), SQLITE_TRANSIENT);
	sqlite3_bind_int(q, 14, danger);
	sqlite3_bind_double(q, 15, conf);
	sqlite3_bind_int(q, 16, rep);
	sqlite3_bind_text(q, 17, rep ? "reportable" : why, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(q, 18, (int)(nev + addev));
	if (id)
		sqlite3_bind_int64(q, 19, id);
	/* The source's port scan or sweep (analyze's verdict) that this incident is part of. */
	if (m->scan_kind && m->scan_why)
		sqlite3_bind_text(q, 20, m->scan_why, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(q, 20);
	if (sqlite3_step(q) != SQLITE_DONE)
		return TW_E_DB;
	sqlite3_reset(q);
	if (!id) {
		id = sqlite3_last_insert_rowid(tw_store_db(w->st));
		res->incidents_new++;
	} else {
		res->incidents_merged++;
	}
	return write_evidence(w, id, in, nev, addev, file_id);
}

/* The file's row, made in the transaction of its first chunk. */
static int insert_file_row(struct writer *w, struct file_row *row, const char *head, size_t hn,
			   const struct stat *sb, int64_t now, struct tw_errctx *ec)
{
	sqlite3 *db = tw_store_db(w->st);
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO files (head_len, head, dev, ino, path, offset, "
			       "lines, first_ingest, last_ingest) VALUES (?1,?2,?3,?4,?5,0,0,"
			       "?6,?6)",
			       -1, &q, NULL) != SQLITE_OK) {
		return db_fail(w->st, ec, w->path, "cannot prepare");
	}
	sqlite3_bind_int64(q, 1, (sqlite3_int64)hn);
	sqlite3_bind_int64(q, 2, head_hash(head, hn));
	sqlite3_bind_int64(q, 3, (sqlite3_int64)sb->st_dev);
	sqlite3_bind_int64(q, 4, (sqlite3_int64)sb->st_ino);
	sqlite3_bind_text(q, 5, w->path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 6, now);
	int s = sqlite3_step(q);
	sqlite3_finalize(q);
	if (s != SQLITE_DONE) {
		return db_fail(w->st, ec, w->path, "cannot record the file");
	}
	row->id = sqlite3_last_insert_rowid(db);
	return TW_OK;
}

/* --keep-events: the chunk's events, in the chunk's transaction. */
static int write_events(struct writer *w, int64_t file_id, const struct tw_evlist *kept,
			struct tw_errctx *ec)
{
	int r = TW_OK;
	for (size_t i = 0; kept && i < kept->n && !r; i++) {
		const struct tw_evrec *e = &kept->v[i];
		unsigned char ks[17], kd[17];
		int seq = 0;
		for (size_t k = i; k > 0 && kept->v[k - 1].line == e->line; k--)
			seq++;
		tw_store_key(&e->src, ks);
		tw_store_key(&e->dst, kd);
		sqlite3_stmt *q = w->events;
		sqlite3_reset(q);
		sqlite3_bind_int64(q, 1, file_id);
		sqlite3_bind_int64(q, 2, (sqlite3_int64)e->line);
		sqlite3_bind_int(q, 3, seq);
		if (e->has_ts)
			sqlite3_bind_int64(q, 4, e->ts);
		else
			sqlite3_bind_null(q, 4);
		sqlite3_bind_blob(q, 5, ks, 17, SQLITE_TRANSIENT);
		sqlite3_bind_blob(q, 6, kd, 17, SQLITE_TRANSIENT);
		sqlite3_bind_int(q, 7, e->proto);
		if (e->has_ports) {
			sqlite3_bind_int(q, 8, e->sport);
			sqlite3_bind_int(q, 9, e->dport);
		} else {
			sqlite3_bind_null(q, 8);
			sqlite3_bind_null(q, 9);
		}
		sqlite3_bind_text(q, 10, tw_class_name(e->cls), -1, SQLITE_STATIC);
		if (sqlite3_step(q) != SQLITE_DONE)
			r = db_fail(w->st, ec, w->path, "cannot keep an event");
	}
	return r;
}

/* ---- verdicts over the whole source ------------------------------------------------------ */

/* The source's stored state into 'st' (initialised; left empty when there is none). */
static int load_state(struct writer *w, const unsigned char key[17], struct tw_srcstate *st,
		      bool *found)
{
	sqlite3_reset(w->st_get);
	sqlite3_bind_blob(w->st_get, 1, key, 17, SQLITE_TRANSIENT);
	int s = sqlite3_step(w->st_get), r = TW_OK;
	if (found)
		*found = s == SQLITE_ROW;
	if (s == SQLITE_ROW)
		r = tw_srcstate_decode(w->conf, st, sqlite3_column_blob(w->st_get, 0),
				       (size_t)sqlite3_column_bytes(w->st_get, 0));
	else if (s != SQLITE_DONE)
		r = TW_E_DB;
	sqlite3_reset(w->st_get);
	return r;
}

static int save_state(struct writer *w, const unsigned char key[17], const struct tw_srcstate *st)
{
	struct tw_buf b;
	tw_buf_init(&b);
	tw_srcstate_encode(w->conf, st, &b);
	int r = b.oom ? TW_E_NOMEM : TW_OK;
	if (!r) {
		sqlite3_reset(w->st_put);
		sqlite3_bind_blob(w->st_put, 1, key, 17, SQLITE_TRANSIENT);
		if (st->s.has_payload)
			sqlite3_bind_int64(w->st_put, 2, st->s.payload_hash);
		else
			sqlite3_bind_null(w->st_put, 2);
		sqlite3_bind_blob(w->st_put, 3, b.p, (int)b.len, SQLITE_STATIC);
		if (sqlite3_step(w->st_put) != SQLITE_DONE)
			r = TW_E_DB;
		sqlite3_reset(w->st_put);
	}
	tw_buf_fini(&b);
	return r;
}

/* How many stored sources sent this first payload. */
static uint32_t payload_sources(struct writer *w, uint32_t hash)
{
	sqlite3_reset(w->pay_count);
	sqlite3_bind_int64(w->pay_count, 1, hash);
	uint32_t n = 0;
	if (sqlite3_step(w->pay_count) == SQLITE_ROW)
		n = (uint32_t)sqlite3_column_int64(w->pay_count, 0);
	sqlite3_reset(w->pay_count);
	return n;
}

/* Judges the source of 'st' over all of it and gives every incident of it that verdict;
 * 'm' keeps it for the chunk's incidents (tw_srcsum_fini() after). */
static int judge_source(struct writer *w, const unsigned char key[17], const struct tw_srcstate *st,
			struct tw_srcsum *m, bool mark)
{
	uint32_t same = st->s.has_payload ? payload_sources(w, st->s.payload_hash) : 0;
	if (tw_srcstate_judge(w->conf, st, same, m))
		return TW_E_NOMEM;
	if (!mark)
		return TW_OK; /* a new source: its incidents are written with it */
	const char *why = m->reportable ? "reportable" : m->why_not >= 0 ? m->why[m->why_not] : "";
	sqlite3_reset(w->verdict);
	sqlite3_bind_blob(w->verdict, 1, key, 17, SQLITE_TRANSIENT);
	sqlite3_bind_double(w->verdict, 2, m->confidence);
	sqlite3_bind_int(w->verdict, 3, m->reportable);
	sqlite3_bind_text(w->verdict, 4, why, -1, SQLITE_TRANSIENT);
	if (m->scan_kind && m->scan_why)
		sqlite3_bind_text(w->verdict, 5, m->scan_why, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(w->verdict, 5);
	int r = sqlite3_step(w->verdict) == SQLITE_DONE ? TW_OK : TW_E_DB;
	sqlite3_reset(w->verdict);
	return r;
}

/* A payload that gained a source: every source that sent it is judged again (the
 * forged-campaign rule counts them). */
static int rejudge_payload(struct writer *w, uint32_t hash)
{
	sqlite3_stmt *q = w->pay_srcs;
	sqlite3_reset(q);
	sqlite3_bind_int64(q, 1, hash);
	int s, r = TW_OK;
	/* The keys first: judging steps other statements on the same tables. */
	size_t n = 0, cap = 0;
	unsigned char(*keys)[17] = NULL;
	while ((s = sqlite3_step(q)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(q, 0) != 17)
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			void *nk = tw_realloc(keys, nc * 17);
			if (!nk) {
				r = TW_E_NOMEM;
				break;
			}
			keys = nk;
			cap = nc;
		}
		memcpy(keys[n++], sqlite3_column_blob(q, 0), 17);
	}
	if (!r && s != SQLITE_DONE)
		r = TW_E_DB;
	sqlite3_reset(q);
	for (size_t i = 0; i < n && !r; i++) {
		struct tw_srcstate st;
		struct tw_addr a;
		memset(&a, 0, sizeof(a));
		tw_srcstate_init(&st, &a);
		st.s.addr.family = keys[i][0];
		memcpy(st.s.addr.b, keys[i] + 1, 16);
		struct tw_srcsum m;
		r = load_state(w, keys[i], &st, NULL);
		if (!r) {
			r = judge_source(w, keys[i], &st, &m, true);
			tw_srcsum_fini(&m);
		}
		tw_srcstate_fini(&st);
	}
	free(keys);
	return r;
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return a < b ? -1 : a > b;
}

/* Every source of the chunk: its stored state and the chunk's part merged and stored, the
 * verdict judged over the whole, the chunk's incidents written; then the sources that
 * share a payload which gained a source are judged again. */
static int write_sources(struct writer *w, const struct tw_agg *agg, int64_t file_id,
			 struct tw_ingest_result *res)
{
	size_t n = agg->nsrcs, npay = 0;
	struct tw_srcstate *sts = tw_calloc(n ? n : 1, sizeof(*sts));
	uint32_t *pay = tw_calloc(n ? n : 1, sizeof(*pay));
	bool *known = tw_calloc(n ? n : 1, sizeof(*known));
	int r = sts && pay && known ? TW_OK : TW_E_NOMEM;
	size_t done = 0;
	for (; done < n && !r; done++) {
		const struct tw_srcagg *t = &agg->srcs[done];
		unsigned char key[17];
		tw_store_key(&t->addr, key);
		tw_srcstate_init(&sts[done], &t->addr);
		r = load_state(w, key, &sts[done], &known[done]);
		bool had = sts[done].s.has_payload;
		if (!r)
			r = tw_srcstate_add(w->conf, &sts[done], t);
		if (!r)
			r = save_state(w, key, &sts[done]);
		if (!r && !had && sts[done].s.has_payload)
			pay[npay++] = sts[done].s.payload_hash;
	}
	for (size_t i = 0; i < n && !r; i++) {
		const struct tw_srcagg *t = &agg->srcs[i];
		unsigned char key[17];
		tw_store_key(&t->addr, key);
		struct tw_srcsum m;
		/* A source seen before: its stored incidents take the new verdict and counts
		 * are settled; a new one's incidents are written with both. */
		r = judge_source(w, key, &sts[i], &m, known[i]);
		bool only = !known[i] && t->ninc == 1;
		for (unsigned k = 0; k < t->ninc && !r; k++)
			r = write_incident(w, &m, &t->inc[k], file_id, only, res);
		if (!r && known[i])
			r = settle_counts(w, key, &m);
		tw_srcsum_fini(&m);
	}
	qsort(pay, npay, sizeof(*pay), cmp_u32);
	for (size_t i = 0; i < npay && !r; i++) {
		if (i && pay[i] == pay[i - 1])
			continue;
		if (payload_sources(w, pay[i]) >= w->conf->spoof_sources)
			r = rejudge_payload(w, pay[i]);
	}
	for (size_t i = 0; sts && i < done; i++)
		tw_srcstate_fini(&sts[i]);
	free(sts);
	free(pay);
	free(known);
	return r;
}

/* In the chunk's transaction: the file is still where this run left it — no other
 * tracewall (a second ingest, the daemon) has committed a part of it since. TW_E_AGAIN
 * when one has: the run starts again from what that one committed. */
static int claim(struct writer *w, const struct file_row *row, const char *head, size_t hn,
		 const struct stat *sb, struct tw_errctx *ec)
{
	if (!row->id) {
		struct file_row now;
		int r = find_file(w->st, w->path, head, hn, sb, &now, ec);
		if (r)
			return r;
		return now.id == row->seen_id && now.offset == row->seen_offset ? TW_OK
										: TW_E_AGAIN;
	}
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(tw_store_db(w->st), "SELECT offset FROM files WHERE id = ?1", -1, &q,
			       NULL) != SQLITE_OK)
		return db_fail(w->st, ec, w->path, "cannot prepare");
	sqlite3_bind_int64(q, 1, row->id);
	int r = sqlite3_step(q) == SQLITE_ROW && (uint64_t)sqlite3_column_int64(q, 0) == row->offset
		    ? TW_OK
		    : TW_E_AGAIN;
	sqlite3_finalize(q);
	return r;
}

/* One transaction: the file's row (created at its first chunk), every incident of the
 * chunk, the new offset. */
static int commit_chunk(struct writer *w, struct file_row *row, const char *head, size_t hn,
			const struct stat *sb, struct tw_agg *agg, const struct tw_evlist *kept,
			uint64_t offset, uint64_t lines, const char *cursor,
			struct tw_ingest_result *res, struct tw_errctx *ec)
{
	sqlite3 *db = tw_store_db(w->st);
	int r = TW_OK;
	int64_t now = (int64_t)time(NULL);
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(w->st, ec, w->path, "cannot begin");
	if ((r = claim(w, row, head, hn, sb, ec)))
		goto fail;
	if (!row->id && (r = insert_file_row(w, row, head, hn, sb, now, ec)))
		goto fail;
	r = write_sources(w, agg, row->id, res);
	if (r == TW_E_NOMEM) {
		r = tw_err_set(ec, TW_E_NOMEM, 0, "out of memory");
		goto fail;
	} else if (r == TW_E_INVALID) {
		r = tw_err_set(ec, TW_E_DB, 0,
			       "%.200s: a source's stored state is damaged (not written by "
			       "tracewall)",
			       sqlite3_db_filename(db, "main"));
		goto fail;
	} else if (r) {
		r = db_fail(w->st, ec, w->path, "cannot write an incident");
		goto fail;
	}
	if (!r && kept)
		r = write_events(w, row->id, kept, ec);
	if (r)
		goto fail;
	sqlite3_stmt *u = NULL;
	if (sqlite3_prepare_v2(
		db,
		"UPDATE files SET offset = ?1, lines = ?2, last_ingest = ?3, path = ?4,"
		" dev = ?5, ino = ?6, head_len = ?7, head = ?8,"
		" cursor = COALESCE(?10, cursor) WHERE id = ?9",
		-1, &u, NULL) != SQLITE_OK) {
		r = db_fail(w->st, ec, w->path, "cannot prepare");
		goto fail;
	}
	sqlite3_bind_int64(u, 1, (sqlite3_int64)offset);
	sqlite3_bind_int64(u, 2, (sqlite3_int64)lines);
	sqlite3_bind_int64(u, 3, now);
	sqlite3_bind_text(u, 4, w->path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(u, 5, (sqlite3_int64)sb->st_dev);
	sqlite3_bind_int64(u, 6, (sqlite3_int64)sb->st_ino);
	sqlite3_bind_int64(u, 7, (sqlite3_int64)hn);
	sqlite3_bind_int64(u, 8, head_hash(head, hn));
	sqlite3_bind_int64(u, 9, row->id);
	if (cursor)
		sqlite3_bind_text(u, 10, cursor, -1, SQLITE_STATIC);
	int s = sqlite3_step(u);
	sqlite3_finalize(u);
	if (s != SQLITE_DONE) {
		r = db_fail(w->st, ec, w->path, "cannot record the offset");
		goto fail;
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		r = db_fail(w->st, ec, w->path, "cannot commit");
		goto fail;
	}
	row->offset = offset;
	row->lines = lines;
	row->events_committed += agg->events;
	res->chunks++;
	return TW_OK;
fail:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return r;
}

static int writer_open(struct writer *w, struct tw_store *st, const char *path,
		       const struct tw_conf *c, struct tw_errctx *ec)
{
	sqlite3 *db = tw_store_db(st);
	memset(w, 0, sizeof(*w));
	w->st = st;
	w->path = path;
	w->conf = c;
	w->gap = c->gap;
	w->evmax = c->evidence;
	static const char cols[] = "src, class, has_time, first, last, packets, dsts, ports, "
				   "estimated, port_lo, port_hi, weight, counts, danger, "
				   "confidence, reportable, why, nev, scan";
	char ins[400], upd[400];
	snprintf(ins, sizeof(ins),
		 "INSERT INTO incidents (%s) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,"
		 "?13,?14,?15,?16,?17,?18,?20)",
		 cols);
	snprintf(upd, sizeof(upd),
		 "UPDATE incidents SET (%s) = (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,"
		 "?15,?16,?17,?18,?20) WHERE id = ?19",
		 cols);
	if (sqlite3_prepare_v2(db,
			       "SELECT id, first, last, packets, weight, counts, port_lo, port_hi,"
			       " confidence, reportable, nev FROM incidents"
			       " WHERE src = ?1 AND class = ?2 AND has_time = ?3"
			       " ORDER BY last DESC LIMIT 1",
			       -1, &w->find, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, ins, -1, &w->ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, upd, -1, &w->upd, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
			       "INSERT INTO evidence (incident, seq, file, line, text)"
			       " VALUES (?1, ?2, ?3, ?4, ?5)",
			       -1, &w->ev, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
			       "INSERT INTO events (file, line, seq, ts, src, dst, proto, sport,"
			       " dport, class) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
			       -1, &w->events, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT state FROM source_state WHERE src = ?1", -1, &w->st_get,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
			       "INSERT OR REPLACE INTO source_state (src, payload, state)"
			       " VALUES (?1, ?2, ?3)",
			       -1, &w->st_put, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT count(*) FROM source_state WHERE payload = ?1", -1,
			       &w->pay_count, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT src FROM source_state WHERE payload = ?1", -1,
			       &w->pay_srcs, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
			       "UPDATE incidents SET confidence = ?2, reportable = ?3, why = ?4,"
			       " scan = ?5 WHERE src = ?1",
			       -1, &w->verdict, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(
		db,
		"SELECT id, counts, estimated, port_lo, port_hi, packets, weight"
		" FROM incidents WHERE src = ?1 ORDER BY (estimated & 4) DESC LIMIT 2",
		-1, &w->settle_q, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
			       "UPDATE incidents SET dsts = ?2, ports = ?3, estimated = ?4,"
			       " danger = ?5 WHERE id = ?1",
			       -1, &w->settle_u, NULL) != SQLITE_OK)
		return db_fail(st, ec, path, "cannot prepare");
	return TW_OK;
}

static void writer_close(struct writer *w)
{
	sqlite3_finalize(w->find);
	sqlite3_finalize(w->ins);
	sqlite3_finalize(w->upd);
	sqlite3_finalize(w->ev);
	sqlite3_finalize(w->events);
	sqlite3_finalize(w->st_get);
	sqlite3_finalize(w->st_put);
	sqlite3_finalize(w->pay_count);
	sqlite3_finalize(w->pay_srcs);
	sqlite3_finalize(w->verdict);
	sqlite3_finalize(w->settle_q);
	sqlite3_finalize(w->settle_u);
}

/* ---- the writer thread: chunk N is written while chunk N+1 is read ------------------ */

struct pipe {
	pthread_mutex_t m;
	pthread_cond_t c;
	struct writer *w;
	struct file_row *row;
	const char *head;
	size_t hn;
	const struct stat *sb;
	struct tw_ingest_result *res;
	struct tw_errctx ec;
	/* The slot: one chunk handed over. */
	bool full, done;
	int err;
	struct tw_agg agg;
	struct tw_evlist kept;
	uint64_t offset, lines;
};

static void *writer_main(void *arg)
{
	struct pipe *p = arg;
	pthread_mutex_lock(&p->m);
	for (;;) {
		while (!p->full && !p->done)
			pthread_cond_wait(&p->c, &p->m);
		if (!p->full)
			break;
		pthread_mutex_unlock(&p->m);
		int r = p->err ? p->err
			       : commit_chunk(p->w, p->row, p->head, p->hn, p->sb, &p->agg,
					      &p->kept, p->offset, p->lines, NULL, p->res, &p->ec);
		tw_agg_fini(&p->agg);
		tw_evlist_fini(&p->kept);
		pthread_mutex_lock(&p->m);
		if (r && !p->err)
			p->err = r;
		p->full = false;
		pthread_cond_broadcast(&p->c);
	}
	pthread_mutex_unlock(&p->m);
	return NULL;
}

/* Hands a chunk to the writer (waiting while it still writes the previous one); 'agg' and
 * 'kept' are taken and left empty. The writer's first error, or TW_OK. */
static int pipe_put(struct pipe *p, struct tw_agg *agg, struct tw_evlist *kept, uint64_t offset,
		    uint64_t lines)
{
	const struct tw_conf *conf = agg->conf;
	pthread_mutex_lock(&p->m);
	while (p->full && !p->err)
		pthread_cond_wait(&p->c, &p->m);
	int err = p->err;
	if (!err) {
		p->agg = *agg;
		if (kept) {
			p->kept = *kept;
			memset(kept, 0, sizeof(*kept));
		}
		p->offset = offset;
		p->lines = lines;
		p->full = true;
		pthread_cond_broadcast(&p->c);
	}
	pthread_mutex_unlock(&p->m);
	if (err) {
		tw_agg_fini(agg);
		if (kept)
			tw_evlist_fini(kept);
	}
	tw_agg_init(agg, conf);
	return err;
}

/* Waits for the last chunk to be written and ends the thread. */
static int pipe_end(struct pipe *p, pthread_t th)
{
	pthread_mutex_lock(&p->m);
	p->done = true;
	pthread_cond_broadcast(&p->c);
	pthread_mutex_unlock(&p->m);
	pthread_join(th, NULL);
	return p->err;
}

/* ---- reading: the pipeline, whose chunks go to the writer ------------------------------ */

struct sink {
	struct pipe *pp;
	const struct tw_ingest_opts *o;
	bool handed;
};

static int sink_chunk(void *ctx, struct tw_agg *agg, struct tw_evlist *kept, uint64_t end,
		      uint64_t lines, struct tw_errctx *ec)
{
	struct sink *k = ctx;
	if (pipe_put(k->pp, agg, kept, end, lines)) {
		*ec = k->pp->ec;
		return k->pp->err;
	}
	k->handed = true;
	return TW_OK;
}

static int sink_event(void *ctx, const struct tw_event *ev, const struct tw_verdict *v,
		      const char *raw, size_t rawlen)
{
	struct sink *k = ctx;
	(void)raw, (void)rawlen;
	k->o->on_event(k->o->ctx, ev, v);
	return TW_OK;
}

/* A stream (gzip) positioned at the committed offset: the lines before it skipped, the
 * last block of '#' header lines among them kept in 'hdr' for the reader. Sets
 * *nothing_new for a shorter copy still being written, *restarted when the stream ended
 * before the offset (this file, rewritten). */
static int skip_stream(struct tw_lines *lr, const struct file_row *row, char *hdr, size_t cap,
		       size_t *hl, bool *nothing_new, bool *restarted, struct tw_errctx *ec)
{
	struct tw_line l;
	bool in_hdr = false;
	*hl = 0;
	while (lr->offset < row->offset) {
		int r = tw_lines_next(lr, &l, ec);
		if (r == TW_EOF) {
			*restarted = true;
			break;
		}
		if (r && !row->same) { /* a copy still being written: nothing new */
			*nothing_new = true;
			return TW_OK;
		}
		if (r)
			return r;
		if (l.len && l.p[0] == '#') {
			if (!in_hdr)
				*hl = 0;
			in_hdr = true;
			if (*hl + l.len + 1 < cap) {
				memcpy(hdr + *hl, l.p, l.len);
				hdr[*hl + l.len] = '\n';
				*hl += l.len + 1;
			}
		} else {
			in_hdr = false;
		}
	}
	if (*restarted && !row->same) {
		*restarted = false; /* a shorter copy (see above) */
		*nothing_new = true;
	}
	return TW_OK;
}

/* Where a mapped file is read from and to: [row->offset, *end) up to its last newline (a
 * line still being written waits), at most max_bytes. Sets *nothing_new, or
 * res->restarted (the row is forgotten: read from the start). */
static void mapped_range(const struct tw_lines *lr, struct file_row *row,
			 const struct tw_ingest_opts *o, uint64_t *end, bool *nothing_new,
			 struct tw_ingest_result *res)
{
	const char *nl = lr->map_size ? memrchr(lr->map, '\n', lr->map_size) : NULL;
	*end = nl ? (uint64_t)(nl - lr->map) + 1 : 0;
	res->waiting = lr->map_size - *end;
	if (row->offset > *end && !row->same) {
		/* A copy of a file read further (being written: a rotation's copy, or
		 * compressed): nothing in it that was not read. */
		*nothing_new = true;
		return;
	}
	if (row->offset > *end) { /* this file, shorter than what was read: rewritten */
		res->restarted = true;
		row->id = 0;
		row->offset = row->lines = 0;
	}
	if (row->offset >= *end) {
		*nothing_new = true;
		return;
	}
	/* A slice (max_bytes): up to a line start that is no repeat note. */
	if (o->max_bytes && *end - row->offset > o->max_bytes && !tw_reader_multiline(lr)) {
		uint64_t cut = tw_reader_part_start(lr, (size_t)(row->offset + o->max_bytes));
		if (cut > row->offset && cut < *end) {
			*end = cut;
			res->more = true;
		}
	}
}

/* Reads the source from where 'row' says through the pipeline to the writer thread. */
static int read_source(struct tw_source *src, struct writer *w, struct file_row *row,
		       const char *head, size_t hn, const struct stat *sb,
		       const struct tw_ingest_opts *o, struct tw_ingest_result *res,
		       struct tw_errctx *ec)
{
	uint64_t base_lines = row->lines, from_offset = row->offset;
	bool was_known = row->id != 0; /* row->* belongs to the writer from here */
	struct pipe pp = {.w = w, .row = row, .head = head, .hn = hn, .sb = sb, .res = res};
	struct sink k = {.pp = &pp, .o = o};
	struct tw_run_stats rs;
	struct tw_pipe p = {
	    .conf = o->conf,
	    .format = o->format,
	    .year = o->year,
	    .threads = o->on_event ? 1 : tw_pipe_cpus(),
	    .chunk_bytes = o->chunk_bytes   ? o->chunk_bytes
			   : o->chunk_lines ? o->chunk_lines * 200
					    : 256ull << 20,
	    .chunk_lines = o->chunk_lines ? o->chunk_lines : 1000000,
	    .keep_events = o->keep_events,
	    .copy_evidence = true,
	    .strict = true,
	    .spill = true,
	    .evline = o->evline,
	    .ctx = &k,
	    .on_event = o->on_event ? sink_event : NULL,
	    .on_chunk = sink_chunk,
	};
	pthread_t th;
	int r;
	memset(&rs, 0, sizeof(rs));
	pthread_mutex_init(&pp.m, NULL);
	pthread_cond_init(&pp.c, NULL);
	if (pthread_create(&th, NULL, writer_main, &pp)) {
		r = tw_err_set(ec, TW_E_NOMEM, 0, "%.200s: cannot start a thread", src->name);
		goto out;
	}
	r = tw_pipe_run(&p, src, &rs, ec);
	res->lines += rs.lines + rs.frames;
	res->events += rs.events;
	for (int i = 0; i < TW_SKIP_NREASONS; i++)
		res->skipped[i] += rs.skipped[i];
	/* The file's first record even when it had nothing to say yet (not when its first
	 * bytes were read from a file that has shrunk since: they may be zeros). */
	if (!r && !was_known && !k.handed && !src->capture && tw_lines_shrank(&src->lines, hn))
		r = tw_err_set(ec, TW_E_IO, 0, "%.200s: the file shrank while it was read",
			       src->name);
	if (!r && !was_known && !k.handed) {
		struct tw_agg empty;
		tw_agg_init(&empty, o->conf);
		pipe_put(&pp, &empty, NULL, from_offset, base_lines);
		tw_agg_fini(&empty);
	}
	int werr = pipe_end(&pp, th);
	if (!r && werr) {
		r = werr;
		*ec = pp.ec;
	}
out:
	pthread_mutex_destroy(&pp.m);
	pthread_cond_destroy(&pp.c);
	return r;
}

static int ingest_once(struct tw_store *st, const char *path, const struct tw_ingest_opts *o,
		       struct tw_ingest_result *res, struct tw_errctx *ec)
{
	struct tw_source src;
	struct writer w;
	struct stat sb;
	struct file_row row;
	char head[TW_INGEST_HEAD];
	static _Thread_local char hdr[4096];
	size_t hn = 0, hl = 0;
	bool nothing_new = false, have_writer = false;
	int r;

	memset(res, 0, sizeof(*res));
	if (!strcmp(path, "-"))
		return tw_err_set(ec, TW_E_UNSUPPORTED, 0,
				  "-: ingest reads files (their identity and offset are kept), not "
				  "standard input; use `tracewall analyze -`");
	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
		return tw_err_set(ec, TW_E_IO, 0, "%.200s: not a regular file", path);
	r = tw_source_open(&src, path, 0, o->format, ec);
	if (r)
		return r;
	r = writer_open(&w, st, path, o->conf, ec);
	have_writer = true;
	if (!r)
		r = read_head(path, src.capture ? NULL : &src.lines, head, &hn, ec);
	if (r || hn == 0)
		goto out; /* empty: nothing to know it by yet */
	r = find_file(st, path, head, hn, &sb, &row, ec);
	if (r)
		goto out;
	row.seen_id = row.id;
	row.seen_offset = row.offset;
	row.seen_lines = row.lines;
	res->known = row.id != 0;
	res->from = row.offset;
	res->capture = src.capture;
	if (src.capture) {
		/* Frames are counted as lines: those read before are skipped. */
		src.skip_frames = row.lines;
	} else if (tw_lines_is_mapped(&src.lines)) {
		uint64_t end = 0;
		mapped_range(&src.lines, &row, o, &end, &nothing_new, res);
		res->from = row.offset;
		src.from = row.offset;
		src.to = end;
		src.line_base = row.lines;
	} else {
		bool restarted = false;
		r = skip_stream(&src.lines, &row, hdr, sizeof(hdr), &hl, &nothing_new, &restarted,
				ec);
		if (r || nothing_new)
			goto out;
		if (restarted) {
			res->restarted = true;
			tw_lines_close(&src.lines);
			r = tw_lines_open(&src.lines, path, 0, ec);
			if (r) {
				writer_close(&w);
				return r;
			}
			row.id = 0;
			row.offset = row.lines = 0;
		} else if (hl) {
			src.prime = (struct tw_span){hdr, hl};
		}
		res->from = row.offset;
		src.line_base = row.lines;
	}
	if (nothing_new) {
		res->to = row.offset;
		goto out;
	}
	r = read_source(&src, &w, &row, head, hn, &sb, o, res, ec);
	if (!r)
		res->to = row.offset;
	if (r == TW_E_AGAIN) {
		/* What this run read past its last commit is another writer's now: only what
		 * it committed counts (lines skipped in it are not counted again). */
		res->lines = row.lines - row.seen_lines;
		res->events = row.events_committed;
		memset(res->skipped, 0, sizeof(res->skipped));
	}
out:
	tw_source_close(&src);
	if (have_writer)
		writer_close(&w);
	return r;
}

/* ---- a live source (NFLOG): its incidents committed in batches ------------------------- */

/* The live source 'name' is a "file" known by its name; its offset counts the events
 * stored so far, and 'cursor' (NULL keeps the last) is committed with its incidents. */
static int commit_live(struct tw_store *st, const char *name, struct tw_agg *agg, uint64_t events,
		       const char *cursor, struct tw_ingest_result *res, struct tw_errctx *ec)
{
	struct writer w;
	struct file_row row;
	struct stat sb;
	size_t hn = strlen(name);
	int r;
	memset(res, 0, sizeof(*res));
	memset(&sb, 0, sizeof(sb));
	if (hn == 0 || hn > TW_INGEST_HEAD)
		return tw_err_set(ec, TW_E_INVALID, 0, "a live source needs a short name");
	r = writer_open(&w, st, name, agg->conf, ec);
	if (r)
		return r;
	/* Known by its name ("nflog:7"); its offset counts the events stored so far. */
	r = find_file(st, name, name, hn, &sb, &row, ec);
	if (!r)
		r = commit_chunk(&w, &row, name, hn, &sb, agg, NULL, row.offset + events,
				 row.lines + events, cursor, res, ec);
	writer_close(&w);
	return r;
}

int tw_store_live_cursor(struct tw_store *st, const char *name, char *out, size_t cap)
{
	sqlite3_stmt *q = NULL;
	int r = TW_E_NOTFOUND;
	out[0] = '\0';
	if (sqlite3_prepare_v2(tw_store_db(st),
			       "SELECT cursor FROM files WHERE head_len = ?1 AND head = ?2"
			       " AND path = ?3 AND cursor IS NOT NULL ORDER BY id DESC LIMIT 1",
			       -1, &q, NULL) != SQLITE_OK)
		return TW_E_DB;
	sqlite3_bind_int64(q, 1, (sqlite3_int64)strlen(name));
	sqlite3_bind_int64(q, 2, head_hash(name, strlen(name)));
	sqlite3_bind_text(q, 3, name, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(q, 0);
		size_t l = c ? strlen(c) : 0;
		if (c && l < cap) {
			memcpy(out, c, l + 1);
			r = TW_OK;
		}
	}
	sqlite3_finalize(q);
	return r;
}

void tw_live_init(struct tw_live *l, const char *name, const struct tw_conf *conf)
{
	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "%s", name);
	tw_agg_init(&l->agg, conf);
}

int tw_live_add(struct tw_live *l, const struct tw_event *ev, const struct tw_verdict *v,
		const char *line, size_t len)
{
	struct tw_event e = *ev;
	e.origin.line = l->pending + 1;
	if (tw_agg_add_raw(&l->agg, &e, v, line, len, false))
		return TW_E_NOMEM;
	l->pending++;
	return TW_OK;
}

bool tw_live_full(const struct tw_live *l)
{
	const struct tw_agg *a = &l->agg;
	return a->nsrcs >= (a->max_sources ? a->max_sources : a->conf->max_sources);
}

int tw_live_commit(struct tw_store *st, struct tw_live *l, const char *cursor, struct tw_errctx *ec)
{
	struct tw_ingest_result res;
	if (!l->pending && !cursor)
		return TW_OK;
	int r = commit_live(st, l->name, &l->agg, l->pending, cursor, &res, ec);
	if (r)
		return r; /* kept: tried again at the next commit */
	l->stored += l->pending;
	l->pending = 0;
	const struct tw_conf *conf = l->agg.conf;
	tw_agg_fini(&l->agg);
	tw_agg_init(&l->agg, conf);
	return TW_OK;
}

void tw_live_fini(struct tw_live *l)
{
	tw_agg_fini(&l->agg);
}

/* Adds the counts of 'b' to 'a'. */
static void result_add(struct tw_ingest_result *a, const struct tw_ingest_result *b)
{
	a->lines += b->lines;
	a->events += b->events;
	a->chunks += b->chunks;
	a->incidents_new += b->incidents_new;
	a->incidents_merged += b->incidents_merged;
	for (int k = 0; k < TW_SKIP_NREASONS; k++)
		a->skipped[k] += b->skipped[k];
}

int tw_store_ingest(struct tw_store *st, const char *path, const struct tw_ingest_opts *o,
		    struct tw_ingest_result *res, struct tw_errctx *ec)
{
	/* Another writer committed a part of the file first: read on from where it got to
	 * (what this run committed before stays; its counts are added up). */
	struct tw_ingest_result sum;
	memset(&sum, 0, sizeof(sum));
	for (int tries = 0;; tries++) {
		int r = ingest_once(st, path, o, res, ec);
		if (r != TW_E_AGAIN || tries == 1000) {
			if (tries) {
				res->from = sum.from;
				res->known |= sum.known;
				result_add(res, &sum);
			}
			if (r == TW_E_AGAIN)
				r = tw_err_set(ec, TW_E_DB, 0,
					       "%.200s: other tracewalls keep committing it: given "
					       "up",
					       path);
			return r;
		}
		if (!tries) {
			sum.from = res->from;
			sum.known = res->known;
		}
		result_add(&sum, res);
	}
}
