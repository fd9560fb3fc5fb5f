/* SPDX-License-Identifier: GPL-2.0-or-later */
/* An index from addresses to records the caller keeps in an array of its own (open
 * addressing, linear probing, at most 70 % full; it holds position + 1, 0 = empty): the
 * aggregate's per-source table and the auto-ban policy's. Records may move (realloc) without
 * touching the index; when they are removed or reordered, tw_addrix_rebuild. */
#ifndef TW_CORE_ADDRIX_H
#define TW_CORE_ADDRIX_H

#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"

struct tw_addrix {
	uint32_t *slot;
	size_t cap; /* a power of two, or 0 */
};

/* The records: at 'base', 'stride' bytes each, the address 'off' bytes into each. */
struct tw_addrix_recs {
	const void *base;
	size_t stride, off;
};

static inline const struct tw_addr *tw_addrix_at(struct tw_addrix_recs r, size_t i)
{
	return (const struct tw_addr *)((const char *)r.base + i * r.stride + r.off);
}

/* The position of 'a' among the records, or -1 with *hole the free slot it would take. */
static inline long tw_addrix_find(const struct tw_addrix *x, struct tw_addrix_recs r,
				  const struct tw_addr *a, size_t *hole)
{
	*hole = 0;
	if (!x->cap)
		return -1;
	size_t mask = x->cap - 1, j = (size_t)tw_addr_hash(a) & mask;
	for (uint32_t v; (v = x->slot[j]) != 0; j = (j + 1) & mask)
		if (tw_addr_eq(tw_addrix_at(r, v - 1), a))
			return (long)v - 1;
	*hole = j;
	return -1;
}

/* Puts record 'pos' in the free slot 'hole' that tw_addrix_find gave. */
static inline void tw_addrix_put(struct tw_addrix *x, size_t hole, size_t pos)
{
	x->slot[hole] = (uint32_t)pos + 1;
}

/* Room for 'want' records, the 'n' there now indexed again if the index grew. TW_OK, or
 * TW_E_NOMEM (also beyond 2^32 - 2 records), the index unchanged. */
int tw_addrix_reserve(struct tw_addrix *x, struct tw_addrix_recs r, size_t n, size_t want);
/* Indexes the 'n' records again (after some were removed or moved within the array). */
void tw_addrix_rebuild(struct tw_addrix *x, struct tw_addrix_recs r, size_t n);
void tw_addrix_fini(struct tw_addrix *x);

#endif
