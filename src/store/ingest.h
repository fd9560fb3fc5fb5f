/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Incremental, idempotent ingest of log files into the store (issue 7). A file is known by
 * the hash of its first bytes (uncompressed), so a rotated file — renamed, copied before a
 * truncation, or compressed — is recognised wherever it now is; its committed offset is
 * written in the same transaction as the incidents of the lines before it, chunk after
 * chunk, so a crash loses nothing and duplicates nothing. Incidents continued by a later
 * chunk or run merge with the stored ones (same source and class, within the gap). */
#ifndef TW_STORE_INGEST_H
#define TW_STORE_INGEST_H

#include <stdbool.h>
#include <stdint.h>

#include "classify/agg.h"
#include "classify/classify.h"
#include "input/input.h"
#include "pipeline/pipeline.h"
#include "store/store.h"

#define TW_INGEST_HEAD 256 /* bytes that identify a file */

struct tw_ingest_opts {
	const struct tw_conf *conf; /* not NULL: thresholds, gap, evidence lines */
	tw_evline_fn evline;	    /* a capture's evidence lines (output/: tw_out_evidence_line) */
	bool keep_events;	    /* every event too (table events), not only incidents */
	const struct tw_input_format *format; /* NULL: detected per line */
	int year;			      /* year-less stamps; 0: from the file's mtime */
	uint64_t chunk_lines;		      /* lines per transaction (streams); 0 = 1,000,000 */
	uint64_t chunk_bytes; /* bytes per transaction (plain files); 0: chunk_lines x 200, or
				 256 MiB */
	/* At most this many bytes of a plain file per run (0: all), cut at a line start; the
	 * result says when more is left (a daemon's slice, so that its loop goes on). */
	uint64_t max_bytes;
	/* Optional: each event as it is classified, in file order (one reader, then). */
	void (*on_event)(void *ctx, const struct tw_event *ev, const struct tw_verdict *v);
	void *ctx;
};

struct tw_ingest_result {
	bool known;	   /* the file (or a copy of it) was ingested before */
	bool restarted;	   /* known, but shorter than what was read: taken as new */
	bool more;	   /* max_bytes reached: more is left for the next run */
	bool capture;	   /* a capture: 'lines' counts its frames */
	uint64_t waiting;  /* bytes of a last line without its newline, left for later */
	uint64_t from, to; /* byte offsets: where this run started and stopped */
	uint64_t lines, events, chunks;
	uint64_t incidents_new, incidents_merged;
	uint64_t skipped[TW_SKIP_NREASONS];
};

/* Ingests what is new in 'path' (a regular file, plain or gzip, a log or a capture; a
 * capture's frames count as its lines). The last line is left for
 * the next run while it has no newline (a writer may be in the middle of it). TW_OK, or an
 * error with the reason (naming the file) in 'ec'; what was committed before stays. */
int tw_store_ingest(struct tw_store *st, const char *path, const struct tw_ingest_opts *o,
		    struct tw_ingest_result *res, struct tw_errctx *ec);

/* The cursor last committed for the live source 'name': TW_OK, or TW_E_NOTFOUND (none). */
int tw_store_live_cursor(struct tw_store *st, const char *name, char *out, size_t cap);

/* A live source's incidents between commits (an NFLOG group, named e.g. "nflog:7", or
 * "journal"): events added as they come, committed every few seconds in one transaction,
 * merged with the stored ones like a file's next chunk, with where the source was read to
 * (the journal's cursor). A failed commit keeps them for the next. */
struct tw_live {
	char name[64];
	struct tw_agg agg;
	uint64_t pending, stored;
};
void tw_live_init(struct tw_live *l, const char *name, const struct tw_conf *conf);
/* One event with its verdict and evidence line (copied). TW_E_NOMEM. */
int tw_live_add(struct tw_live *l, const struct tw_event *ev, const struct tw_verdict *v,
		const char *line, size_t len);
/* The pending aggregate holds as many sources as it may: commit before the next event,
 * or the quietest sources would be dropped from memory. */
bool tw_live_full(const struct tw_live *l);
/* Commits what is pending, with 'cursor' (NULL: none). */
int tw_live_commit(struct tw_store *st, struct tw_live *l, const char *cursor,
		   struct tw_errctx *ec);
void tw_live_fini(struct tw_live *l);

#endif
