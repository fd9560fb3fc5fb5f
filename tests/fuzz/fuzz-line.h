/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The body every input-format harness shares: the input's lines are parsed in order with one
 * format and one parse context (so that header-driven and multi-line formats keep their
 * state across lines), and each accepted event is classified and written as JSON, so that
 * the output escaping is fuzzed too. */
#ifndef TW_TESTS_FUZZ_LINE_H
#define TW_TESTS_FUZZ_LINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "classify/classify.h"
#include "input/input.h"
#include "output/output.h"

static void tw_fuzz_one(const struct tw_input_format *fmt, struct tw_parse_ctx *ctx,
			const uint8_t *data, size_t size)
{
	struct tw_event ev;
	struct tw_verdict v;
	struct tw_buf b;

	/* An exact-size copy, so that ASan catches any read past the line. */
	char *line = malloc(size ? size : 1);
	if (!line)
		return;
	memcpy(line, data, size);
	tw_arena_reset(ctx->arena);
	memset(&ev, 0, sizeof(ev));
	ctx->glued = 0;
	/* A format's sniff() may only rule out lines its parse() would not claim. */
	bool sniffed = !fmt->sniff || fmt->sniff(line, size, ctx);
	int ret = fmt->parse(line, size, &ev, ctx);
	if (!sniffed && ret != TW_E_NOTFOUND)
		abort();
	if (ret == TW_OK) {
		tw_classify(&ev, &v);
		tw_buf_init(&b);
		tw_out_json.write_event(&b, &ev, &v, "fuzz");
		tw_buf_fini(&b);
	}
	/* The rest of a line with glued records is parsed as the reader would. */
	size_t g = ctx->glued;
	free(line);
	if (g > 0 && g < size)
		tw_fuzz_one(fmt, ctx, data + g, size - g);
}

static int tw_fuzz_lines(const struct tw_input_format *fmt, const uint8_t *data, size_t size)
{
	static struct tw_arena arena;
	struct tw_parse_ctx ctx;

	if (size > 70000)
		return 0;
	if (!arena.block_size)
		tw_arena_init(&arena, 0, 1 << 20);
	memset(&ctx, 0, sizeof(ctx));
	ctx.arena = &arena;
	tw_yearctx_init(&ctx.year, 0, 1700000000);
	while (size) {
		const uint8_t *nl = memchr(data, '\n', size);
		size_t n = nl ? (size_t)(nl - data) : size;
		tw_fuzz_one(fmt, &ctx, data, n);
		data += nl ? n + 1 : n;
		size -= nl ? n + 1 : n;
	}
	return 0;
}

#endif
