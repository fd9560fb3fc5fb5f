/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: core/arena. */
#include <stdint.h>
#include <stdlib.h>

#include "core/alloc.h"
#include "core/arena.h"
#include "tap.h"

static void t_alloc_align_reset(void)
{
	struct tw_arena a;
	tw_arena_init(&a, 64, 0);
	char *p = tw_arena_alloc(&a, 3);
	char *q = tw_arena_alloc(&a, 100); /* larger than a block: its own block */
	CHECK(p && q);
	CHECK_EQ_U((uintptr_t)p % 16, 0);
	CHECK_EQ_U((uintptr_t)q % 16, 0);
	memset(q, 'x', 100);
	char *s = tw_arena_strndup(&a, "abc", 2);
	CHECK_STR(s, "ab");
	tw_arena_reset(&a);
	CHECK_EQ_U(a.used_total, 0);
	CHECK(tw_arena_alloc(&a, 8) != NULL);
	tw_arena_fini(&a);
}

static void t_limit(void)
{
	struct tw_arena a;
	tw_arena_init(&a, 0, 1024);
	CHECK(tw_arena_alloc(&a, 1000) != NULL);
	CHECK(tw_arena_alloc(&a, 100) == NULL);	       /* over the limit */
	CHECK(tw_arena_alloc(&a, (size_t)-8) == NULL); /* size overflow */
	tw_arena_fini(&a);
}

/* tw_grow: untouched while there is room, doubles when full, refuses a size that would
 * overflow without losing the array. */
static void t_grow(void)
{
	size_t cap = 0;
	int *v = tw_grow(NULL, 0, &cap, sizeof(*v), 4);
	CHECK(v);
	CHECK_EQ_U(cap, 4);
	for (int i = 0; i < 4; i++)
		v[i] = i;
	CHECK(tw_grow(v, 3, &cap, sizeof(*v), 4) == v);
	CHECK_EQ_U(cap, 4);
	v = tw_grow(v, 4, &cap, sizeof(*v), 4);
	CHECK(v);
	CHECK_EQ_U(cap, 8);
	CHECK_EQ_U(v[3], 3);
	size_t huge = SIZE_MAX / 8 + 1;
	CHECK(tw_grow(v, huge, &huge, 8, 4) == NULL);
	CHECK_EQ_U(huge, SIZE_MAX / 8 + 1);
	free(v);
}

TW_SUITE(arena, {"alloc_align_reset", t_alloc_align_reset}, {"limit", t_limit}, {"grow", t_grow});
