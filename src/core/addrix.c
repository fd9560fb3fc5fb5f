/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The address index (addrix.h). */
#include <stdlib.h>
#include <string.h>

#include "core/addrix.h"
#include "core/alloc.h"
#include "core/err.h"

static void fill(uint32_t *slot, size_t cap, struct tw_addrix_recs r, size_t n)
{
	size_t mask = cap - 1;
	for (size_t i = 0; i < n; i++) {
		size_t j = (size_t)tw_addr_hash(tw_addrix_at(r, i)) & mask;
		while (slot[j])
			j = (j + 1) & mask;
		slot[j] = (uint32_t)i + 1;
	}
}

int tw_addrix_reserve(struct tw_addrix *x, struct tw_addrix_recs r, size_t n, size_t want)
{
	if (want >= UINT32_MAX)
		return TW_E_NOMEM;
	if (want * 10 <= x->cap * 7)
		return TW_OK;
	size_t nc = x->cap ? x->cap : 1024;
	while (want * 10 > nc * 7)
		nc *= 2;
	uint32_t *ns = tw_calloc(nc, sizeof(*ns));
	if (!ns)
		return TW_E_NOMEM;
	fill(ns, nc, r, n);
	free(x->slot);
	x->slot = ns;
	x->cap = nc;
	return TW_OK;
}

void tw_addrix_rebuild(struct tw_addrix *x, struct tw_addrix_recs r, size_t n)
{
	if (!x->cap)
		return;
	memset(x->slot, 0, x->cap * sizeof(*x->slot));
	fill(x->slot, x->cap, r, n);
}

void tw_addrix_fini(struct tw_addrix *x)
{
	free(x->slot);
	x->slot = NULL;
	x->cap = 0;
}
