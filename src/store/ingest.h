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

#include "input/input.h"
#include "store/store.h"

#define TW_INGEST_HEAD 256 /* bytes that identify a file */

struct tw_ingest_opts {
	bool keep_events; /* every event too (table events), not only incidents */
	const struct tw_input_format *format; /* NULL: detected per line */
	int year;			      /* year-less stamps; 0: from the file's mtime */
	uint64_t chunk_lines;		      /* lines per transaction (streams); 0 = 1,000,000 */
	uint64_t chunk_bytes; /* bytes per transaction (plain files); 0: chunk_lines x 200, or
				 256 MiB */
};

struct tw_ingest_result {
	bool known;	   /* the file (or a copy of it) was ingested before */
	bool restarted;	   /* known, but shorter than what was read: taken as new */
	uint64_t from, to; /* byte offsets: where this run started and stopped */
	uint64_t lines, events, chunks;
	uint64_t incidents_new, incidents_merged;
	uint64_t skipped[TW_SKIP_NREASONS];
};

/* Ingests what is new in 'path' (a regular file, plain or gzip). The last line is left for
 * the next run while it has no newline (a writer may be in the middle of it). TW_OK, or an
 * error with the reason (naming the file) in 'ec'; what was committed before stays. */
int tw_store_ingest(struct tw_store *st, const char *path, const struct tw_ingest_opts *o,
		    struct tw_ingest_result *res, struct tw_errctx *ec);

/* Commits the incidents of a live source (an NFLOG group, named e.g. "nflog:7") gathered
 * in 'agg' — 'events' of them since the last commit — in one transaction, merged with the
 * stored ones like a file's next chunk. The caller empties 'agg' after. */
struct tw_agg;
int tw_store_commit_live(struct tw_store *st, const char *name, struct tw_agg *agg, uint64_t events,
			 struct tw_ingest_result *res, struct tw_errctx *ec);

#endif
