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

/* What an analyze run read, for the summary header. */
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

struct tw_output {
	const char *name;
	const char *summary;
	/* Writes the per-source summary: 'n' sources of 'sums', of which the first 'shown'. */
	void (*write_summary)(struct tw_buf *b, const struct tw_run_stats *st,
			      const struct tw_srcsum *sums, size_t n, size_t shown);
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

/* TCP flag letters ("S", "SA", …) into out (at least 9 bytes). */
void tw_tcp_flags_str(uint8_t flags, char out[static 9]);

#endif
