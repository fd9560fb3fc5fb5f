/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the input-format unit tests. */
#ifndef TW_TESTS_T_INPUT_H
#define TW_TESTS_T_INPUT_H

#include <string.h>

#include "core/time.h"
#include "input/input.h"

/* Parses one line with format 'f' into 'ev'; year-less stamps get 'year', or the year of
 * 'ref_s' (as if the file was written then) when 'year' is 0. */
static inline int t_parse_line(const struct tw_input_format *f, const char *line,
			       struct tw_event *ev, struct tw_parse_ctx *ctx, int year,
			       int64_t ref_s)
{
	static struct tw_arena arena;
	if (!arena.block_size)
		tw_arena_init(&arena, 0, 0);
	tw_arena_reset(&arena);
	memset(ctx, 0, sizeof(*ctx));
	ctx->arena = &arena;
	tw_yearctx_init(&ctx->year, year, ref_s);
	memset(ev, 0, sizeof(*ev));
	return f->parse(line, strlen(line), ev, ctx);
}

/* Parses the next line of a file with format 'f', keeping ctx->st (header state) from the
 * lines before; start a file with t_parse_line. */
static inline int t_parse_more(const struct tw_input_format *f, const char *line,
			       struct tw_event *ev, struct tw_parse_ctx *ctx)
{
	tw_arena_reset(ctx->arena);
	ctx->detail = NULL;
	ctx->glued = 0;
	memset(ev, 0, sizeof(*ev));
	return f->parse(line, strlen(line), ev, ctx);
}

/* An address as text; two rotating buffers, so two calls may stand in one expression. */
static inline const char *t_addr(const struct tw_addr *a)
{
	static char b[2][TW_ADDR_STRLEN];
	static int i;
	i ^= 1;
	tw_addr_format(a, b[i]);
	return b[i];
}

#endif
