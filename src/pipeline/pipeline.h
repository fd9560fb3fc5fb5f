/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The pipeline: the one path from a source to verdicts. A source is a log file's lines
 * (mapped, piped or gzip) or a capture's frames; each record is detected, parsed, decoded
 * and classified, then aggregated per source, chunk after chunk. A large mapped file is
 * split at line starts across threads whose aggregates join in file order, so the result
 * never depends on timing. analyze, ingest, watch and tracewalld all call it and differ only
 * in their sink: the hooks of struct tw_pipe. */
#ifndef TW_PIPELINE_PIPELINE_H
#define TW_PIPELINE_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classify/agg.h"
#include "classify/classify.h"
#include "core/conf.h"
#include "core/err.h"
#include "core/lines.h"
#include "decode/decode.h"
#include "input/input.h"
#include "input/pcap.h"

/* At most this many workers read one mapped file. */
#define TW_PIPE_THREADS_MAX 16
/* A part of a mapped file read by a worker of its own is at least this long. */
#define TW_PIPE_PART_MIN (4u << 20)

/* What a run read: summed over the sources of one command. */
struct tw_run_stats {
	size_t files, files_failed;
	uint64_t lines, events, filtered; /* filtered: outside --since/--until */
	uint64_t frames;		  /* of packet captures */
	uint64_t skipped[TW_SKIP_NREASONS];
	int64_t first, last; /* over all kept events */
	int has_time;
	char *const *names; /* the input names, by origin.file (evidence) */
	size_t nnames;
	uint64_t pruned_srcs, pruned_packets; /* dropped to stay within max-sources */
	uint32_t prune_below;
};
/* Adds the counts and the time span of 'b' into 'a'. */
void tw_run_stats_add(struct tw_run_stats *a, const struct tw_run_stats *b);

/* An event kept as a row (ingest --keep-events). */
struct tw_evrec {
	int64_t ts;
	uint64_t line;
	struct tw_addr src, dst;
	uint16_t sport, dport;
	uint8_t proto, has_ts, has_ports;
	int16_t cls;
};
struct tw_evlist {
	struct tw_evrec *v;
	size_t n, cap;
};
void tw_evlist_fini(struct tw_evlist *l);

/* The evidence line of a record that has no line of its own (a capture's frame, a live
 * packet): written by output/ (tw_out_evidence_line), handed in by the caller so that the
 * pipeline writes no text. 'kind' and 'num' say what it is ("frame", 12). Returns the
 * length written into 'out' (NUL-terminated; 0: none). */
typedef size_t (*tw_evline_fn)(const struct tw_event *ev, const struct tw_decoded *d,
			       const char *kind, uint64_t num, char *out, size_t cap);

/* How to read, and the sink. Every hook is optional. */
struct tw_pipe {
	const struct tw_conf *conf;	      /* not NULL */
	const struct tw_input_format *format; /* --format, or NULL: detected per line/file */
	int year;			      /* year-less stamps; 0: from the file's mtime */
	unsigned threads;		      /* workers for a large mapped file (0, 1: one) */
	bool has_since, has_until;	      /* the time window: events outside it are */
	int64_t since, until;		      /* counted as filtered and go nowhere */
	/* Chunks: a mapped file's in bytes, a stream's in lines (0: one chunk). */
	uint64_t chunk_bytes, chunk_lines;
	bool keep_events;   /* fill each chunk's event list */
	bool copy_evidence; /* copy evidence lines (else a mapped line is noted by offset) */
	bool no_agg;	    /* nothing aggregated: events go to on_event alone */
	/* A chunk read from a file that shrank meanwhile (copytruncate) is an error, never
	 * handed to on_chunk (ingest: read at the next run from the copy). Else reading stops
	 * at the new end with the source's 'truncated' set (analyze warns). */
	bool strict;
	/* A chunk ends early when an aggregate holds as many sources as it may, rather than
	 * dropping the quietest (ingest: every source is stored, memory stays bounded; not
	 * with 'into' nor for captures, whose aggregate is the whole run). */
	bool spill;
	tw_evline_fn evline;
	/* Optional: the caller's aggregate, added to directly (a file read whole by one worker
	 * goes straight into it, parts join into it in order); on_chunk then gets agg NULL. */
	struct tw_agg *into;
	void *ctx;
	/* Every accepted event in input order with its verdict and evidence line; forces
	 * one worker. Non-zero ends the run with that error. */
	int (*on_event)(void *ctx, const struct tw_event *ev, const struct tw_verdict *v,
			const char *raw, size_t rawlen);
	/* Every skipped record ('unit' "" for lines, "frame " for frames); forces one
	 * worker. */
	void (*on_skip)(void *ctx, const char *unit, uint64_t where, enum tw_skip why,
			const char *detail);
	/* A chunk is complete: its aggregate and kept events (the sink takes what it wants;
	 * the pipeline finishes what is left), the source's offset after it and the lines
	 * (frames) read up to it. Non-zero ends the run with that error (reason in 'ec'). */
	int (*on_chunk)(void *ctx, struct tw_agg *agg, struct tw_evlist *kept, uint64_t end,
			uint64_t lines, struct tw_errctx *ec);
	/* Bytes of the source read so far, now and then (about ten times a second). */
	void (*on_progress)(void *ctx, uint64_t bytes);
};

/* One source: a log file (plain, gzip, a pipe or "-") or a capture. */
struct tw_source {
	const char *name;
	uint32_t file_index;
	bool capture;
	struct tw_lines lines; /* a log */
	struct tw_pcap pcap;   /* a capture */
	/* A mapped log's bytes to read, [from, to) at line starts (to 0: to the end), and the
	 * lines before 'from' (the numbers of the evidence lines go on from there). */
	uint64_t from, to, line_base;
	/* A stream: the header lines in force where it is positioned (tw_reader_prime). */
	struct tw_span prime;
	/* A capture: frames already read (skipped, not counted). */
	uint64_t skip_frames;
	/* Out: the file shrank while it was read (copytruncate); the bytes after the end of
	 * a capture's last whole frame. */
	bool truncated;
	uint64_t consumed;
};

/* Opens 'name': a capture when 'format' is the pcap row's or the file's first bytes are a
 * capture's (format NULL), else a log. TW_OK, or TW_E_IO / TW_E_INVALID / TW_E_NOMEM with
 * the reason in 'ec'. */
int tw_source_open(struct tw_source *s, const char *name, uint32_t file_index,
		   const struct tw_input_format *format, struct tw_errctx *ec);
void tw_source_close(struct tw_source *s);
/* The source's size in bytes for progress (0 when unknown). */
uint64_t tw_source_size(const struct tw_source *s);

/* The CPUs this process may run on (sched_getaffinity), at most TW_PIPE_THREADS_MAX. */
unsigned tw_pipe_cpus(void);

/* Reads the source through the pipeline into the sink; adds what it read to 'st'. TW_OK, or
 * the first error (a read error, TW_E_NOMEM, or a hook's) with the reason in 'ec'. */
int tw_pipe_run(const struct tw_pipe *p, struct tw_source *s, struct tw_run_stats *st,
		struct tw_errctx *ec);

/* One live packet (NFLOG: watch, the daemon): decoded with 'ds', classified into 'v', its
 * evidence line written to 'line' through p->evline (what a Messenger message says
 * included). Returns the line's length (0: none). */
size_t tw_pipe_live(const struct tw_pipe *p, const struct tw_event *ev, struct tw_decode_state *ds,
		    struct tw_verdict *v, char *line, size_t cap);

#endif
