/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bump allocator: a chain of blocks, reset per record. */
#include "core/alloc.h"
#include "core/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct tw_arena_block {
	struct tw_arena_block *next;
	size_t size, used;
	_Alignas(16) unsigned char data[];
};

void tw_arena_init(struct tw_arena *a, size_t block_size, size_t limit)
{
	a->head = NULL;
	a->block_size = block_size ? block_size : 16384;
	a->limit = limit;
	a->used_total = 0;
}

void *tw_arena_alloc(struct tw_arena *a, size_t n)
{
	struct tw_arena_block *b = a->head;
	size_t need = (n + 15) & ~(size_t)15;

	if (need < n)
		return NULL;
	if (a->limit && (need > a->limit || a->used_total > a->limit - need))
		return NULL;
	if (!b || b->size - b->used < need) {
		size_t sz = need > a->block_size ? need : a->block_size;
		b = tw_malloc(sizeof(*b) + sz);
		if (!b)
			return NULL;
		b->size = sz;
		b->used = 0;
		b->next = a->head;
		a->head = b;
	}
	void *p = b->data + b->used;
	b->used += need;
	a->used_total += need;
	return p;
}

char *tw_arena_strndup(struct tw_arena *a, const char *s, size_t n)
{
	char *p = tw_arena_alloc(a, n + 1);

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void tw_arena_reset(struct tw_arena *a)
{
	struct tw_arena_block *b = a->head, *keep = NULL;

	/* Keep the oldest block (the first one allocated): the common case fits in it. */
	while (b) {
		struct tw_arena_block *next = b->next;
		if (!next)
			keep = b;
		else
			free(b);
		b = next;
	}
	if (keep)
		keep->used = 0;
	a->head = keep;
	a->used_total = 0;
}

void tw_arena_fini(struct tw_arena *a)
{
	struct tw_arena_block *b = a->head;

	while (b) {
		struct tw_arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
	a->used_total = 0;
}
