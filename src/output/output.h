/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Output stage: the only place where records become text. Each output writes into a
 * tw_buf, escaping every input-derived byte for its medium (core/esc.h). */
#ifndef TW_OUTPUT_OUTPUT_H
#define TW_OUTPUT_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

#include "classify/agg.h"
#include "classify/classify.h"
#include "core/esc.h"
#include "core/event.h"
#include "input/input.h"
#include "pipeline/pipeline.h"

struct tw_output {
	const char *name;
	const char *summary;
	/* Writes the per-source summary: 'n' sources of 'sums', of which the first 'shown'. */
	void (*write_summary)(struct tw_buf *b, const struct tw_run_stats *st,
			      const struct tw_srcsum *sums, size_t n, size_t shown);
	/* Optional: what comes before the events (a DShield submission's header). */
	void (*write_header)(struct tw_buf *b);
	/* Writes one event (NULL if the output has no per-event form). */
	void (*write_event)(struct tw_buf *b, const struct tw_event *ev, const struct tw_verdict *v,
			    const char *file);
};

extern const struct tw_output tw_out_text, tw_out_json, tw_out_dshield;

/* The DESIGN.md "msg" object: {"from","to","text"} in UTF-8 (the sender's code page
 * converted), then "path". */
void tw_out_json_msg(struct tw_buf *b, const struct tw_msg *m);
extern const struct tw_output *const tw_outputs[];
const struct tw_output *tw_output_find(const char *name);

/* The evidence line of a frame ('num' its number) or a live packet ('num' 0): "KIND [NUM]
 * TIME [PREFIX] SRC:PORT > DST:PORT PROTO length N", then what the decoded payload 'd' says
 * (NULL: nothing); a tw_evline_fn for the pipeline. Its length, 0 when it did not fit. */
size_t tw_out_evidence_line(const struct tw_event *ev, const struct tw_decoded *d, const char *kind,
			    uint64_t num, char *out, size_t cap);
/* Appends to 'out' (holding 'len' bytes, NUL-terminated, of 'cap') what a decoded payload
 * says, on one line: ' messenger from "F" to "T": TEXT', control characters as spaces, the
 * text cut at 300 bytes; for the other kinds, what it was (' [NBSTAT node status request
 * (NetBIOS probe)]'). Returns the new length. */
size_t tw_out_decoded_line(const struct tw_decoded *d, char *out, size_t len, size_t cap);

/* --explain ADDRESS: what the pipeline saw of one source, noted event by event. */
#define TW_EXPLAIN_MAX	 25 /* events kept as evidence */
#define TW_EXPLAIN_RULES 32 /* distinct rules counted */
struct tw_explained_ev {
	uint32_t file;
	uint64_t line, offset;
	int kind; /* 0 a line of a mapped file, 1 a line read as a stream (gzip), 2 a frame */
	int cls;
	const char *why;
};
struct tw_explain {
	struct tw_addr addr;
	struct tw_explained_ev ev[TW_EXPLAIN_MAX];
	uint64_t n;
	struct {
		const char *why;
		uint64_t count;
	} rule[TW_EXPLAIN_RULES];
	unsigned nrule;
};
/* Notes one event of the source (and the rule that fired). */
void tw_explain_note(struct tw_explain *x, const struct tw_event *ev, const struct tw_verdict *v,
		     int kind);
/* The report: the source's counts and verdict with its reasons, the thresholds of 'conf', the
 * rules that fired, its incidents and the first events ('files' names them; lines of plain
 * files read back through 'rd'). */
void tw_out_explain(struct tw_buf *b, const struct tw_explain *x, const struct tw_conf *conf,
		    char *const *files, const struct tw_srcsum *sums, size_t n,
		    tw_evidence_reader rd, void *rdctx);

/* tracewall trace: one address, as text or JSON. The parts are the caller's. */
struct tw_nd_answer;
struct tw_special;
struct tw_rdns_result;
struct tw_trace {
	const struct tw_addr *a;
	const char *addr;		  /* formatted */
	bool have_index;		  /* an offline index was there to ask */
	const struct tw_nd_answer *ans;	  /* the index's answer (zero: nothing found) */
	const struct tw_special *special; /* a special-purpose range, or NULL */
	const struct tw_rdns_result *rdns;
	const struct tw_abuse_result *abuse; /* NULL: not looked up */
};
void tw_out_trace_text(struct tw_buf *b, const struct tw_trace *t);
void tw_out_trace_json(struct tw_buf *b, const struct tw_trace *t);

/* TCP flag letters ("S", "SA", …) into out (at least 9 bytes). */
void tw_tcp_flags_str(uint8_t flags, char out[static 9]);

#endif
