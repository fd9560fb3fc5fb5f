/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The body every line-parser harness shares: parse one line with one format, and when it is
 * accepted, classify it and write it as JSON, so that the output escaping is fuzzed too. */
#ifndef TW_TESTS_FUZZ_LINE_H
#define TW_TESTS_FUZZ_LINE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "classify/classify.h"
#include "input/input.h"
#include "output/output.h"

static int tw_fuzz_line(const struct tw_input_format *fmt, const uint8_t *data, size_t size)
{
	static struct tw_arena arena;
	struct tw_parse_ctx ctx;
	struct tw_event ev;
	struct tw_verdict v;
	struct tw_buf b;

	if (size > 70000)
		return 0;
	/* An exact-size copy, so that ASan catches any read past the line. */
	char *line = malloc(size ? size : 1);
	if (!line)
		return 0;
	memcpy(line, data, size);
	if (!arena.block_size)
		tw_arena_init(&arena, 0, 1 << 20);
	tw_arena_reset(&arena);
	memset(&ctx, 0, sizeof(ctx));
	ctx.arena = &arena;
	tw_yearctx_init(&ctx.year, 0, 1700000000);
	memset(&ev, 0, sizeof(ev));
	if (fmt->parse(line, size, &ev, &ctx) == TW_OK) {
		tw_classify(&ev, &v);
		tw_buf_init(&b);
		tw_out_json.write_event(&b, &ev, &v, "fuzz");
		tw_buf_fini(&b);
	}
	free(line);
	return 0;
}

#endif
