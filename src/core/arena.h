/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bump allocator for per-record scratch memory (style.md B6): reset, never freed piecemeal. */
#ifndef TW_CORE_ARENA_H
#define TW_CORE_ARENA_H

#include <stddef.h>

struct tw_arena_block;

struct tw_arena {
	struct tw_arena_block *head; /* current block; older blocks chained behind it */
	size_t block_size;
	size_t limit; /* total bytes this arena may hold; 0 = no limit */
	size_t used_total;
};

/* Initialises an empty arena; blocks of 'block_size' bytes (0: 16 KiB), at most 'limit' bytes. */
void tw_arena_init(struct tw_arena *a, size_t block_size, size_t limit);
/* Returns 'n' bytes aligned to 16, valid until reset/fini; NULL when out of memory or over limit.
 */
void *tw_arena_alloc(struct tw_arena *a, size_t n);
/* Copies 'n' bytes and a terminating NUL into the arena; NULL on failure. */
char *tw_arena_strndup(struct tw_arena *a, const char *s, size_t n);
/* Forgets every allocation, keeping the first block for reuse. */
void tw_arena_reset(struct tw_arena *a);
/* Frees all memory; the arena may be initialised again. */
void tw_arena_fini(struct tw_arena *a);

#endif
